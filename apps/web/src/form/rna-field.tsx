import { memo, useEffect, useRef, useState } from 'react';
import {
  RNA_FIELD_VALUES,
  associationValues,
  isRnaUi,
  normaliseRna,
  plainText,
  rnaLocked,
  type Association,
  type RnaFieldValue,
} from '@guichet/shared';
import { ApiError, api } from '../lib/api';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import { ErrorMessage, Required } from './field-parts';
import { idOf, type FieldModel } from './model';
import { RichText } from './RichText';
import { useFieldError, useValue } from './store';

/** The values the field fills, in order: the server checks the same ones (@guichet/shared's rna-field). */
const PARTS = RNA_FIELD_VALUES;
type Part = RnaFieldValue;

const LABELS: Record<Part, () => string> = {
  nom: () => tr('Nom de l’association', 'Name of the association'),
  objet: () => tr('Objet social', 'Purpose'),
  adresse: () => tr('Adresse du siège', 'Address of the seat'),
  codePostal: () => tr('Code postal', 'Postcode'),
  commune: () => tr('Commune', 'Town'),
  dateDeclaration: () => tr('Date de déclaration', 'Date of declaration'),
  datePublicationJo: () => tr('Date de publication au Journal officiel', 'Date of publication in the Journal officiel'),
  etat: () => tr('État', 'State'),
};
const DATES: ReadonlySet<Part> = new Set(['dateDeclaration', 'datePublicationJo']);

export { isRnaUi };

type Value = Partial<Record<Part | 'rna', string>>;
const asValue = (v: unknown): Value => (v !== null && typeof v === 'object' ? (v as Value) : {});

/** Where the lookup stands: nothing asked, asking, found, unknown, or the registry did not answer. */
type Lookup = { state: 'idle' | 'asking' | 'unknown' | 'failed' } | { state: 'found'; association: Association };

const DEBOUNCE_MS = 300;

/**
 * The RNA field (issue 23), as the SIRET field: the citizen types the
 * association's RNA number; once it is well formed (W and 9 digits) the
 * association is looked up in the Répertoire national des associations and
 * the block fills (nom, objet, siège, dates of declaration and publication,
 * état), its provenance shown and a dissolved association flagged. Locked
 * values (`ui:options.locked`) cannot be changed once found; when the
 * registry does not answer every value is typed by hand and the request is
 * never blocked — the server checks the locked ones at submit.
 */
export const RnaField = memo(function RnaField({ model }: { model: FieldModel }) {
  const { store, formId } = useForm();
  const id = idOf(model.pointer);
  const value = asValue(useValue(store, model.pointer));
  const properties = (model.schema.properties ?? {}) as Record<string, { title?: unknown }>;
  const parts = PARTS.filter((p) => p in properties);
  const locked = rnaLocked(model.ui);
  const ownError = useFieldError(store, model.pointer);
  const rnaError = useFieldError(store, `${model.pointer}/rna`);
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

  const ask = (rna: string) => {
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    asked.current = rna;
    setLookup({ state: 'asking' });
    setStatus(tr('Recherche de l’association…', 'Looking the association up…'));
    api<Association>(`/api/v1/public/associations/${rna}`, { signal: controller.signal }).then(
      (association) => {
        const filled = associationValues(association);
        update({ rna, ...Object.fromEntries(parts.map((p) => [p, filled[p]])) });
        setLookup({ state: 'found', association });
        setStatus(
          association.etat === 'dissoute'
            ? tr(
                `Association trouvée : ${association.nom}. Attention : cette association est dissoute.`,
                `Association found: ${association.nom}. Note: this association has been dissolved.`,
              )
            : tr(
                `Association trouvée : ${association.nom}. Les informations ci-dessous ont été remplies.`,
                `Association found: ${association.nom}. The details below have been filled in.`,
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
                'Aucune association n’a ce numéro dans le Répertoire national des associations : vérifiez-le, ou complétez les informations ci-dessous vous-même.',
                'No association has this number in the national register of associations: check it, or fill in the details below yourself.',
              )
            : tr(
                'Le Répertoire national des associations ne répond pas pour le moment : complétez les informations ci-dessous vous-même, elles seront acceptées.',
                'The national register of associations does not answer at the moment: fill in the details below yourself, they will be accepted.',
              ),
        );
      },
    );
  };

  const onRna = (typed: string) => {
    clearTimeout(timer.current);
    const rna = normaliseRna(typed);
    // Another number: what the registry filled for the previous one goes.
    if (lookup.state === 'found' && rna !== lookup.association.rna) {
      inflight.current?.abort();
      update({ rna: typed, ...Object.fromEntries(parts.map((p) => [p, undefined])) });
      setLookup({ state: 'idle' });
    } else update({ rna: typed });
    if (rna === null) {
      asked.current = null;
      if (lookup.state !== 'found') setLookup({ state: 'idle' });
      setStatus('');
      return;
    }
    if (asked.current === rna) return;
    timer.current = setTimeout(() => ask(rna), DEBOUNCE_MS);
  };

  const found = lookup.state === 'found' ? lookup.association : undefined;
  const rnaId = idOf(`${model.pointer}/rna`);
  const described = [model.description && `${id}-aide`, `${id}-statut`, rnaError && `${rnaId}-erreur`]
    .filter(Boolean)
    .join(' ');
  return (
    <fieldset
      className={`group rna${ownError ? ' field--error' : ''}`}
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
      <div className={`field${rnaError ? ' field--error' : ''}`}>
        <label htmlFor={rnaId}>
          {plainText(typeof properties.rna?.title === 'string' ? properties.rna.title : 'Numéro RNA')}
          <Required on={model.required} />
        </label>
        <p className="hint" id={`${id}-format`}>
          {tr(
            'La lettre W suivie de 9 chiffres, par exemple W751234567. Il figure sur le récépissé de la préfecture.',
            'The letter W and 9 digits, for example W751234567. It is on the préfecture’s receipt.',
          )}
        </p>
        <ErrorMessage id={rnaId} message={rnaError?.message} />
        <input
          id={rnaId}
          form={formId}
          type="text"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={20}
          aria-describedby={`${id}-format ${described}`.trim()}
          aria-invalid={rnaError ? true : undefined}
          aria-required={model.required || undefined}
          value={value.rna ?? ''}
          onChange={(e) => onRna(e.target.value)}
        />
      </div>
      <p className="sr-only" role="status" aria-live="polite" id={`${id}-statut`}>
        {status}
      </p>
      {lookup.state === 'failed' || lookup.state === 'unknown' ? (
        <p className="notice notice--warning">{status}</p>
      ) : null}
      {found && (
        <p className="hint rna-source">
          {tr(
            'Fourni par le Répertoire national des associations',
            'Provided by the national register of associations',
          )}
          {locked.length > 0 &&
            tr(
              ' : les informations verrouillées ne peuvent pas être modifiées ici.',
              ': locked details cannot be changed here.',
            )}
        </p>
      )}
      {found?.etat === 'dissoute' && (
        <p className="notice notice--warning">
          <strong>{tr('Association dissoute', 'Dissolved association')}</strong>
          {tr(
            ` : le Répertoire national des associations indique qu’elle a été dissoute${found.dateDissolution ? ` le ${found.dateDissolution.split('-').reverse().join('/')}` : ''}.`,
            `: the national register of associations says it has been dissolved${found.dateDissolution ? ` on ${found.dateDissolution}` : ''}.`,
          )}
        </p>
      )}
      {parts.map((part) => (
        <RnaPart
          key={part}
          pointer={`${model.pointer}/${part}`}
          label={typeof properties[part]?.title === 'string' ? (properties[part].title as string) : LABELS[part]()}
          kind={part === 'objet' ? 'long' : DATES.has(part) ? 'date' : 'text'}
          value={value[part] ?? ''}
          readOnly={!!found && locked.includes(part)}
          formId={formId}
          onChange={(next) => update({ [part]: next })}
        />
      ))}
    </fieldset>
  );
});

function RnaPart(props: {
  pointer: string;
  label: string;
  kind: 'text' | 'long' | 'date';
  value: string;
  readOnly: boolean;
  formId?: string;
  onChange: (value: string) => void;
}) {
  const { store } = useForm();
  const error = useFieldError(store, props.pointer);
  const id = idOf(props.pointer);
  const common = {
    id,
    form: props.formId,
    value: props.value,
    readOnly: props.readOnly,
    'aria-describedby': error ? `${id}-erreur` : undefined,
    'aria-invalid': error ? true : undefined,
  };
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{plainText(props.label)}</label>
      <ErrorMessage id={id} message={error?.message} />
      {props.kind === 'long' ? (
        <textarea {...common} rows={3} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={props.kind === 'date' ? 'date' : 'text'}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </div>
  );
}
