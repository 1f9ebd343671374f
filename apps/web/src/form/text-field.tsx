import { memo, useEffect, useRef, useState } from 'react';
import { useForm } from './context';
import { ErrorMessage, Required, useDescriptions } from './field-parts';
import type { FieldModel } from './model';
import { useFieldError } from './store';

function toText(value: unknown, model?: FieldModel): string {
  if (value === undefined || value === null) return '';
  if (model?.inputType === 'datetime-local' && typeof value === 'string') return utcToLocal(value);
  return String(value);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A stored date-time (RFC 3339, any zone) as the `datetime-local` input shows it: the citizen's local time. */
function utcToLocal(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** What the `datetime-local` input gives (local, no zone) as RFC 3339 in UTC, as RJSF stores it. */
function localToUtc(value: string): string | undefined {
  if (value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function parseNumber(text: string, integer: boolean): unknown {
  const compact = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  if (compact === '') return undefined;
  if (integer ? /^-?\d{1,15}$/.test(compact) : /^-?\d{1,15}(\.\d{1,10})?$/.test(compact)) return Number(compact);
  // Kept as typed: validation says what is wrong instead of the page swallowing it.
  return text;
}

/**
 * A text, number or date input, uncontrolled: the browser keeps the text, each
 * keystroke commits to the store without redrawing anything in React, and a
 * value set from elsewhere (a reloaded draft, an item removed above) is
 * written back into the input. RJSF's widgets `password`, `updown`, `range`,
 * `datetime`, `color` and `ui:options.inputType` choose the input's type.
 */
export const TextField = memo(function TextField({ model }: { model: FieldModel }) {
  const { store, formId } = useForm();
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes, locked } = useDescriptions(model, !!error);
  const numeric = model.kind === 'integer' || model.kind === 'number';
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const committed = useRef<unknown>(store.get(model.pointer));
  const [shown, setShown] = useState<unknown>(committed.current);
  useEffect(() => {
    const sync = () => {
      const value = store.get(model.pointer);
      if (value === committed.current) return;
      committed.current = value;
      if (ref.current) ref.current.value = toText(value, model);
      if (model.inputType === 'range') setShown(value);
    };
    sync();
    return store.subscribeValue(model.pointer, sync);
  }, [store, model]);
  const onChange = (next: string) => {
    const parsed = numeric
      ? (parseNumber(next, model.kind === 'integer') ?? model.emptyValue)
      : model.inputType === 'datetime-local'
        ? localToUtc(next)
        : model.inputType === 'time' && /^\d\d:\d\d$/.test(next)
          ? `${next}:00` // RJSF's TimeWidget: what `format: "time"` expects
          : next === ''
            ? model.emptyValue
            : next;
    committed.current = parsed;
    if (model.inputType === 'range') setShown(parsed);
    store.set(model.pointer, parsed);
  };
  const common = {
    id,
    ref,
    form: formId,
    name: model.pointer,
    defaultValue: toText(committed.current, model),
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    'aria-required': model.required || undefined,
    readOnly: model.readOnly || locked,
    disabled: model.disabled || undefined,
    autoFocus: model.autofocus || undefined,
    placeholder: model.placeholder,
    autoComplete: model.autoComplete ?? (model.inputType === 'password' ? 'new-password' : 'off'),
  };
  const type = numeric && model.inputType !== 'range' && model.inputType !== 'number' ? 'text' : model.inputType;
  return (
    <div className={`field${error ? ' field--error' : ''}`} data-pointer={model.pointer}>
      <label htmlFor={id} className={model.hideLabel ? 'sr-only' : undefined}>
        {model.title}
        <Required on={model.required} />
      </label>
      {nodes}
      <ErrorMessage id={id} message={error?.message} />
      {model.kind === 'textarea' ? (
        <textarea
          {...common}
          rows={Number((model.ui['ui:options'] as { rows?: number } | undefined)?.rows ?? 5)}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <>
          <input
            {...common}
            type={type}
            inputMode={type === 'text' ? model.inputMode : undefined}
            min={type === 'range' || type === 'number' ? model.min : type === 'date' ? model.minDate : undefined}
            max={type === 'range' || type === 'number' ? model.max : type === 'date' ? model.maxDate : undefined}
            step={
              type === 'range' || type === 'number' ? (model.step ?? (model.kind === 'integer' ? 1 : 'any')) : undefined
            }
            spellCheck={model.inputType === 'text' && !numeric ? undefined : false}
            onChange={(e) => onChange(e.target.value)}
          />
          {type === 'range' && (
            <output htmlFor={id} className="range-value">
              {toText(shown)}
            </output>
          )}
        </>
      )}
    </div>
  );
});
