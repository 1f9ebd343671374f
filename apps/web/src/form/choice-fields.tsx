/** Choices: a list, radios or checkboxes in a fieldset, and a single yes/no box. */
import { memo } from 'react';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import { ErrorMessage, Required, useDescriptions } from './field-parts';
import type { FieldModel, Schema } from './model';
import { useFieldError, useValue } from './store';

export const SelectField = memo(function SelectField({ model }: { model: FieldModel }) {
  const { store, formId } = useForm();
  const value = useValue(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes } = useDescriptions(model, !!error);
  const index = model.options.findIndex((o) => o.value === value);
  return (
    <div className={`field${error ? ' field--error' : ''}`} data-pointer={model.pointer}>
      <label htmlFor={id}>
        {model.title}
        <Required on={model.required} />
      </label>
      {nodes}
      <ErrorMessage id={id} message={error?.message} />
      <select
        id={id}
        form={formId}
        name={model.pointer}
        value={index < 0 ? '' : String(index)}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        aria-required={model.required || undefined}
        autoComplete={model.autoComplete ?? 'off'}
        disabled={model.disabled || model.readOnly || undefined}
        autoFocus={model.autofocus || undefined}
        onChange={(e) =>
          store.set(
            model.pointer,
            // RJSF's SelectWidget: the empty choice is `ui:emptyValue` (null for an `Optional[X]`), else nothing.
            e.target.value === '' ? model.emptyValue : model.options[Number(e.target.value)]!.value,
          )
        }
      >
        <option value="">{tr('Sélectionnez une réponse', 'Choose an answer')}</option>
        {model.options.map((o, i) => (
          <option key={i} value={String(i)} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
});

/** Radios or checkboxes in a fieldset whose legend is the question. */
export const ChoiceField = memo(function ChoiceField({ model, multiple }: { model: FieldModel; multiple: boolean }) {
  const { store } = useForm();
  const value = useValue(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes, locked } = useDescriptions(model, !!error);
  const chosen = multiple ? (Array.isArray(value) ? value : []) : [value];
  const toggle = (optionValue: unknown, checked: boolean) => {
    if (!multiple) return store.set(model.pointer, optionValue);
    // Keeps the options' order, whatever the order of the clicks.
    const next = model.options.map((o) => o.value).filter((v) => (v === optionValue ? checked : chosen.includes(v)));
    store.set(model.pointer, next.length ? next : undefined);
  };
  return (
    <fieldset
      className={`field${error ? ' field--error' : ''}`}
      id={id}
      tabIndex={-1}
      data-pointer={model.pointer}
      aria-describedby={describedBy}
      aria-invalid={error ? true : undefined}
    >
      <legend>
        {model.title}
        <Required on={model.required} />
      </legend>
      {nodes}
      <ErrorMessage id={id} message={error?.message} />
      <div className={`choices${model.options.length <= 2 && !multiple ? ' choices--inline' : ''}`}>
        {model.options.map((o, i) => (
          <div className="choice" key={i}>
            <input
              type={multiple ? 'checkbox' : 'radio'}
              id={`${id}-${i}`}
              name={model.pointer}
              checked={chosen.includes(o.value)}
              disabled={locked || model.readOnly || model.disabled || o.disabled}
              autoFocus={(model.autofocus && i === 0) || undefined}
              onChange={(e) => toggle(o.value, e.target.checked)}
            />
            <label htmlFor={`${id}-${i}`}>{o.label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
});

const onlyTrue = (schema: Schema) =>
  schema.const === true || (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === true);

export const BooleanField = memo(function BooleanField({ model }: { model: FieldModel }) {
  const { store } = useForm();
  const value = useValue(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes } = useDescriptions(model, !!error);
  return (
    <div className={`field field--checkbox${error ? ' field--error' : ''}`} data-pointer={model.pointer}>
      <ErrorMessage id={id} message={error?.message} />
      <div className="choice">
        <input
          type="checkbox"
          id={id}
          name={model.pointer}
          checked={value === true}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          aria-required={model.required || undefined}
          disabled={model.disabled || model.readOnly || undefined}
          autoFocus={model.autofocus || undefined}
          onChange={(e) =>
            // Unticked is `false`, as RJSF sends it; a box that only `true` satisfies (a consent) is then unanswered.
            store.set(model.pointer, e.target.checked ? true : onlyTrue(model.schema) ? undefined : false)
          }
        />
        <label htmlFor={id}>
          {model.title}
          <Required on={model.required} />
        </label>
      </div>
      {nodes}
    </div>
  );
});
