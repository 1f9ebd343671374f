import { memo } from 'react';
import { api } from '../lib/api';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import { ByHandInput, ByHandToggle, LookupFieldset, PostcodeInput } from './lookup-parts';
import { idOf, type FieldModel, type Ui } from './model';
import { fieldMessage, SearchCombobox, useSearchCombobox } from './search-combobox';
import { useFieldError, useValue } from './store';

/** What the API answers (GET /api/v1/public/communes). */
interface Commune {
  codeInsee: string;
  nom: string;
  codesPostaux: string[];
  departement: { code: string; nom: string };
}

/** What the field stores: chosen from the list (with its code), or typed by hand (without). */
interface CommuneValue {
  codeInsee?: string;
  nom?: string;
  codePostal?: string;
}

/** One line of the list: a commune with one of its postcodes (Orléans 45000, Orléans 45100). */
interface Choice {
  id: string;
  value: { codeInsee: string; nom: string; codePostal: string };
  label: string;
}

const DEBOUNCE_MS = 250;
const MAX_CHOICES = 10;

export { isCommuneUi } from '@guichet/shared';

function territoryQuery(ui: Ui): string {
  const options = (ui['ui:options'] ?? {}) as Record<string, unknown>;
  return ['departements', 'epci', 'communes']
    .map((name) => {
      const list = Array.isArray(options[name])
        ? (options[name] as unknown[]).filter((v) => typeof v === 'string')
        : [];
      return list.length ? `&${name}=${encodeURIComponent(list.join(','))}` : '';
    })
    .join('');
}

function choicesOf(communes: Commune[], query: string, base: string): Choice[] {
  const digits = /\d{2,5}/.exec(query)?.[0];
  const out: Choice[] = [];
  for (const c of communes)
    for (const codePostal of c.codesPostaux.length ? c.codesPostaux : ['']) {
      if (digits && codePostal && !codePostal.startsWith(digits) && c.codeInsee !== digits) continue;
      out.push({
        id: `${base}-option-${out.length}`,
        value: { codeInsee: c.codeInsee, nom: c.nom, codePostal },
        label: `${c.nom}${codePostal ? ` (${codePostal})` : ''} — ${c.departement.nom}`,
      });
    }
  return out.slice(0, MAX_CHOICES);
}

const asValue = (v: unknown): CommuneValue => (v !== null && typeof v === 'object' ? (v as CommuneValue) : {});
const shown = (v: CommuneValue) => (v.codeInsee && v.nom ? `${v.nom}${v.codePostal ? ` (${v.codePostal})` : ''}` : '');

/**
 * The commune field (issue 23): a combobox (ARIA 1.2 pattern) that searches
 * the official list on the server as the citizen types, and stores the
 * commune's INSEE code, name and postcode. When the search does not answer —
 * or the citizen does not find their commune — the name and postcode are
 * typed by hand: the request is never blocked, and the server checks them at
 * submit (completing the code when they designate one commune).
 */
export const CommuneField = memo(function CommuneField({ model }: { model: FieldModel }) {
  const { store, formId } = useForm();
  const id = idOf(model.pointer);
  const value = asValue(useValue(store, model.pointer));
  const message = fieldMessage([
    useFieldError(store, model.pointer),
    useFieldError(store, `${model.pointer}/codeInsee`),
    useFieldError(store, `${model.pointer}/nom`),
    useFieldError(store, `${model.pointer}/codePostal`),
  ]);
  const search = useSearchCombobox<Choice>({
    initialText: () => shown(value),
    initialByHand: () => !value.codeInsee && !!(value.nom || value.codePostal),
    debounceMs: DEBOUNCE_MS,
    queryOf: (typed) => {
      const query = typed.trim();
      return query.length < 2 ? undefined : query;
    },
    search: (query, signal) =>
      api<Commune[]>(
        `/api/v1/public/communes?q=${encodeURIComponent(query)}&limit=${MAX_CHOICES}${territoryQuery(model.ui)}`,
        { signal },
      ).then((communes) => choicesOf(communes, query, id)),
    foundStatus: (count) =>
      count === 0
        ? tr('Aucune commune trouvée', 'No commune found')
        : count === 1
          ? tr('1 commune trouvée', '1 commune found')
          : tr(`${count} communes trouvées`, `${count} communes found`),
    // A changed search is no longer the commune chosen.
    onTyped: () => {
      if (value.codeInsee) store.set(model.pointer, undefined);
    },
    // What was typed goes where it belongs.
    onFailure: (typed) => store.set(model.pointer, /^\d{5}$/.test(typed) ? { codePostal: typed } : { nom: typed }),
    failureStatus: tr(
      'La recherche de communes ne répond pas : saisissez le nom de la commune et son code postal ci-dessous.',
      'The commune search does not answer: type the commune’s name and postcode below.',
    ),
  });

  const choose = (choice: Choice) => {
    store.set(model.pointer, choice.value);
    search.chosen(shown(choice.value), tr(`Commune choisie : ${choice.label}`, `Commune chosen: ${choice.label}`));
  };

  const setPart = (part: 'nom' | 'codePostal', next: string) => {
    const { codeInsee: _dropped, ...rest } = asValue(store.get(model.pointer));
    const updated = { ...rest, [part]: next === '' ? undefined : next };
    store.set(model.pointer, updated.nom === undefined && updated.codePostal === undefined ? undefined : updated);
  };

  return (
    <LookupFieldset model={model} id={id} kind="commune" invalid={!!message} message={message}>
      <SearchCombobox
        search={search}
        model={model}
        id={id}
        formId={formId}
        label={tr('Nom ou code postal de la commune', 'Commune name or postcode')}
        message={message}
        required={model.required}
        onChoose={choose}
      />
      {search.byHand ? (
        <div className="commune-by-hand">
          <ByHandInput
            pointer={`${model.pointer}/nom`}
            formId={formId}
            label={tr('Nom de la commune', 'Commune name')}
            autoComplete="address-level2"
            value={value.codeInsee ? '' : (value.nom ?? '')}
            onChange={(next) => setPart('nom', next)}
          />
          <PostcodeInput
            pointer={`${model.pointer}/codePostal`}
            formId={formId}
            value={value.codeInsee ? '' : (value.codePostal ?? '')}
            onChange={(next) => setPart('codePostal', next)}
          />
        </div>
      ) : (
        <ByHandToggle
          label={tr('Je ne trouve pas ma commune : la saisir', 'I cannot find my commune: type it')}
          onClick={() => search.setByHand(true)}
        />
      )}
    </LookupFieldset>
  );
});
