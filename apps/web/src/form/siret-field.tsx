import { memo, useEffect, useRef, useState } from 'react';
import {
  CUSTOM_FORMATS,
  SIRET_FIELD_VALUES,
  companyValues,
  isSiretUi,
  plainText,
  siretLocked,
  type Company,
  type SiretFieldValue,
} from '@guichet/shared';
import { ApiError, api } from '../lib/api';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import { ErrorMessage, Required } from './field-parts';
import { idOf, type FieldModel } from './model';
import { RichText } from './RichText';
import { useFieldError, useValue } from './store';

/** The values the field fills, in order: the server checks the same ones (@guichet/shared's siret-field). */
const PARTS = SIRET_FIELD_VALUES;
type Part = SiretFieldValue;

const LABELS: Record<Part, () => string> = {
  raisonSociale: () => tr('Raison sociale', 'Company name'),
  formeJuridique: () => tr('Forme juridique', 'Legal form'),
  adresse: () => tr('Adresse', 'Address'),
  codePostal: () => tr('Code postal', 'Postcode'),
  commune: () => tr('Commune', 'Town'),
  codeNaf: () => tr('Code NAF (APE)', 'NAF (APE) code'),
  etat: () => tr('État administratif', 'Administrative state'),
};

export { isSiretUi };

type Value = Partial<Record<Part | 'siret', string>>;
const asValue = (v: unknown): Value => (v !== null && typeof v === 'object' ? (v as Value) : {});
const compact = (siret: string) => siret.replace(/[ \u00A0\u202F]/g, '');

/** Where the lookup stands: nothing asked, asking, found, unknown, or the directory did not answer. */
type Lookup = { state: 'idle' | 'asking' | 'unknown' | 'failed' } | { state: 'found'; company: Company };

const DEBOUNCE_MS = 300;

/**
 * The SIRET field (issue 23): the citizen types a SIRET; once it is valid (14
 * digits and its key) the establishment is looked up in the répertoire Sirene
 * and the block fills (raison sociale, forme juridique, adresse, code NAF,
 * état), its provenance shown and a closed establishment flagged. The values
 * the designer locked (`ui:options.locked`) cannot be changed once found;
 * when the directory does not answer every value is typed by hand and the
 * request is never blocked — the server checks the locked ones at submit.
 */
export const SiretField = memo(function SiretField({ model }: { model: FieldModel }) {
  const { store, formId } = useForm();
  const id = idOf(model.pointer);
  const value = asValue(useValue(store, model.pointer));
  const properties = (model.schema.properties ?? {}) as Record<string, { title?: unknown }>;
  const parts = PARTS.filter((p) => p in properties);
  const locked = siretLocked(model.ui);
  const ownError = useFieldError(store, model.pointer);
  const siretError = useFieldError(store, `${model.pointer}/siret`);
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' });
  const [status, setStatus] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const inflight = useRef<AbortController | null>(null);
  const asked = useRef<string | null>(null);
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      inflight.current?.abort();
    },
    [],
  );

  const update = (changes: Value) => {
    const next: Value = { ...asValue(store.get(model.pointer)), ...changes };
    for (const key of Object.keys(next) as Array<keyof Value>)
      if (next[key] === '' || next[key] === undefined) delete next[key];
    store.set(model.pointer, Object.keys(next).length ? next : undefined);
  };

  const ask = (siret: string) => {
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    asked.current = siret;
    setLookup({ state: 'asking' });
    setStatus(tr('Recherche de l’établissement…', 'Looking the establishment up…'));
    api<Company>(`/api/v1/public/entreprises/${siret}`, { signal: controller.signal }).then(
      (company) => {
        const filled = companyValues(company);
        update(Object.fromEntries(parts.map((p) => [p, filled[p]])));
        setLookup({ state: 'found', company });
        setStatus(
          company.etat === 'ferme'
            ? tr(
                `Établissement trouvé : ${company.raisonSociale}. Attention : cet établissement est fermé.`,
                `Establishment found: ${company.raisonSociale}. Note: this establishment is closed.`,
              )
            : tr(
                `Établissement trouvé : ${company.raisonSociale}. Les informations ci-dessous ont été remplies.`,
                `Establishment found: ${company.raisonSociale}. The details below have been filled in.`,
              ),
        );
      },
      (error: Error) => {
        if (error.name === 'AbortError') return;
        const unknown = error instanceof ApiError && error.status === 404;
        setLookup({ state: unknown ? 'unknown' : 'failed' });
        setStatus(
          unknown
            ? tr(
                'Aucun établissement n’a ce numéro SIRET dans le répertoire Sirene : vérifiez-le, ou complétez les informations ci-dessous vous-même.',
                'No establishment has this SIRET in the Sirene directory: check it, or fill in the details below yourself.',
              )
            : tr(
                'Le répertoire des entreprises ne répond pas pour le moment : complétez les informations ci-dessous vous-même, elles seront acceptées.',
                'The company directory does not answer at the moment: fill in the details below yourself, they will be accepted.',
              ),
        );
      },
    );
  };

  const onSiret = (typed: string) => {
    clearTimeout(timer.current);
    const siret = compact(typed.trim());
    // Another SIRET: what the directory filled for the previous one goes.
    if (lookup.state === 'found' && siret !== lookup.company.siret) {
      inflight.current?.abort();
      update({ siret: typed, ...Object.fromEntries(parts.map((p) => [p, undefined])) });
      setLookup({ state: 'idle' });
    } else update({ siret: typed });
    if (siret.length !== 14 || !/^\d+$/.test(siret)) {
      asked.current = null;
      if (lookup.state !== 'found') setLookup({ state: 'idle' });
      setStatus('');
      return;
    }
    if (!CUSTOM_FORMATS.siret(siret)) {
      asked.current = null;
      setStatus(
        tr(
          'Ce numéro SIRET n’est pas valide : vérifiez les 14 chiffres.',
          'This SIRET is not valid: check the 14 digits.',
        ),
      );
      return;
    }
    if (asked.current === siret) return;
    timer.current = setTimeout(() => ask(siret), DEBOUNCE_MS);
  };

  const found = lookup.state === 'found' ? lookup.company : undefined;
  const siretId = idOf(`${model.pointer}/siret`);
  const described = [model.description && `${id}-aide`, `${id}-statut`, siretError && `${siretId}-erreur`]
    .filter(Boolean)
    .join(' ');
  return (
    <fieldset
      className={`group siret${ownError ? ' field--error' : ''}`}
      id={id}
      tabIndex={-1}
      data-pointer={model.pointer}
    >
      <legend>
        {plainText(model.title)}
        <Required on={model.required} />
      </legend>
      {model.description && <RichText className="hint" id={`${id}-aide`} text={model.description} />}
      <ErrorMessage id={id} message={ownError?.message} />
      <div className={`field${siretError ? ' field--error' : ''}`}>
        <label htmlFor={siretId}>
          {plainText(typeof properties.siret?.title === 'string' ? properties.siret.title : 'Numéro SIRET')}
          <Required on={model.required} />
        </label>
        <p className="hint" id={`${id}-format`}>
          {tr('14 chiffres, par exemple 732 829 320 00074.', '14 digits, for example 732 829 320 00074.')}
        </p>
        <ErrorMessage id={siretId} message={siretError?.message} />
        <input
          id={siretId}
          form={formId}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          maxLength={20}
          aria-describedby={`${id}-format ${described}`.trim()}
          aria-invalid={siretError ? true : undefined}
          aria-required={model.required || undefined}
          value={value.siret ?? ''}
          onChange={(e) => onSiret(e.target.value)}
        />
      </div>
      <p className="sr-only" role="status" aria-live="polite" id={`${id}-statut`}>
        {status}
      </p>
      {lookup.state === 'failed' || lookup.state === 'unknown' ? (
        <p className="notice notice--warning">{status}</p>
      ) : null}
      {found && (
        <p className="hint siret-source">
          {tr('Fourni par le répertoire Sirene de l’INSEE', 'Provided by INSEE’s Sirene directory')}
          {locked.length > 0 &&
            tr(
              ' : les informations verrouillées ne peuvent pas être modifiées ici.',
              ': locked details cannot be changed here.',
            )}
        </p>
      )}
      {found?.etat === 'ferme' && (
        <p className="notice notice--warning">
          <strong>{tr('Établissement fermé', 'Closed establishment')}</strong>
          {tr(
            ' : le répertoire Sirene indique que cet établissement a cessé son activité.',
            ': the Sirene directory says this establishment has ceased trading.',
          )}
        </p>
      )}
      {parts.map((part) => (
        <SiretPart
          key={part}
          pointer={`${model.pointer}/${part}`}
          label={typeof properties[part]?.title === 'string' ? (properties[part].title as string) : LABELS[part]()}
          value={value[part] ?? ''}
          readOnly={!!found && locked.includes(part)}
          formId={formId}
          onChange={(next) => update({ [part]: next })}
        />
      ))}
    </fieldset>
  );
});

function SiretPart(props: {
  pointer: string;
  label: string;
  value: string;
  readOnly: boolean;
  formId?: string;
  onChange: (value: string) => void;
}) {
  const { store } = useForm();
  const error = useFieldError(store, props.pointer);
  const id = idOf(props.pointer);
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{plainText(props.label)}</label>
      <ErrorMessage id={id} message={error?.message} />
      <input
        id={id}
        form={props.formId}
        type="text"
        value={props.value}
        readOnly={props.readOnly}
        aria-describedby={error ? `${id}-erreur` : undefined}
        aria-invalid={error ? true : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
