import { useEffect, useRef, type InputHTMLAttributes, type ReactNode } from 'react';
import { plainText } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { ErrorMessage, Required } from './field-parts';
import { idOf, type FieldModel } from './model';
import { RichText } from './RichText';
import type { FormStore } from './store';

/**
 * What the lookup fields (address, commune, family quotient, SIRET/RNA) draw
 * alike: the fieldset with its legend, hint and error, the live status line,
 * the provenance line, the « type it by hand » toggle and inputs, the pending
 * lookup's timer and request, and the change of some properties of the
 * field's object.
 */

/** The field's fieldset, legend, description (`…-aide`) and error (`…-erreur`), then the field's own content. */
export function LookupFieldset(props: {
  model: FieldModel;
  id: string;
  /** The fieldset's own class, after `group`. */
  kind: string;
  /** Whether the fieldset is marked in error (`field--error`). */
  invalid: boolean;
  message?: string;
  children: ReactNode;
}) {
  const { model, id } = props;
  return (
    <fieldset
      className={`group ${props.kind}${props.invalid ? ' field--error' : ''}`}
      id={id}
      tabIndex={-1}
      data-pointer={model.pointer}
    >
      <legend>
        {plainText(model.title)}
        <Required on={model.required} />
      </legend>
      {model.description && <RichText className="hint" id={`${id}-aide`} text={model.description} />}
      <ErrorMessage id={id} message={props.message || undefined} />
      {props.children}
    </fieldset>
  );
}

/** The polite live region that announces the lookup's progress and outcome (read only by screen readers). */
export function LiveStatus({ id, status }: { id?: string; status: string }) {
  return (
    <p className="sr-only" role="status" aria-live="polite" id={id}>
      {status}
    </p>
  );
}

/** The provenance line of values filled by a lookup, saying so when some of them are locked. */
export function SourceLine({ className, text, locked }: { className: string; text: string; locked: boolean }) {
  return (
    <p className={`hint ${className}`}>
      {text}
      {locked &&
        tr(
          ' : les informations verrouillées ne peuvent pas être modifiées ici.',
          ': locked details cannot be changed here.',
        )}
    </p>
  );
}

/** The debounce timer and the request in flight of a lookup, both cancelled when the field goes. */
export function useLookupRefs() {
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const inflight = useRef<AbortController | null>(null);
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      inflight.current?.abort();
    },
    [],
  );
  return { timer, inflight };
}

/** Changes some properties of the field's object; emptied ones go, and an empty object is no answer. */
export function updateObject(store: FormStore, pointer: string, changes: Record<string, unknown>): void {
  const current = store.get(pointer);
  const next: Record<string, unknown> = {
    ...(current !== null && typeof current === 'object' ? (current as Record<string, unknown>) : {}),
    ...changes,
  };
  for (const key of Object.keys(next)) if (next[key] === '' || next[key] === undefined) delete next[key];
  store.set(pointer, Object.keys(next).length ? next : undefined);
}

/** One input typed by hand when the lookup finds nothing or does not answer: its id is its property's. */
export function ByHandInput(
  props: {
    pointer: string;
    formId?: string;
    label: string;
    value: string;
    onChange: (value: string) => void;
  } & Pick<InputHTMLAttributes<HTMLInputElement>, 'autoComplete' | 'inputMode' | 'maxLength'>,
) {
  const { pointer, label, formId, onChange, ...attributes } = props;
  const id = idOf(pointer);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} form={formId} type="text" {...attributes} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** The postcode typed by hand (commune and address fields): five digits, on the numeric keypad. */
export function PostcodeInput(props: {
  pointer: string;
  formId?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <ByHandInput
      {...props}
      label={tr('Code postal', 'Postcode')}
      inputMode="numeric"
      autoComplete="postal-code"
      maxLength={5}
    />
  );
}

/** The button that opens the inputs typed by hand. */
export function ByHandToggle({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="button button--secondary" onClick={onClick}>
      {label}
    </button>
  );
}
