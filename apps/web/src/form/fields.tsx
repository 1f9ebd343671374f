import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { plainText } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import {
  alternativesOf,
  alternativeTitle,
  fieldModel,
  hasAlternatives,
  idOf,
  isRequired,
  itemsSchema,
  orderedKeys,
  propertySchema,
  resolve,
  tupleLength,
  typeOf,
  uiChild,
  type FieldModel,
  type Schema,
  type Ui,
} from './model';
import { ErrorMessage, Required } from './field-parts';
import { BooleanField, ChoiceField, SelectField } from './choice-fields';
import { CommuneField, isCommuneUi } from './commune-field';
import { FileField, FilesField } from './file-fields';
import { RichText } from './RichText';
import { TextField } from './text-field';
import { useFieldError, useHidden, useLength, useValue } from './store';

/** Keywords by which an object's fields depend on its answers (RJSF's `retrieveSchema` decides them). */
const CONDITIONAL = ['if', 'dependentSchemas', 'dependencies', 'allOf'];
const isConditional = (schema: Schema) => CONDITIONAL.some((k) => schema[k] !== undefined);

/** Reuses the previous schema objects that did not change, so the fields' memo holds across keystrokes. */
function stabilise(previous: Schema | null, next: Schema): Schema {
  if (!previous) return next;
  if (JSON.stringify(previous) === JSON.stringify(next)) return previous;
  const before = (previous.properties ?? {}) as Record<string, Schema>;
  const after = (next.properties ?? {}) as Record<string, Schema>;
  const properties: Record<string, Schema> = {};
  for (const [key, sub] of Object.entries(after))
    properties[key] = before[key] && JSON.stringify(before[key]) === JSON.stringify(sub) ? before[key] : sub;
  return { ...next, properties };
}

const noSubscription = () => () => undefined;

/**
 * The schema of an object as it applies to its current answers: a `then`
 * branch's fields appear when its condition holds, `dependencies` and `allOf`
 * are merged. Only objects with such keywords listen to their answers.
 */
function useEffectiveSchema(schema: Schema, pointer: string): Schema {
  const { store, semantics } = useForm();
  const on = !!semantics && isConditional(schema);
  const subscribe = useCallback(
    (listener: () => void) => (on ? store.subscribeValue(pointer, listener) : noSubscription()),
    [store, pointer, on],
  );
  const value = useSyncExternalStore(subscribe, () => (on ? store.get(pointer) : undefined));
  const previous = useRef<Schema | null>(null);
  return useMemo(() => {
    if (!on || !semantics) return schema;
    previous.current = stabilise(previous.current, semantics.retrieve(schema, value ?? {}));
    return previous.current;
  }, [on, semantics, schema, value]);
}

/**
 * The keys a page draws: its own, in its order, each followed by the keys
 * that only a condition brings (on no page), as RJSF draws them after the
 * field they follow.
 */
function keysToDraw(schema: Schema, ui: Ui, keys: string[] | undefined, pageKeys?: ReadonlySet<string>): string[] {
  const ordered = orderedKeys(schema, ui);
  if (!keys) return ordered;
  const present = new Set(ordered);
  const out: string[] = [];
  const onPage = Array.isArray(ui['ui:order'])
    ? [...keys].sort((a, b) => ordered.indexOf(a) - ordered.indexOf(b))
    : keys;
  for (const key of onPage) {
    if (!present.has(key)) continue;
    out.push(key);
    if (!pageKeys) continue;
    for (let i = ordered.indexOf(key) + 1; i < ordered.length && !pageKeys.has(ordered[i]!); i++) out.push(ordered[i]!);
  }
  return out;
}

/**
 * The fields of an object (the whole form, a page, a group or a repeated
 * item), in order, with its conditions decided and, when it offers a choice
 * of branches (`oneOf`/`anyOf`), the choice and the chosen branch's fields.
 */
export function Fields({ schema, ui, base, keys }: { schema: Schema; ui: Ui; base: string; keys?: string[] }) {
  const { pageKeys } = useForm();
  const effective = useEffectiveSchema(schema, base);
  const list = useMemo(() => keysToDraw(effective, ui, keys, pageKeys), [effective, ui, keys, pageKeys]);
  // A root's choice of branches is drawn on the page of its last field.
  const ordered = keys ? orderedKeys(effective, ui) : [];
  // What belongs to the object as a whole (a choice of branches, free entries) is drawn on the page of its last field.
  const lastPage = !keys || ordered.length === 0 || keys.includes(ordered[ordered.length - 1]!);
  const alternativesHere = hasAlternatives(effective) && lastPage;
  return (
    <>
      {list.map((key) => (
        <SchemaField
          key={key}
          pointer={`${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`}
          name={key}
          schema={propertySchema(effective, key)}
          ui={uiChild(ui, key)}
          required={isRequired(effective, key)}
        />
      ))}
      {lastPage && extraAllowed(effective) && <AdditionalProperties schema={effective} pointer={base} />}
      {alternativesHere && (
        <Alternatives
          schema={effective}
          ui={ui}
          pointer={base}
          title={typeof ui['ui:title'] === 'string' ? ui['ui:title'] : tr('Choisissez une option', 'Choose an option')}
          required
          embedded
        />
      )}
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
      return isCommuneUi(ui) ? <CommuneField model={model} /> : <ObjectField model={model} />;
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
    case 'alternatives':
      return (
        <Alternatives
          schema={model.schema}
          ui={ui}
          pointer={pointer}
          title={model.title}
          required={required}
          name={name}
        />
      );
    case 'null':
      return <NullField model={model} />;
    case 'unsupported':
      return null;
    default:
      return <TextField model={model} />;
  }
});

/** `type: "null"`: nothing to answer, its title and description; its value is null, as RJSF's NullField sets it. */
function NullField({ model }: { model: FieldModel }) {
  const { store } = useForm();
  useEffect(() => {
    if (store.get(model.pointer) === undefined) store.set(model.pointer, null);
  }, [store, model.pointer]);
  return (
    <div className="field" data-pointer={model.pointer}>
      <p className="label">{model.title}</p>
      {model.description && <RichText className="hint" text={model.description} />}
    </div>
  );
}

/**
 * A choice between branches (`oneOf`/`anyOf` of schemas), as RJSF draws it:
 * the choice first — radios in a fieldset whose legend is the question, or a
 * labelled list past six branches — then the chosen branch's fields at the
 * same place in the answers. Switching keeps what still applies (RJSF's
 * `sanitizeDataForNewSchema`) and fills the new branch's defaults.
 */
function Alternatives({
  schema,
  ui,
  pointer,
  title,
  required,
  name,
  embedded = false,
}: {
  schema: Schema;
  ui: Ui;
  pointer: string;
  title: string;
  required: boolean;
  name?: string;
  /** The choice of an object that also has fields of its own (drawn by the caller). */
  embedded?: boolean;
}) {
  const { store, root, semantics } = useForm();
  const branches = useMemo(() => alternativesOf(root, schema), [root, schema]);
  const value = useValue(store, pointer);
  const [selected, setSelected] = useState(() =>
    Math.max(0, semantics ? semantics.matchOption(branches, store.get(pointer)) : 0),
  );
  const id = `${idOf(pointer)}-branche`;
  const error = useFieldError(store, pointer);
  // The branch shown first gets its defaults and consts, as RJSF fills the option it opens with.
  useEffect(() => {
    if (!semantics || !branches[selected]) return;
    const current = store.get(pointer);
    const next = semantics.withDefaults(branches[selected], current);
    const empty = next === undefined || (typeof next === 'object' && next !== null && Object.keys(next).length === 0);
    if (!empty && JSON.stringify(next) !== JSON.stringify(current)) store.set(pointer, next);
    // Once, when drawn: a switch of branch fills its own defaults (choose).
  }, [semantics, store, pointer]);
  const choose = (next: number) => {
    if (next === selected || !branches[next]) return;
    let data: unknown = store.get(pointer);
    if (semantics) {
      data = semantics.switchBranch(branches[next]!, branches[selected]!, data);
      data = semantics.withDefaults(branches[next]!, data);
    }
    setSelected(next);
    store.set(pointer, data);
  };
  const branch = branches[selected] ?? {};
  const effective = useMemo(
    () => (semantics ? semantics.retrieve(branch, value ?? (typeOf(branch) === 'object' ? {} : undefined)) : branch),
    [semantics, branch, value],
  );
  const labels = branches.map((b, i) => plainText(alternativeTitle(b, ui, i)));
  const objectBranch = typeOf(effective) === 'object' || effective.properties !== undefined;
  const selector =
    branches.length <= 6 ? (
      <fieldset className="field alternatives-choice" id={id} tabIndex={-1}>
        <legend>
          {plainText(title)}
          <Required on={required} />
        </legend>
        <div className={`choices${branches.length <= 2 ? ' choices--inline' : ''}`}>
          {labels.map((label, i) => (
            <div className="choice" key={i}>
              <input
                type="radio"
                id={`${id}-${i}`}
                name={`${pointer}#branche`}
                checked={selected === i}
                onChange={() => choose(i)}
              />
              <label htmlFor={`${id}-${i}`}>{label}</label>
            </div>
          ))}
        </div>
      </fieldset>
    ) : (
      <div className="field alternatives-choice">
        <label htmlFor={id}>
          {plainText(title)}
          <Required on={required} />
        </label>
        <select id={id} value={String(selected)} onChange={(e) => choose(Number(e.target.value))}>
          {labels.map((label, i) => (
            <option key={i} value={String(i)}>
              {label}
            </option>
          ))}
        </select>
      </div>
    );
  return (
    <div className={`alternatives${embedded ? ' alternatives--embedded' : ''}`} data-pointer={pointer}>
      {selector}
      {error && !objectBranch && <ErrorMessage id={idOf(pointer)} message={error.message} />}
      {objectBranch ? (
        <Fields schema={effective} ui={ui} base={pointer} />
      ) : (
        <SchemaField
          pointer={pointer}
          name={name ?? labels[selected] ?? ''}
          schema={{ ...effective, title: effective.title ?? labels[selected] }}
          ui={ui}
          required={required}
        />
      )}
    </div>
  );
}

/** An object that takes entries under names the citizen chooses (`additionalProperties`), as RJSF offers them. */
const extraAllowed = (schema: Schema) =>
  schema.additionalProperties !== undefined && schema.additionalProperties !== false;

function extraSchema(schema: Schema): Schema {
  const extra = schema.additionalProperties;
  return extra !== null && typeof extra === 'object' ? (extra as Schema) : { type: 'string' };
}

/**
 * Free entries: each one a name and an answer, in a fieldset whose legend is
 * the name; « Ajouter une rubrique » adds one, « Retirer » takes it out. The
 * name is applied when the citizen leaves its box (or presses Entrée), so the
 * answer's field is not rebuilt at each keystroke.
 */
function AdditionalProperties({ schema, pointer }: { schema: Schema; pointer: string }) {
  const { store, root, semantics } = useForm();
  const value = useValue(store, pointer);
  const object = (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<
    string,
    unknown
  >;
  const known = new Set(Object.keys((schema.properties ?? {}) as object));
  const extras = Object.keys(object).filter((k) => !known.has(k));
  const entry = useMemo(() => resolve(root, extraSchema(schema)), [root, schema]);
  const [announce, setAnnounce] = useState('');
  const id = `${idOf(pointer)}-rubriques`;
  const focusKey = useRef<string | null>(null);
  useEffect(() => {
    if (focusKey.current === null) return;
    document.getElementById(`${id}-${focusKey.current}-nom`)?.focus();
    focusKey.current = null;
  });
  const write = (next: Record<string, unknown>) => store.set(pointer, next);
  const add = () => {
    let name = tr('nouvelleRubrique', 'newEntry');
    for (let i = 2; name in object; i++) name = `${tr('nouvelleRubrique', 'newEntry')}${i}`;
    const fresh = semantics ? semantics.withDefaults(entry, undefined) : undefined;
    write({ ...object, [name]: fresh ?? (typeOf(entry) === 'string' ? '' : undefined) });
    focusKey.current = name;
    setAnnounce(tr('Rubrique ajoutée.', 'Entry added.'));
  };
  const rename = (from: string, to: string) => {
    const name = to.trim();
    if (name === '' || name === from || name in object) return false;
    // Same place in the answers: the entries keep the order the citizen gave them.
    write(Object.fromEntries(Object.entries(object).map(([k, v]) => [k === from ? name : k, v])));
    focusKey.current = name;
    return true;
  };
  const remove = (name: string) => {
    write(Object.fromEntries(Object.entries(object).filter(([k]) => k !== name)));
    setAnnounce(tr('Rubrique retirée.', 'Entry removed.'));
    document.getElementById(`${id}-ajouter`)?.focus();
  };
  return (
    <div className="additional" id={id}>
      {extras.map((name) => (
        <fieldset className="group item" key={name} data-pointer={`${pointer}/${escapeKey(name)}`}>
          <legend>{name}</legend>
          <div className="field">
            <label htmlFor={`${id}-${name}-nom`}>{tr('Nom de la rubrique', 'Name of the entry')}</label>
            <input
              id={`${id}-${name}-nom`}
              type="text"
              defaultValue={name}
              autoComplete="off"
              onBlur={(e) => {
                if (!rename(name, e.currentTarget.value)) e.currentTarget.value = name;
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  e.currentTarget.blur();
                }
              }}
            />
          </div>
          <SchemaField
            pointer={`${pointer}/${escapeKey(name)}`}
            name={name}
            schema={{ ...entry, title: name }}
            ui={NO_UI_ENTRY}
            required={false}
          />
          <button type="button" className="button button--secondary" onClick={() => remove(name)}>
            {tr('Retirer', 'Remove')} « {name} »
          </button>
        </fieldset>
      ))}
      <button type="button" className="button button--secondary" id={`${id}-ajouter`} onClick={add}>
        {tr('Ajouter une rubrique', 'Add an entry')}
      </button>
      <p className="sr-only" role="status">
        {announce}
      </p>
    </div>
  );
}

const NO_UI_ENTRY: Ui = Object.freeze({}) as Ui;
const escapeKey = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

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
      <legend>{plainText(model.title)}</legend>
      {model.description && <RichText className="hint" text={model.description} />}
      <ErrorMessage id={id} message={error?.message} />
      <Fields schema={model.schema} ui={model.ui} base={model.pointer} />
    </fieldset>
  );
});

/**
 * A repeatable block: one fieldset per item, numbered, with add and remove
 * buttons. Items may be groups, single answers or choices of branches; a
 * tuple (`prefixItems`) shows its fixed items, which cannot be removed.
 */
const ArrayField = memo(function ArrayField({ model }: { model: FieldModel }) {
  const { store, root, semantics } = useForm();
  const stored = useLength(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const id = idOf(model.pointer);
  const tuple = tupleLength(model.schema);
  const length = Math.max(stored, tuple);
  const items = useMemo(() => itemsSchema(root, model.schema), [root, model.schema]);
  const additional = tuple === 0 || (model.schema.items !== undefined && model.schema.items !== false);
  const itemTitle = plainText(typeof items.title === 'string' ? items.title : tr('Élément', 'Item'));
  const max = additional ? (typeof model.schema.maxItems === 'number' ? model.schema.maxItems : Infinity) : tuple;
  const min = Math.max(typeof model.schema.minItems === 'number' ? model.schema.minItems : 0, tuple);
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
  const schemaAt = (i: number) => (i < tuple ? itemsSchema(root, model.schema, i) : items);
  const uiAt = (i: number) => uiChild(model.ui, i);
  const add = () => {
    const schema = schemaAt(length);
    const isGroup = typeOf(schema) === 'object';
    // RJSF's new item: the item schema's defaults, an empty group, or nothing yet.
    const fresh = semantics ? semantics.withDefaults(schema, isGroup ? {} : undefined) : isGroup ? {} : undefined;
    store.set(model.pointer, [...list(), fresh]);
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
      {model.description && <RichText className="hint" text={model.description} />}
      <ErrorMessage id={id} message={error?.message} />
      {keys.current.map((key, i) => {
        const schema = schemaAt(i);
        const title = plainText(typeof schema.title === 'string' ? schema.title : itemTitle);
        const removable = length > min && i >= tuple;
        const removeButton = removable && (
          <button type="button" className="button button--secondary" onClick={() => remove(i)}>
            {tr('Retirer', 'Remove')} « {title} {i + 1} »
          </button>
        );
        if (typeOf(schema) === 'object' || schema.properties !== undefined)
          return (
            <fieldset className="group item" key={key} id={`${id}-${i}`} aria-labelledby={`${groupId}-${i}`}>
              <legend id={`${groupId}-${i}`}>
                {title} {i + 1}
              </legend>
              <Fields schema={schema} ui={uiAt(i)} base={`${model.pointer}/${i}`} />
              {removeButton}
            </fieldset>
          );
        return (
          <div className="item item--single" key={key} id={`${id}-${i}`}>
            <SchemaField
              pointer={`${model.pointer}/${i}`}
              name={`${title} ${i + 1}`}
              schema={{ ...schema, title: `${title} ${i + 1}` }}
              ui={uiAt(i)}
              required={i < tuple}
            />
            {removeButton}
          </div>
        );
      })}
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
