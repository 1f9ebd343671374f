import { memo, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { tr } from '../lib/i18n';
import { fileName, rememberFileName, useForm } from './context';
import {
  fieldModel,
  idOf,
  isRequired,
  itemsSchema,
  orderedKeys,
  propertySchema,
  uiChild,
  type FieldModel,
  type Schema,
  type Ui,
} from './model';
import { useFieldError, useHidden, useLength, useValue } from './store';

/** The fields of an object (the whole form, a page, a group or a repeated item), in order. */
export function Fields({ schema, ui, base, keys }: { schema: Schema; ui: Ui; base: string; keys?: string[] }) {
  const list = keys ?? orderedKeys(schema, ui);
  return (
    <>
      {list.map((key) => (
        <SchemaField
          key={key}
          pointer={`${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`}
          name={key}
          schema={propertySchema(schema, key)}
          ui={uiChild(ui, key)}
          required={isRequired(schema, key)}
        />
      ))}
    </>
  );
}

interface FieldProps {
  pointer: string;
  name: string;
  schema: Schema;
  ui: Ui;
  required: boolean;
}

export const SchemaField = memo(function SchemaField({ pointer, name, schema, ui, required }: FieldProps) {
  const { store, root, prefill } = useForm();
  const hidden = useHidden(store, pointer);
  const model = useMemo(
    () => fieldModel(root, schema, ui, pointer, name, required, prefill),
    [root, schema, ui, pointer, name, required, prefill],
  );
  if (hidden || ui['ui:widget'] === 'hidden') return null;
  switch (model.kind) {
    case 'object':
      return <ObjectField model={model} />;
    case 'array':
      return <ArrayField model={model} />;
    case 'radio':
      return <ChoiceField model={model} multiple={false} />;
    case 'checkboxes':
      return <ChoiceField model={model} multiple />;
    case 'select':
      return <SelectField model={model} />;
    case 'boolean':
      return <BooleanField model={model} />;
    case 'file':
      return <FileField model={model} />;
    case 'files':
      return <FilesField model={model} />;
    case 'unsupported':
      return null;
    default:
      return <TextField model={model} />;
  }
});

function Required({ on }: { on: boolean }) {
  return on ? (
    <span className="required" aria-hidden="true">
      {' '}
      *
    </span>
  ) : null;
}

/** Hint, prefill note and error ids that exist, for aria-describedby. */
function useDescriptions(model: FieldModel, hasError: boolean) {
  const { signedIn } = useForm();
  const id = idOf(model.pointer);
  const hint = model.help ?? model.description;
  const prefilled = signedIn && model.prefill;
  const ids = [hint && `${id}-aide`, prefilled && `${id}-fc`, hasError && `${id}-erreur`].filter(Boolean).join(' ');
  const nodes = (
    <>
      {hint && (
        <p className="hint" id={`${id}-aide`}>
          {hint}
        </p>
      )}
      {prefilled && (
        <p className="hint prefilled" id={`${id}-fc`}>
          {model.prefill!.locked
            ? tr(
                'Renseigné par FranceConnect : cette information ne peut pas être modifiée ici.',
                'Filled in by FranceConnect: this cannot be changed here.',
              )
            : tr(
                'Prérempli avec FranceConnect : vous pouvez le modifier.',
                'Prefilled by FranceConnect: you may change it.',
              )}
        </p>
      )}
    </>
  );
  return { id, describedBy: ids || undefined, nodes, locked: !!(prefilled && model.prefill!.locked) };
}

function ErrorMessage({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="error-message" id={`${id}-erreur`}>
      <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
      {message}
    </p>
  );
}

function toText(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
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
 * written back into the input.
 */
const TextField = memo(function TextField({ model }: { model: FieldModel }) {
  const { store, formId } = useForm();
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes, locked } = useDescriptions(model, !!error);
  const numeric = model.kind === 'integer' || model.kind === 'number';
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const committed = useRef<unknown>(store.get(model.pointer));
  useEffect(() => {
    const sync = () => {
      const value = store.get(model.pointer);
      if (value === committed.current) return;
      committed.current = value;
      if (ref.current) ref.current.value = toText(value);
    };
    sync();
    return store.subscribeValue(model.pointer, sync);
  }, [store, model.pointer]);
  const onChange = (next: string) => {
    const parsed = numeric ? parseNumber(next, model.kind === 'integer') : next === '' ? undefined : next;
    committed.current = parsed;
    store.set(model.pointer, parsed);
  };
  const common = {
    id,
    ref,
    form: formId,
    name: model.pointer,
    defaultValue: toText(committed.current),
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    'aria-required': model.required || undefined,
    readOnly: model.readOnly || locked,
    placeholder: model.placeholder,
    autoComplete: model.autoComplete ?? 'off',
  };
  return (
    <div className={`field${error ? ' field--error' : ''}`} data-pointer={model.pointer}>
      <label htmlFor={id}>
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
        <input
          {...common}
          type={numeric ? 'text' : model.inputType}
          inputMode={model.inputMode}
          spellCheck={model.inputType === 'text' && !numeric ? undefined : false}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </div>
  );
});

const SelectField = memo(function SelectField({ model }: { model: FieldModel }) {
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
        onChange={(e) =>
          store.set(model.pointer, e.target.value === '' ? undefined : model.options[Number(e.target.value)]!.value)
        }
      >
        <option value="">{tr('Sélectionnez une réponse', 'Choose an answer')}</option>
        {model.options.map((o, i) => (
          <option key={i} value={String(i)}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
});

/** Radios or checkboxes in a fieldset whose legend is the question. */
const ChoiceField = memo(function ChoiceField({ model, multiple }: { model: FieldModel; multiple: boolean }) {
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
              disabled={locked || model.readOnly}
              onChange={(e) => toggle(o.value, e.target.checked)}
            />
            <label htmlFor={`${id}-${i}`}>{o.label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
});

const BooleanField = memo(function BooleanField({ model }: { model: FieldModel }) {
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
          onChange={(e) => store.set(model.pointer, e.target.checked ? true : model.required ? undefined : false)}
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

function accepted(model: FieldModel, schema: Schema): { accept?: string; maxBytes?: number; text: string } {
  const config = (schema['x-file'] ?? {}) as { accept?: string[]; maxBytes?: number };
  const types = (config.accept ?? ['application/pdf', 'image/*']).map((t) =>
    t === 'application/pdf' ? 'PDF' : t === 'image/*' ? tr('image', 'image') : t.split('/')[1]!.toUpperCase(),
  );
  const size = config.maxBytes ? `${Math.round(config.maxBytes / 1024 / 1024)} ${tr('Mo', 'MB')}` : undefined;
  void model;
  return {
    accept: config.accept?.join(','),
    maxBytes: config.maxBytes,
    text: `${tr('Formats acceptés', 'Accepted formats')} : ${types.join(', ')}${size ? ` ; ${tr('taille maximale', 'maximum size')} : ${size}` : ''}.`,
  };
}

/** One file input: the file is sent as soon as it is chosen, with its progress. */
function FileInput({
  model,
  pointer,
  schema,
  label,
  onUploaded,
  describedBy,
  invalid,
}: {
  model: FieldModel;
  pointer: string;
  schema: Schema;
  label: ReactNode;
  onUploaded: (id: string) => void;
  describedBy?: string;
  invalid: boolean;
}) {
  const { upload } = useForm();
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const id = idOf(pointer);
  const { accept, maxBytes, text } = accepted(model, schema);
  const onChange = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setProblem(null);
    if (maxBytes && file.size > maxBytes) {
      setProblem(tr('Le fichier est trop lourd. ', 'The file is too large. ') + text);
      input.value = '';
      return;
    }
    if (!upload) return setProblem(tr('L’envoi de fichiers n’est pas possible ici.', 'Files cannot be sent here.'));
    setProgress(0);
    try {
      const result = await upload(pointer, file, setProgress);
      rememberFileName(result.attachmentId, file.name);
      onUploaded(result.attachmentId);
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setProgress(null);
      input.value = '';
    }
  };
  const described = [`${id}-formats`, problem && `${id}-probleme`, describedBy].filter(Boolean).join(' ');
  return (
    <div className="file-input">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-formats`}>
        {text}
      </p>
      {problem && (
        <p className="error-message" id={`${id}-probleme`} role="alert">
          {problem}
        </p>
      )}
      <input
        type="file"
        id={id}
        accept={accept}
        aria-describedby={described}
        aria-invalid={invalid || problem ? true : undefined}
        onChange={(e) => void onChange(e.currentTarget)}
      />
      {progress !== null && (
        <p role="status">
          <progress max={1} value={progress} aria-label={tr('Envoi du fichier', 'Sending the file')} />{' '}
          {tr('Envoi en cours', 'Sending')} : {Math.round(progress * 100)} %
        </p>
      )}
    </div>
  );
}

function UploadedFile({ id, onRemove, label }: { id: string; onRemove: () => void; label: string }) {
  const { fileHref } = useForm();
  const name = fileName(id) ?? tr('Fichier joint', 'Attached file');
  return (
    <p className="uploaded">
      <span>
        {fileHref ? <a href={fileHref(id)}>{name}</a> : name} — {tr('envoyé', 'sent')}
      </span>{' '}
      <button type="button" className="button button--secondary button--small" onClick={onRemove}>
        {tr('Retirer', 'Remove')}
        <span className="sr-only"> {label}</span>
      </button>
    </p>
  );
}

const FileField = memo(function FileField({ model }: { model: FieldModel }) {
  const { store } = useForm();
  const value = useValue(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes } = useDescriptions(model, !!error);
  return (
    <div className={`field${error ? ' field--error' : ''}`} data-pointer={model.pointer}>
      {typeof value === 'string' ? (
        <>
          <p className="label" id={id} tabIndex={-1}>
            {model.title}
            <Required on={model.required} />
          </p>
          {nodes}
          <ErrorMessage id={id} message={error?.message} />
          <UploadedFile id={value} label={model.title} onRemove={() => store.set(model.pointer, undefined)} />
        </>
      ) : (
        <>
          <ErrorMessage id={id} message={error?.message} />
          <FileInput
            model={model}
            pointer={model.pointer}
            schema={model.schema}
            describedBy={describedBy}
            invalid={!!error}
            label={
              <>
                {model.title}
                <Required on={model.required} />
              </>
            }
            onUploaded={(attachment) => store.set(model.pointer, attachment)}
          />
          {nodes}
        </>
      )}
    </div>
  );
});

const FilesField = memo(function FilesField({ model }: { model: FieldModel }) {
  const { store, root } = useForm();
  const value = useValue(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes } = useDescriptions(model, !!error);
  const files = Array.isArray(value) ? (value as string[]) : [];
  const max = typeof model.schema.maxItems === 'number' ? model.schema.maxItems : Infinity;
  const items = itemsSchema(root, model.schema);
  return (
    <fieldset
      className={`field${error ? ' field--error' : ''}`}
      data-pointer={model.pointer}
      aria-describedby={describedBy}
    >
      <legend>
        {model.title}
        <Required on={model.required} />
      </legend>
      {nodes}
      <ErrorMessage id={id} message={error?.message} />
      {files.map((f, i) => (
        <UploadedFile
          key={f}
          id={f}
          label={`${model.title} ${i + 1}`}
          onRemove={() => {
            const next = files.filter((x) => x !== f);
            store.set(model.pointer, next.length ? next : undefined);
          }}
        />
      ))}
      {files.length < max && (
        <FileInput
          model={model}
          pointer={`${model.pointer}/${files.length}`}
          schema={items}
          invalid={!!error}
          label={
            files.length === 0
              ? tr('Choisir un fichier', 'Choose a file')
              : tr('Ajouter un autre fichier', 'Add another file')
          }
          onUploaded={(attachment) => store.set(model.pointer, [...files, attachment])}
        />
      )}
    </fieldset>
  );
});

const ObjectField = memo(function ObjectField({ model }: { model: FieldModel }) {
  const { store } = useForm();
  const error = useFieldError(store, model.pointer);
  const id = idOf(model.pointer);
  return (
    <fieldset
      className={`group${error ? ' field--error' : ''}`}
      id={id}
      tabIndex={-1}
      data-pointer={model.pointer}
      aria-describedby={error ? `${id}-erreur` : undefined}
    >
      <legend>{model.title}</legend>
      {model.description && <p className="hint">{model.description}</p>}
      <ErrorMessage id={id} message={error?.message} />
      <Fields schema={model.schema} ui={model.ui} base={model.pointer} />
    </fieldset>
  );
});

/** A repeatable block: one fieldset per item, numbered, with add and remove buttons. */
const ArrayField = memo(function ArrayField({ model }: { model: FieldModel }) {
  const { store, root } = useForm();
  const length = useLength(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const id = idOf(model.pointer);
  const items = useMemo(() => itemsSchema(root, model.schema), [root, model.schema]);
  const itemUi = uiChild(model.ui, 0);
  const itemTitle = typeof items.title === 'string' ? items.title : tr('Élément', 'Item');
  const max = typeof model.schema.maxItems === 'number' ? model.schema.maxItems : Infinity;
  const min = typeof model.schema.minItems === 'number' ? model.schema.minItems : 0;
  // Stable keys: removing the second of three items keeps the third's fields (and their focus) intact.
  const keys = useRef<string[]>([]);
  const serial = useRef(0);
  while (keys.current.length < length) keys.current.push(`k${serial.current++}`);
  if (keys.current.length > length) keys.current.length = length;
  const [announce, setAnnounce] = useState('');
  const focusItem = useRef<number | null>(null);
  const groupId = useId();
  useEffect(() => {
    if (focusItem.current === null) return;
    const target = document.getElementById(`${id}-${focusItem.current}`);
    focusItem.current = null;
    target?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  });
  const list = () => {
    const v = store.get(model.pointer);
    return Array.isArray(v) ? v : [];
  };
  const add = () => {
    store.set(model.pointer, [...list(), {}]);
    focusItem.current = length;
    setAnnounce(`${itemTitle} ${length + 1} ${tr('ajouté', 'added')}.`);
  };
  const remove = (index: number) => {
    keys.current.splice(index, 1);
    const next = list().filter((_, i) => i !== index);
    store.set(model.pointer, next.length ? next : undefined);
    setAnnounce(`${itemTitle} ${index + 1} ${tr('retiré', 'removed')}.`);
    document.getElementById(`${id}-ajouter`)?.focus();
  };
  return (
    <fieldset
      className="group repeat"
      id={id}
      tabIndex={-1}
      data-pointer={model.pointer}
      aria-describedby={error ? `${id}-erreur` : undefined}
    >
      <legend>
        {model.title}
        <Required on={model.required} />
      </legend>
      {model.description && <p className="hint">{model.description}</p>}
      <ErrorMessage id={id} message={error?.message} />
      {keys.current.map((key, i) => (
        <fieldset className="group item" key={key} id={`${id}-${i}`} aria-labelledby={`${groupId}-${i}`}>
          <legend id={`${groupId}-${i}`}>
            {itemTitle} {i + 1}
          </legend>
          <Fields schema={items} ui={itemUi} base={`${model.pointer}/${i}`} />
          {length > min && (
            <button type="button" className="button button--secondary" onClick={() => remove(i)}>
              {tr('Retirer', 'Remove')} « {itemTitle} {i + 1} »
            </button>
          )}
        </fieldset>
      ))}
      {length < max && (
        <button type="button" className="button button--secondary" id={`${id}-ajouter`} onClick={add}>
          {tr('Ajouter', 'Add')} : {itemTitle.toLowerCase()}
        </button>
      )}
      <p className="sr-only" role="status">
        {announce}
      </p>
    </fieldset>
  );
});

/** Pads arrays to their `minItems` (a block the citizen must fill at least once is shown open). */
export function withMinimumItems(root: Schema, schema: Schema, data: unknown): unknown {
  if (schema.type === 'object' && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
    for (const key of Object.keys((schema.properties ?? {}) as object)) {
      const child = propertySchema(schema, key);
      if (child.type === 'array' && typeof child.minItems === 'number' && itemsSchema(root, child).type === 'object') {
        const list = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
        out[key] =
          list.length >= child.minItems
            ? list
            : [...list, ...Array.from({ length: child.minItems - list.length }, () => ({}))];
      } else if (child.type === 'object') {
        // An empty group rather than none: a missing group's errors name its fields, not the group.
        out[key] = withMinimumItems(root, child, out[key] ?? {});
      }
    }
    return out;
  }
  return data;
}

/** The pointer of the element to focus for an error: the field, or its nearest rendered container. */
export function focusTargetOf(pointer: string): HTMLElement | null {
  let p = pointer;
  for (;;) {
    const element = document.getElementById(idOf(p));
    if (element) {
      // A group of radios or checkboxes: its first choice (or the checked one).
      if (element.tagName === 'FIELDSET') {
        const choice =
          element.querySelector<HTMLElement>('input:checked') ??
          element.querySelector<HTMLElement>('input, select, textarea');
        return choice ?? element;
      }
      return element;
    }
    if (p === '') return null;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
