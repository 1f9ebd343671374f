import { memo } from 'react';
import { ADDRESS_QUERY, type Address } from '@guichet/shared';
import { api } from '../lib/api';
import { tr } from '../lib/i18n';
import type { ComboboxChoice } from './combobox';
import { useForm } from './context';
import { ByHandInput, ByHandToggle, LookupFieldset, PostcodeInput } from './lookup-parts';
import { idOf, type FieldModel } from './model';
import { fieldMessage, SearchCombobox, useSearchCombobox } from './search-combobox';
import { useFieldError, useValue } from './store';

/** What the field stores: chosen among the BAN's suggestions (with `banId` and the point), or typed by hand. */
interface AddressValue {
  label?: string;
  numero?: string;
  voie?: string;
  codePostal?: string;
  commune?: string;
  codeInsee?: string;
  banId?: string;
  lon?: number;
  lat?: number;
}

interface Choice extends ComboboxChoice {
  address: Address;
}

const DEBOUNCE_MS = 300;

export { isAddressUi } from '@guichet/shared';

const asValue = (v: unknown): AddressValue => (v !== null && typeof v === 'object' ? (v as AddressValue) : {});
/** The one line of an address typed by hand, from its parts. */
const lineOf = (v: AddressValue) => [v.voie, v.codePostal, v.commune].filter((s) => s && s.trim()).join(' ');

/**
 * The address field (issue 23): a combobox over API Adresse (Base Adresse
 * Nationale) through GET /api/v1/public/adresses; choosing a suggestion stores
 * the normalised address with its BAN id and point. Free typing is always
 * allowed: when nothing fits, or the API does not answer, the citizen types
 * the street, postcode and commune below; the request is never blocked, and
 * the server checks a chosen address at submit.
 */
export const AddressField = memo(function AddressField({ model }: { model: FieldModel }) {
  const { store, formId } = useForm();
  const id = idOf(model.pointer);
  const value = asValue(useValue(store, model.pointer));
  const message = fieldMessage([
    useFieldError(store, model.pointer),
    useFieldError(store, `${model.pointer}/label`),
    useFieldError(store, `${model.pointer}/voie`),
    useFieldError(store, `${model.pointer}/codePostal`),
    useFieldError(store, `${model.pointer}/commune`),
    useFieldError(store, `${model.pointer}/lon`),
    useFieldError(store, `${model.pointer}/lat`),
  ]);
  const search = useSearchCombobox<Choice>({
    initialText: () => (value.banId ? (value.label ?? '') : ''),
    initialByHand: () => !value.banId && !!(value.voie || value.codePostal || value.commune),
    debounceMs: DEBOUNCE_MS,
    queryOf: (typed) => {
      const query = typed.replace(/\s+/g, ' ').trim();
      return query.length < ADDRESS_QUERY.min || query.length > ADDRESS_QUERY.max ? undefined : query;
    },
    search: (query, signal) =>
      api<{ adresses: Address[] }>(`/api/v1/public/adresses?q=${encodeURIComponent(query)}`, { signal }).then(
        ({ adresses }) => adresses.map((address, i) => ({ id: `${id}-option-${i}`, label: address.label, address })),
      ),
    foundStatus: (count) =>
      count === 0
        ? tr(
            'Aucune adresse trouvée : vous pouvez la saisir vous-même ci-dessous.',
            'No address found: you may type it below.',
          )
        : count === 1
          ? tr('1 adresse trouvée', '1 address found')
          : tr(`${count} adresses trouvées`, `${count} addresses found`),
    byHandWhenNothing: true,
    // A changed search is no longer the address chosen.
    onTyped: () => {
      if (value.banId) store.set(model.pointer, undefined);
    },
    // What was typed becomes the street line.
    onFailure: (typed) => store.set(model.pointer, { voie: typed, label: typed }),
    failureStatus: tr(
      'La recherche d’adresses ne répond pas : saisissez la voie, le code postal et la commune ci-dessous.',
      'The address search does not answer: type the street, postcode and town below.',
    ),
  });

  const choose = (choice: Choice) => {
    const a = choice.address;
    store.set(model.pointer, {
      label: a.label,
      numero: a.numero || undefined,
      voie: a.voie || undefined,
      codePostal: a.codePostal,
      commune: a.commune,
      codeInsee: a.codeInsee,
      banId: a.banId,
      lon: a.lon,
      lat: a.lat,
    });
    search.chosen(a.label, tr(`Adresse choisie : ${a.label}`, `Address chosen: ${a.label}`));
  };

  const setPart = (part: 'voie' | 'codePostal' | 'commune', next: string) => {
    const current = asValue(store.get(model.pointer));
    // Typed by hand: no BAN id, no point, no INSEE code can be claimed.
    const updated: AddressValue = {
      voie: current.voie,
      codePostal: current.codePostal,
      commune: current.commune,
      [part]: next === '' ? undefined : next,
    };
    const label = lineOf(updated);
    store.set(model.pointer, label ? { ...updated, label } : undefined);
  };

  const typedValue = value.banId ? {} : value;
  return (
    <LookupFieldset model={model} id={id} kind="address" invalid={!!message} message={message}>
      <SearchCombobox
        search={search}
        model={model}
        id={id}
        formId={formId}
        label={tr('Adresse (numéro, voie, commune)', 'Address (number, street, town)')}
        message={message}
        required={model.required && !search.byHand}
        onChoose={choose}
      />
      {value.banId && (
        <p className="hint">{tr('Adresse de la Base Adresse Nationale', 'Address from the Base Adresse Nationale')}</p>
      )}
      {search.byHand ? (
        <div className="address-by-hand">
          <ByHandInput
            pointer={`${model.pointer}/voie`}
            formId={formId}
            label={tr('Numéro et voie', 'Street address')}
            autoComplete="address-line1"
            value={typedValue.voie ?? ''}
            onChange={(next) => setPart('voie', next)}
          />
          <PostcodeInput
            pointer={`${model.pointer}/codePostal`}
            formId={formId}
            value={typedValue.codePostal ?? ''}
            onChange={(next) => setPart('codePostal', next)}
          />
          <ByHandInput
            pointer={`${model.pointer}/commune`}
            formId={formId}
            label={tr('Commune', 'Town')}
            autoComplete="address-level2"
            value={typedValue.commune ?? ''}
            onChange={(next) => setPart('commune', next)}
          />
        </div>
      ) : (
        <ByHandToggle
          label={tr('Je ne trouve pas mon adresse : la saisir', 'I cannot find my address: type it')}
          onClick={() => search.setByHand(true)}
        />
      )}
    </LookupFieldset>
  );
});
