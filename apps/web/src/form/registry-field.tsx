import { memo, useRef, useState, type HTMLAttributes } from 'react';
import { plainText } from '@guichet/shared';
import { ApiError, api } from '../lib/api';
import { useForm } from './context';
import { ErrorMessage, Required } from './field-parts';
import { LiveStatus, LookupFieldset, SourceLine, updateObject, useLookupRefs } from './lookup-parts';
import { idOf, type FieldModel } from './model';
import { useFieldError, useValue } from './store';

/**
 * What tells one registry lookup field (SIRET, RNA…) from another: its
 * identifier, the values a registry record fills, where it is looked up and
 * its texts (functions, so that they follow the page's language). The field
 * itself — look up once the identifier is valid, fill the block, provenance
 * line, closed flag, live region, locked values read-only, typing by hand
 * when the registry does not answer — is `registryField`'s.
 */
export interface RegistryFieldKind<Part extends string, Entry> {
  /** The component's name (React's tools). */
  name: string;
  /** The values the field fills, in order (the server checks the same ones). */
  parts: readonly Part[];
  labels: Record<Part, () => string>;
  /** How a part is typed by hand: one line (default), several lines, a date. */
  partKind?: (part: Part) => 'text' | 'long' | 'date';
  /** The values the designer locked, read from the uiSchema. */
  lockedIn: (ui: unknown) => Part[];
  /** The identifier's property (`siret`, `rna`), also the fieldset's class (and `…-source`'s). */
  idProperty: string;
  idLabel: string;
  /** The format hint under the identifier's label. */
  idHint: () => string;
  /** The identifier's input's own attributes (inputMode, autoCapitalize). */
  idInput: HTMLAttributes<HTMLInputElement>;
  /** The identifier as typed, normalised (what a found record is compared with). */
  normalise: (typed: string) => string | null;
  /** Whether a normalised identifier is complete enough to be checked. */
  complete: (id: string | null) => id is string;
  /** A complete identifier that is still wrong (a bad key): the live region's message. */
  invalid?: { test: (id: string) => boolean; message: () => string };
  /** The record's identifier and values. */
  idOf: (entry: Entry) => string;
  valuesOf: (entry: Entry) => Record<Part, string>;
  /** Whether the normalised identifier is written into the answers with the values found. */
  storesFoundId: boolean;
  /** The public endpoint that answers one identifier (404 when unknown). */
  url: (id: string) => string;
  asking: () => string;
  found: (entry: Entry) => string;
  unknown: () => string;
  failed: () => string;
  /** The provenance line's text, when a record was found. */
  source: () => string;
  /** A closed establishment, a dissolved association: flagged under the provenance line. */
  closed: (entry: Entry) => boolean;
  closedTitle: () => string;
  closedText: (entry: Entry) => string;
}

type Value = Partial<Record<string, string>>;
const asValue = (v: unknown): Value => (v !== null && typeof v === 'object' ? (v as Value) : {});

/** Where the lookup stands: nothing asked, asking, found, unknown, or the registry did not answer. */
type Lookup<Entry> = { state: 'idle' | 'asking' | 'unknown' | 'failed' } | { state: 'found'; entry: Entry };

const DEBOUNCE_MS = 300;

/** The field of a kind: the citizen types the identifier, the block fills from the registry. */
export function registryField<Part extends string, Entry>(kind: RegistryFieldKind<Part, Entry>) {
  const field = memo(function RegistryField({ model }: { model: FieldModel }) {
    const { store, formId } = useForm();
    const id = idOf(model.pointer);
    const value = asValue(useValue(store, model.pointer));
    const properties = (model.schema.properties ?? {}) as Record<string, { title?: unknown }>;
    const parts = kind.parts.filter((p) => p in properties);
    const locked = kind.lockedIn(model.ui);
    const ownError = useFieldError(store, model.pointer);
    const idError = useFieldError(store, `${model.pointer}/${kind.idProperty}`);
    const [lookup, setLookup] = useState<Lookup<Entry>>({ state: 'idle' });
    const [status, setStatus] = useState('');
    const { timer, inflight } = useLookupRefs();
    const asked = useRef<string | null>(null);

    const update = (changes: Value) => updateObject(store, model.pointer, changes);

    const ask = (typedId: string) => {
      inflight.current?.abort();
      const controller = new AbortController();
      inflight.current = controller;
      asked.current = typedId;
      setLookup({ state: 'asking' });
      setStatus(kind.asking());
      api<Entry>(kind.url(typedId), { signal: controller.signal }).then(
        (entry) => {
          const filled = kind.valuesOf(entry);
          update({
            ...(kind.storesFoundId ? { [kind.idProperty]: typedId } : {}),
            ...Object.fromEntries(parts.map((p) => [p, filled[p]])),
          });
          setLookup({ state: 'found', entry });
          setStatus(kind.found(entry));
        },
        (error: Error) => {
          if (error.name === 'AbortError') return;
          const unknown = error instanceof ApiError && error.status === 404;
          setLookup({ state: unknown ? 'unknown' : 'failed' });
          setStatus(unknown ? kind.unknown() : kind.failed());
        },
      );
    };

    const onId = (typed: string) => {
      clearTimeout(timer.current);
      const normalised = kind.normalise(typed);
      // Another identifier: what the registry filled for the previous one goes.
      if (lookup.state === 'found' && normalised !== kind.idOf(lookup.entry)) {
        inflight.current?.abort();
        update({ [kind.idProperty]: typed, ...Object.fromEntries(parts.map((p) => [p, undefined])) });
        setLookup({ state: 'idle' });
      } else update({ [kind.idProperty]: typed });
      if (!kind.complete(normalised)) {
        asked.current = null;
        if (lookup.state !== 'found') setLookup({ state: 'idle' });
        setStatus('');
        return;
      }
      if (kind.invalid && !kind.invalid.test(normalised)) {
        asked.current = null;
        setStatus(kind.invalid.message());
        return;
      }
      if (asked.current === normalised) return;
      timer.current = setTimeout(() => ask(normalised), DEBOUNCE_MS);
    };

    const found = lookup.state === 'found' ? lookup.entry : undefined;
    const inputId = idOf(`${model.pointer}/${kind.idProperty}`);
    const described = [model.description && `${id}-aide`, `${id}-statut`, idError && `${inputId}-erreur`]
      .filter(Boolean)
      .join(' ');
    const idTitle = properties[kind.idProperty]?.title;
    return (
      <LookupFieldset model={model} id={id} kind={kind.idProperty} invalid={!!ownError} message={ownError?.message}>
        <div className={`field${idError ? ' field--error' : ''}`}>
          <label htmlFor={inputId}>
            {plainText(typeof idTitle === 'string' ? idTitle : kind.idLabel)}
            <Required on={model.required} />
          </label>
          <p className="hint" id={`${id}-format`}>
            {kind.idHint()}
          </p>
          <ErrorMessage id={inputId} message={idError?.message} />
          <input
            id={inputId}
            form={formId}
            type="text"
            {...kind.idInput}
            autoComplete="off"
            spellCheck={false}
            maxLength={20}
            aria-describedby={`${id}-format ${described}`.trim()}
            aria-invalid={idError ? true : undefined}
            aria-required={model.required || undefined}
            value={value[kind.idProperty] ?? ''}
            onChange={(e) => onId(e.target.value)}
          />
        </div>
        <LiveStatus id={`${id}-statut`} status={status} />
        {lookup.state === 'failed' || lookup.state === 'unknown' ? (
          <p className="notice notice--warning">{status}</p>
        ) : null}
        {found && (
          <SourceLine className={`${kind.idProperty}-source`} text={kind.source()} locked={locked.length > 0} />
        )}
        {found && kind.closed(found) && (
          <p className="notice notice--warning">
            <strong>{kind.closedTitle()}</strong>
            {kind.closedText(found)}
          </p>
        )}
        {parts.map((part) => (
          <RegistryPart
            key={part}
            pointer={`${model.pointer}/${part}`}
            label={
              typeof properties[part]?.title === 'string' ? (properties[part].title as string) : kind.labels[part]()
            }
            kind={kind.partKind?.(part) ?? 'text'}
            value={value[part] ?? ''}
            readOnly={!!found && locked.includes(part)}
            formId={formId}
            onChange={(next) => update({ [part]: next })}
          />
        ))}
      </LookupFieldset>
    );
  });
  field.displayName = kind.name;
  return field;
}

function RegistryPart(props: {
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
