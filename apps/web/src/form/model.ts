import type { JsonSchema, PrefillMapping } from '@guichet/shared';

export type Schema = Record<string, unknown>;
export type Ui = Record<string, unknown>;

export type Kind =
  | 'text'
  | 'textarea'
  | 'integer'
  | 'number'
  | 'select'
  | 'radio'
  | 'checkboxes'
  | 'boolean'
  | 'file'
  | 'files'
  | 'object'
  | 'array'
  | 'unsupported';

export interface Option {
  value: string | number | boolean;
  label: string;
}

export interface FieldModel {
  pointer: string;
  key: string;
  schema: Schema;
  ui: Ui;
  kind: Kind;
  title: string;
  description?: string;
  help?: string;
  placeholder?: string;
  required: boolean;
  options: Option[];
  inputType: 'text' | 'email' | 'tel' | 'url' | 'date' | 'time';
  inputMode?: 'numeric' | 'decimal' | 'tel' | 'email' | 'url';
  autoComplete?: string;
  readOnly: boolean;
  prefill?: PrefillMapping;
}

const asSchema = (s: JsonSchema | unknown): Schema => (s !== null && typeof s === 'object' ? (s as Schema) : {});

/** Follows a local `$ref` (`#/$defs/x`) from the root schema; one level is what definitions use. */
export function resolve(root: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const segment of ref.slice(2).split('/')) node = asSchema(node)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  const { $ref: _ignored, ...rest } = schema;
  return { ...asSchema(node), ...rest };
}

export function optionsOf(schema: Schema, ui: Ui): Option[] {
  const names = Array.isArray(ui['ui:enumNames']) ? (ui['ui:enumNames'] as string[]) : [];
  if (Array.isArray(schema.enum))
    return (schema.enum as Array<string | number | boolean>).map((value, i) => ({
      value,
      label: names[i] ?? String(value),
    }));
  const alternatives = (schema.oneOf ?? schema.anyOf) as unknown;
  if (Array.isArray(alternatives) && alternatives.every((a) => asSchema(a).const !== undefined))
    return alternatives.map((a) => {
      const alt = asSchema(a);
      return { value: alt.const as string, label: typeof alt.title === 'string' ? alt.title : String(alt.const) };
    });
  return [];
}

const PREFILL_AUTOCOMPLETE: Record<string, string> = {
  given_name: 'given-name',
  family_name: 'family-name',
  birthdate: 'bday',
  email: 'email',
  preferred_username: 'family-name',
  gender: 'sex',
};

/** RJSF's convention: the uiSchema of an array's items is under `items`. */
export function uiChild(ui: Ui, key: string | number): Ui {
  const child = typeof key === 'number' ? ui.items : ui[key];
  // One shared empty object: a new `{}` each time would defeat the fields' memo and redraw all of them.
  return child !== null && typeof child === 'object' ? (child as Ui) : NO_UI;
}

const NO_UI: Ui = Object.freeze({}) as Ui;

/**
 * What to draw for one field: its widget from the schema and RJSF's uiSchema
 * keywords (`ui:widget`, `ui:help`, `ui:placeholder`, `ui:autocomplete`,
 * `ui:enumNames`, `ui:readonly`, `ui:title`, `ui:description`, `ui:options`).
 */
export function fieldModel(
  root: Schema,
  raw: Schema,
  ui: Ui,
  pointer: string,
  key: string,
  required: boolean,
  prefill: PrefillMapping[],
): FieldModel {
  const schema = resolve(root, raw);
  const widget = typeof ui['ui:widget'] === 'string' ? (ui['ui:widget'] as string) : undefined;
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : schema.type;
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const mapping = prefill.find((p) => p.pointer === pointer || wildcard(p.pointer, pointer));
  const options = optionsOf(schema, ui);
  const items = asSchema(resolve(root, asSchema(schema.items)));

  let kind: Kind = 'unsupported';
  if (type === 'object') kind = 'object';
  else if (type === 'array') {
    if (items['x-file'] !== undefined) kind = 'files';
    else if (optionsOf(items, uiChild(ui, 0)).length > 0) kind = 'checkboxes';
    else kind = 'array';
  } else if (type === 'string' && schema['x-file'] !== undefined) kind = 'file';
  else if (options.length > 0)
    kind = widget === 'select' || (widget !== 'radio' && options.length > 6) ? 'select' : 'radio';
  else if (type === 'boolean') kind = widget === 'radio' ? 'radio' : 'boolean';
  else if (type === 'integer') kind = 'integer';
  else if (type === 'number') kind = 'number';
  else if (type === 'string') kind = widget === 'textarea' ? 'textarea' : 'text';

  const inputType =
    format === 'email'
      ? 'email'
      : format === 'fr-phone'
        ? 'tel'
        : format === 'uri'
          ? 'url'
          : format === 'date'
            ? 'date'
            : format === 'time'
              ? 'time'
              : 'text';
  const inputMode =
    kind === 'integer'
      ? 'numeric'
      : kind === 'number'
        ? 'decimal'
        : format === 'fr-postal-code' || format === 'siret' || format === 'siren' || format === 'insee-commune-code'
          ? 'numeric'
          : undefined;
  const options2 =
    kind === 'radio' && type === 'boolean' && options.length === 0
      ? [
          { value: true, label: 'Oui' },
          { value: false, label: 'Non' },
        ]
      : kind === 'checkboxes'
        ? optionsOf(items, uiChild(ui, 0))
        : options;

  return {
    pointer,
    key,
    schema,
    ui,
    kind,
    title: str(ui['ui:title']) ?? str(schema.title) ?? key,
    description: str(ui['ui:description']) ?? str(schema.description),
    help: str(ui['ui:help']),
    placeholder: str(ui['ui:placeholder']),
    required,
    options: options2,
    inputType,
    inputMode,
    autoComplete:
      str(ui['ui:autocomplete']) ??
      (mapping ? PREFILL_AUTOCOMPLETE[mapping.claim] : undefined) ??
      (format === 'email' ? 'email' : format === 'fr-phone' ? 'tel' : undefined),
    readOnly: ui['ui:readonly'] === true || schema.readOnly === true,
    prefill: mapping,
  };
}

function wildcard(pattern: string, pointer: string): boolean {
  if (!pattern.includes('*')) return false;
  const a = pattern.split('/');
  const b = pointer.split('/');
  return a.length === b.length && a.every((s, i) => s === '*' || s === b[i]);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The properties of an object schema in display order (`ui:order`, `*` for the rest). */
export function orderedKeys(schema: Schema, ui: Ui): string[] {
  const keys = Object.keys(asSchema(schema.properties));
  const order = Array.isArray(ui['ui:order']) ? (ui['ui:order'] as string[]) : [];
  if (order.length === 0) return keys;
  const rest = keys.filter((k) => !order.includes(k));
  const out: string[] = [];
  for (const k of order) {
    if (k === '*') out.push(...rest);
    else if (keys.includes(k)) out.push(k);
  }
  if (!order.includes('*')) out.push(...rest);
  return out;
}

export function propertySchema(schema: Schema, key: string): Schema {
  return asSchema(asSchema(schema.properties)[key]);
}

export function isRequired(schema: Schema, key: string): boolean {
  return Array.isArray(schema.required) && (schema.required as string[]).includes(key);
}

export function itemsSchema(root: Schema, schema: Schema): Schema {
  return resolve(root, asSchema(schema.items));
}

/** A DOM id for a JSON pointer: `/children/0/firstName` → `champ-children-0-firstName`. */
export function idOf(pointer: string): string {
  return `champ${pointer.replace(/[^A-Za-z0-9_]/g, (c) => (c === '/' ? '-' : `_${c.charCodeAt(0).toString(16)}`))}`;
}

/** The text of an answer, for the review page and the request view. */
export function answerText(model: FieldModel, value: unknown, yes: string, no: string): string {
  if (value === undefined || value === null || value === '') return '';
  const option = model.options.find((o) => o.value === value);
  if (option) return option.label;
  if (typeof value === 'boolean') return value ? yes : no;
  if (Array.isArray(value))
    return value.map((v) => model.options.find((o) => o.value === v)?.label ?? String(v)).join(', ');
  return String(value);
}

/** A field's name for the error summary and the review page: `Enfant 2 — Prénom`. */
export function labelOf(root: Schema, rootUi: Ui, pointer: string): string {
  const parts: string[] = [];
  let schema = root;
  let ui = rootUi;
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (schema.type === 'array' || /^\d+$/.test(segment)) {
      const items = itemsSchema(root, schema);
      const title = typeof items.title === 'string' ? items.title : undefined;
      if (title && items.type === 'object') parts.push(`${title} ${Number(segment) + 1}`);
      schema = items;
      ui = uiChild(ui, 0);
      continue;
    }
    schema = resolve(root, propertySchema(schema, segment));
    ui = uiChild(ui, segment);
    const title = str(ui['ui:title']) ?? str(schema.title) ?? segment;
    // Groups name their fields only when the field alone would be ambiguous.
    if (i === segments.length - 1 || schema.type === 'array') parts.push(title);
  }
  return parts.join(' — ');
}
