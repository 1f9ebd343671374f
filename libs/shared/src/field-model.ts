/**
 * One field model for every view of a definition: the citizen form, the
 * review page, the studio preview, the desk, the exports, the receipt and the
 * emails. It reads JSON Schema and RJSF's uiSchema the way RJSF does, so a
 * form written with RJSF's playground looks and reads the same here.
 * Browser-safe and dependency-free: conditional keywords (`if`, `oneOf`…)
 * are resolved by `schema-semantics.ts`, loaded only for forms that use them.
 */
import type { JsonSchema, PrefillMapping } from './definition';
import { parseJsonPointer } from './json-pointer';
import { plainText } from './markdown-text';

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
  /** `oneOf`/`anyOf` of schemas (not of values): a choice of branch, then the branch's fields. */
  | 'alternatives'
  /** `type: "null"`: nothing to answer, its title and description only. */
  | 'null'
  | 'unsupported';

export interface Option {
  value: string | number | boolean | null;
  label: string;
  disabled?: boolean;
}

export type InputType =
  'text' | 'email' | 'tel' | 'url' | 'date' | 'time' | 'datetime-local' | 'password' | 'color' | 'range' | 'number';

export interface FieldModel {
  pointer: string;
  key: string;
  schema: Schema;
  ui: Ui;
  kind: Kind;
  title: string;
  /** `ui:label: false` (RJSF, or `ui:globalOptions`): the label is kept for screen readers and hidden from view. */
  hideLabel: boolean;
  description?: string;
  help?: string;
  placeholder?: string;
  required: boolean;
  options: Option[];
  inputType: InputType;
  inputMode?: 'numeric' | 'decimal' | 'tel' | 'email' | 'url';
  autoComplete?: string;
  readOnly: boolean;
  /** `ui:disabled` or `ui:readonly` on a choice: shown, not editable, and its value is kept. */
  disabled: boolean;
  autofocus: boolean;
  /** A list's `addable` / `removable` (RJSF's array options, `ui:globalOptions` included): « Ajouter », « Retirer ». */
  addable: boolean;
  removable: boolean;
  /** `ui:emptyValue`: what an emptied field holds (RJSF's; nothing by default, `null` for an `Optional[X]`). */
  emptyValue?: unknown;
  /**
   * Pydantic's `Optional[X]` (`anyOf: [X, { "type": "null" }]`): drawn as X, optional, `null` when left empty
   * (`nullableAlternative`), where RJSF draws a choice between « Option 1 » and « Option 2 ».
   */
  optionalNull?: true;
  /** Bounds and step for range and updown widgets. */
  min?: number;
  max?: number;
  step?: number;
  /** A date input's `min` and `max` (`YYYY-MM-DD`), from `formatMinimum` / `formatMaximum` and the exclusive ones. */
  minDate?: string;
  maxDate?: string;
  prefill?: PrefillMapping;
}

const asSchema = (s: JsonSchema | unknown): Schema => (s !== null && typeof s === 'object' ? (s as Schema) : {});

/**
 * Follows local `$ref`s (`#/$defs/x`) from the root schema, siblings of `$ref` winning, loops stopped; but a group's
 * `properties` and `required` beside a `$ref` add to the referred group's, as JSON Schema 2019-09 and 2020-12 apply
 * both (the server's validator requires the referred fields and the added ones). RJSF puts those siblings over the
 * referred group's, so it drew only the added fields and a citizen could never answer what was required; the import
 * writes such a `$ref` as `allOf` (catalogue/import.ts), and a definition sent whole is drawn the same way here.
 */
export function resolve(root: Schema, schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; hops < 16; hops++) {
    const ref = current.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#')) return current;
    let node: unknown = root;
    try {
      for (const segment of parseJsonPointer(decodeURIComponent(ref.slice(1)))) node = asSchema(node)[segment];
    } catch {
      return current;
    }
    const { $ref: _ignored, ...rest } = current;
    const referred = asSchema(node);
    const merged: Schema = { ...referred, ...rest };
    if (isPlainSchema(referred.properties) && isPlainSchema(rest.properties))
      merged.properties = { ...referred.properties, ...rest.properties };
    if (Array.isArray(referred.required) && Array.isArray(rest.required))
      merged.required = [...new Set([...(referred.required as unknown[]), ...(rest.required as unknown[])])];
    current = merged;
  }
  return current;
}

const isPlainSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

const isScalar = (v: unknown): v is string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The single value an alternative stands for: `{ const: x }` or `{ enum: [x] }`. */
function alternativeValue(alt: Schema): { value: Option['value'] } | undefined {
  if (alt.const !== undefined && isScalar(alt.const)) return { value: alt.const };
  if (Array.isArray(alt.enum) && alt.enum.length === 1 && isScalar(alt.enum[0])) return { value: alt.enum[0] };
  return undefined;
}

/**
 * The alternatives of a `oneOf`/`anyOf` that lists values (each a `const` or one-value `enum`), labelled as RJSF's
 * `optionsList` labels them: the branch's own uiSchema's `ui:title` (RJSF 6's `uiSchema.oneOf`/`anyOf` list, the
 * only way to name zod's untitled literals), else its schema's `title`, else the value.
 */
export function valueAlternatives(schema: Schema, ui: Ui = NO_UI): Option[] | undefined {
  const alternatives = (schema.oneOf ?? schema.anyOf) as unknown;
  if (!Array.isArray(alternatives) || alternatives.length === 0) return undefined;
  const list = Array.isArray(schema.oneOf) ? ui.oneOf : ui.anyOf;
  const options: Option[] = [];
  for (const [index, a] of alternatives.entries()) {
    const alt = asSchema(a);
    const found = alternativeValue(alt);
    if (!found) return undefined;
    const own = Array.isArray(list) ? list[index] : undefined;
    const ownTitle =
      own !== null && typeof own === 'object' && !Array.isArray(own) ? str(uiOption(own as Ui, 'title')) : undefined;
    options.push({
      value: found.value,
      label: ownTitle ?? (typeof alt.title === 'string' ? alt.title : String(found.value)),
    });
  }
  return options;
}

/** `ui:enumNames` as RJSF's list (by position) or as a map from value to label. */
function enumName(ui: Ui, value: unknown, index: number): string | undefined {
  const names = ui['ui:enumNames'] ?? asSchema(ui['ui:options']).enumNames;
  if (Array.isArray(names)) return typeof names[index] === 'string' ? names[index] : undefined;
  if (names && typeof names === 'object') {
    const label = (names as Record<string, unknown>)[String(value)];
    return typeof label === 'string' ? label : undefined;
  }
  return undefined;
}

/**
 * One option of a field's uiSchema as RJSF's `getUiOptions(uiSchema, globalOptions)` reads it: `ui:<name>`,
 * else `ui:options.<name>`, else the root's `ui:globalOptions.<name>` (`global`, see globalOptionsOf).
 */
export function uiOption(ui: Ui, name: string, global: Ui = NO_UI): unknown {
  // `in`, not `??`: an option may be null on purpose (`ui:emptyValue: null`).
  const own = `ui:${name}`;
  if (own in ui) return ui[own];
  const options = asSchema(ui['ui:options']);
  return name in options ? options[name] : global[name];
}

/**
 * A text option of a field's uiSchema (`title`, `description`, `help`, `placeholder`, `autocomplete`) as RJSF's
 * SchemaField and its widgets read it through `getUiOptions`: `ui:<name>`, else `ui:options.<name>` (converters of
 * other tools' forms write them there); an empty text names nothing, as RJSF's `||` reads it.
 */
export function uiText(
  ui: Ui,
  name: 'title' | 'description' | 'help' | 'placeholder' | 'autocomplete',
): string | undefined {
  return str(uiOption(ui, name));
}

/**
 * RJSF's other names for its widgets, as the short names Guichet reads: the registry's class names
 * (`"ui:widget": "RadioWidget"`, what RJSF 4's documentation wrote) and `getWidget`'s per-type aliases
 * (`date-time`, `hostname`, `ipv4`, `ipv6`, `data-url`, `files`). RJSF draws each as the short name's widget.
 */
const WIDGET_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  TextWidget: 'text',
  PasswordWidget: 'password',
  EmailWidget: 'email',
  URLWidget: 'uri',
  FileWidget: 'file',
  RadioWidget: 'radio',
  SelectWidget: 'select',
  TextareaWidget: 'textarea',
  HiddenWidget: 'hidden',
  DateWidget: 'date',
  DateTimeWidget: 'datetime',
  AltDateWidget: 'alt-date',
  AltDateTimeWidget: 'alt-datetime',
  TimeWidget: 'time',
  ColorWidget: 'color',
  UpDownWidget: 'updown',
  RangeWidget: 'range',
  CheckboxWidget: 'checkbox',
  CheckboxesWidget: 'checkboxes',
  'date-time': 'datetime',
  hostname: 'text',
  ipv4: 'text',
  ipv6: 'text',
  'data-url': 'file',
  files: 'file',
});

/** A `ui:widget` value as the short name Guichet draws (`RadioWidget` → `radio`); other strings as they are. */
export function widgetName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return Object.prototype.hasOwnProperty.call(WIDGET_ALIASES, value) ? WIDGET_ALIASES[value] : value;
}

/** A field's widget as RJSF's `getUiOptions` reads it (`ui:widget`, `ui:options.widget`, global options), by its short name. */
export function widgetOf(ui: Ui, global: Ui = NO_UI): string | undefined {
  return widgetName(uiOption(ui, 'widget', global));
}

/**
 * The root uiSchema's `ui:globalOptions` (RJSF): defaults for every field's `ui:options`, a field's own winning.
 * Anything but an object is no options (the import warns about it).
 */
export function globalOptionsOf(rootUi: unknown): Ui {
  const global = rootUi !== null && typeof rootUi === 'object' ? (rootUi as Ui)['ui:globalOptions'] : undefined;
  return global !== null && typeof global === 'object' && !Array.isArray(global) ? (global as Ui) : NO_UI;
}

/** `ui:enumOrder`: the listed values first in that order, `*` for the rest. */
function ordered(options: Option[], order: unknown): Option[] {
  if (!Array.isArray(order) || order.length === 0) return options;
  const key = (v: unknown) => JSON.stringify(v);
  const listed = new Set(order.filter((v) => v !== '*').map(key));
  const rest = options.filter((o) => !listed.has(key(o.value)));
  const out: Option[] = [];
  for (const v of order) {
    if (v === '*') out.push(...rest);
    else {
      const option = options.find((o) => key(o.value) === key(v));
      if (option && !out.includes(option)) out.push(option);
    }
  }
  if (!order.includes('*')) out.push(...rest);
  return out;
}

/** The choices of a field: `enum` (with `ui:enumNames`), or `oneOf`/`anyOf` of values with titles. */
export function optionsOf(schema: Schema, ui: Ui): Option[] {
  let options: Option[] = [];
  if (Array.isArray(schema.enum))
    options = (schema.enum as unknown[])
      .filter(isScalar)
      .map((value, i) => ({ value, label: enumName(ui, value, i) ?? String(value) }));
  else options = valueAlternatives(schema, ui) ?? [];
  if (options.length === 0) return options;
  const disabled = uiOption(ui, 'enumDisabled');
  if (Array.isArray(disabled))
    options = options.map((o) => (disabled.some((d) => d === o.value) ? { ...o, disabled: true } : o));
  return ordered(options, uiOption(ui, 'enumOrder'));
}

const PREFILL_AUTOCOMPLETE: Record<string, string> = {
  given_name: 'given-name',
  family_name: 'family-name',
  birthdate: 'bday',
  email: 'email',
  preferred_username: 'family-name',
  gender: 'sex',
};

/** RJSF's convention: the uiSchema of an array's items is under `items` (or a list, for tuples). */
export function uiChild(ui: Ui, key: string | number): Ui {
  let child: unknown;
  if (typeof key === 'number') child = Array.isArray(ui.items) ? ui.items[key] : ui.items;
  else child = ui[key];
  // One shared empty object: a new `{}` each time would defeat the fields' memo and redraw all of them.
  return child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Ui) : NO_UI;
}

export const NO_UI: Ui = Object.freeze({}) as Ui;

/**
 * Where a multiple choice's labels are (`ui:enumNames`, `ui:enumOrder`, `ui:enumDisabled`): the items'
 * uiSchema, or the array's own when it has no `items` — RJSF 6's ArrayAsMultiSelect, so
 * `{ "ui:widget": "checkboxes", "ui:enumNames": [...] }` names the boxes.
 */
export function choicesUi(ui: Ui): Ui {
  const items = ui.items;
  return items !== null && typeof items === 'object' && !Array.isArray(items) ? (items as Ui) : ui;
}

/**
 * A multiple choice's boxes as RJSF 6 draws them: labels and order from the items' uiSchema (`choicesUi`), and the
 * choices that cannot be ticked from the list's own options (`ui:enumDisabled` next to `"ui:widget": "checkboxes"`),
 * as ArrayAsMultiSelect hands `getUiOptions(uiSchema)` to the CheckboxesWidget — not from `items`, which RJSF only
 * reads for the labels.
 */
export function multipleChoices(items: Schema, ui: Ui, global: Ui = NO_UI): Option[] {
  const disabled = uiOption(ui, 'enumDisabled', global);
  return optionsOf(items, choicesUi(ui)).map(({ disabled: _fromItems, ...option }) =>
    Array.isArray(disabled) && disabled.some((d) => d === option.value) ? { ...option, disabled: true } : option,
  );
}

/** The JSON type a field answers with (`["string", "null"]` counts as a string). */
export function typeOf(schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return (schema.type as string[]).find((t) => t !== 'null') ?? 'null';
  if (typeof schema.type === 'string') return schema.type;
  // RJSF guesses the type from what the schema says when `type` is absent.
  if (schema.properties || schema.additionalProperties || schema.required) return 'object';
  if (schema.items || schema.prefixItems) return 'array';
  if (schema.const !== undefined) return typeOf({ type: jsonType(schema.const) });
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return jsonType(schema.enum[0]);
  return undefined;
}

/**
 * The type of a schema made of `allOf` parts without a `type` of its own (OpenAPI's inheritance,
 * `allOf: [{ "$ref": "#/$defs/Personne" }, { "properties": { … } }]`): RJSF merges the parts before it
 * picks a field, so the first part that says a type (references followed) gives it.
 */
function typeOfParts(root: Schema, schema: Schema, depth = 0): string | undefined {
  if (!Array.isArray(schema.allOf) || depth > 8) return undefined;
  for (const part of schema.allOf) {
    if (part === null || typeof part !== 'object' || Array.isArray(part)) continue;
    const resolved = resolve(root, part as Schema);
    const type = typeOf(resolved) ?? typeOfParts(root, resolved, depth + 1);
    if (type !== undefined) return type;
  }
  return undefined;
}

/** The type RJSF draws a schema as: its own, or, for a schema made only of `allOf` parts, the type its parts say. */
export function drawnType(root: Schema, schema: Schema): string | undefined {
  return typeOf(schema) ?? typeOfParts(root, schema);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const NULLABLE_SCALARS: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean']);
/** What an untitled null branch may say: a null branch with a title (« Inconnue ») names an answer of its own. */
const NULL_BRANCH_KEYS: ReadonlySet<string> = new Set(['type', 'description']);

/**
 * Pydantic's `Optional[X]` and zod's `.nullable()` for a single answer: `anyOf` (or `oneOf`) of X and
 * `{ "type": "null" }`, often with `"default": null`. RJSF 6 draws it as a choice between two branches (« Option 1 »,
 * « Option 2 », the second drawing nothing), which means nothing to a citizen; Guichet draws it as X, optional,
 * emptied to `null` — what `"type": ["string", "null"]` already is. X's schema, with the title and description of the
 * field where X (as written, before its `$ref` is followed) has none. Groups and lists (`Optional[Model]`,
 * `Optional[List[…]]`) keep RJSF's choice: their emptiness is not one value; so does a choice whose null branch the
 * designer named (« Connue » / « Inconnue »), a question of its own.
 */
export function nullableAlternative(root: Schema, schema: Schema, ui: Ui = NO_UI): Schema | undefined {
  if (schema.properties !== undefined || (schema.anyOf !== undefined && schema.oneOf !== undefined)) return undefined;
  const keyword = Array.isArray(schema.anyOf) ? 'anyOf' : Array.isArray(schema.oneOf) ? 'oneOf' : undefined;
  const list = keyword ? (schema[keyword] as unknown[]) : [];
  if (list.length !== 2) return undefined;
  const isNull = (branch: unknown) => {
    const own = resolve(root, asSchema(branch));
    return own.type === 'null' && Object.keys(own).every((k) => NULL_BRANCH_KEYS.has(k));
  };
  const nullAt = list.findIndex(isNull);
  // A designer who named the branches (`title`, RJSF 6's `uiSchema.anyOf[i]`) made the choice a real question.
  const named = (Array.isArray(ui.anyOf) ? ui.anyOf : Array.isArray(ui.oneOf) ? ui.oneOf : [])[nullAt] as unknown;
  if (nullAt < 0 || uiText(asSchema(named) as Ui, 'title') !== undefined) return undefined;
  const written = asSchema(list[1 - nullAt]);
  const branch = resolve(root, written);
  const type = typeOf(branch);
  if (type === undefined || !NULLABLE_SCALARS.has(type) || hasAlternatives(branch) || isNull(written)) return undefined;
  const { [keyword!]: _choice, ...field } = schema;
  const merged: Schema = { ...field, ...branch };
  const title = str(written.title) ?? str(field.title) ?? str(branch.title);
  const description = str(written.description) ?? str(field.description) ?? str(branch.description);
  if (title !== undefined) merged.title = title;
  if (description !== undefined) merged.description = description;
  return merged;
}

/** Whether a schema is a choice between schemas (branches with fields), not between values. */
export function hasAlternatives(schema: Schema): boolean {
  const list = schema.oneOf ?? schema.anyOf;
  return Array.isArray(list) && list.length > 0 && valueAlternatives(schema) === undefined;
}

/** The branches of a `oneOf`/`anyOf` of schemas, `$ref`s followed. */
export function alternativesOf(root: Schema, schema: Schema): Schema[] {
  const list = (schema.oneOf ?? schema.anyOf) as unknown[];
  return Array.isArray(list) ? list.map((s) => resolve(root, asSchema(s))) : [];
}

/**
 * The uiSchema of a branch's fields: RJSF 6 takes `uiSchema.oneOf` (or `anyOf`), a list of one uiSchema per
 * branch, when it has one for the chosen branch; otherwise the field's own uiSchema.
 */
export function branchUi(ui: Ui, index: number): Ui {
  const list = Array.isArray(ui.oneOf) ? ui.oneOf : Array.isArray(ui.anyOf) ? ui.anyOf : undefined;
  const own = list?.[index];
  return own !== null && typeof own === 'object' && !Array.isArray(own) ? (own as Ui) : ui;
}

/** A branch's name in its selector: its uiSchema's `ui:title` (RJSF 6), its title, or RJSF's « Option n ». */
export function alternativeTitle(branch: Schema, ui: Ui, index: number): string {
  return ownAlternativeTitle(branch, ui, index) ?? `Option ${index + 1}`;
}

/** A branch's title from its own uiSchema, the choice's `ui:enumNames` or its schema; none when RJSF would say « Option n ». */
export function ownAlternativeTitle(branch: Schema, ui: Ui, index: number): string | undefined {
  const own = branchUi(ui, index);
  if (own !== ui) {
    const title = str(uiOption(own, 'title'));
    if (title) return title;
  }
  const names = uiOption(ui, 'enumNames');
  if (Array.isArray(names) && typeof names[index] === 'string') return names[index];
  return str(branch.title);
}

/** What the form draws for a field, and what that choice was read from (drawnField). */
export interface DrawnField {
  kind: Kind;
  /** The schema it is drawn from: its `$ref` followed, Pydantic's `Optional[X]` read as X. */
  schema: Schema;
  /** Whether it was such an `Optional[X]` (drawn optional, `null` when left empty). */
  nullable: boolean;
  widget: string | undefined;
  type: string | undefined;
  options: Option[];
  items: Schema;
}

/**
 * What the form draws for a field and what it read to choose: fieldModel's own start, and what the studio names a
 * field's kind by, as the citizen will see it.
 */
export function drawnField(root: Schema, raw: Schema, ui: Ui, global: Ui = NO_UI): DrawnField {
  const resolved = resolve(root, raw);
  const nullable = nullableAlternative(root, resolved, ui);
  const schema = nullable ?? resolved;
  const widget = widgetOf(ui, global);
  const type = typeOf(schema) ?? typeOfParts(root, schema);
  const options = optionsOf(schema, ui);
  const items = itemsSchema(root, schema);
  const kind = kindOf(schema, ui, widget, type, options, items);
  return { kind, schema, nullable: nullable !== undefined, widget, type, options, items };
}

/** The widget for a field's schema (`$ref` followed, `Optional[X]` read as X), its widget, options and items. */
function kindOf(
  schema: Schema,
  ui: Ui,
  widget: string | undefined,
  type: string | undefined,
  options: Option[],
  items: Schema,
): Kind {
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  if (options.length === 0 && hasAlternatives(schema) && !schema.properties) return 'alternatives';
  if (type === 'object') return 'object';
  if (type === 'array') {
    // A tuple (`prefixItems`, draft-07's `items: [...]`) is drawn item by item whatever its further items are: RJSF's
    // isFilesArray and isMultiSelect read `items` as one schema, and a tuple's is a list.
    const tuple = tupleLength(schema) > 0;
    if (!tuple && (items['x-file'] !== undefined || items.format === 'data-url')) return 'files';
    // RJSF's multiple choice: a list of values whose items are unique; otherwise a list of single choices.
    if (!tuple && schema.uniqueItems === true && optionsOf(items, choicesUi(ui)).length > 0) return 'checkboxes';
    return 'array';
  }
  if (type === 'string' && (schema['x-file'] !== undefined || format === 'data-url')) return 'file';
  if (options.length > 0) return widget === 'select' || (widget !== 'radio' && options.length > 6) ? 'select' : 'radio';
  if (type === 'boolean') return widget === 'radio' || widget === 'select' ? 'radio' : 'boolean';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'string') return widget === 'textarea' ? 'textarea' : 'text';
  if (type === 'null') return 'null';
  return 'unsupported';
}

/**
 * What to draw for one field: its widget from the schema and RJSF's uiSchema
 * keywords (`ui:widget`, `ui:help`, `ui:placeholder`, `ui:autocomplete`,
 * `ui:enumNames` (list or map), `ui:enumOrder`, `ui:enumDisabled`,
 * `ui:readonly`, `ui:disabled`, `ui:autofocus`, `ui:title`, `ui:description`,
 * `ui:label`, `ui:options` (`inputType`, `rows`, and the same names)).
 */
export function fieldModel(
  root: Schema,
  raw: Schema,
  ui: Ui,
  pointer: string,
  key: string,
  required: boolean,
  prefill: readonly PrefillMapping[],
  /** The root's `ui:globalOptions` (globalOptionsOf): every option below falls back to them, as in RJSF. */
  global: Ui = NO_UI,
): FieldModel {
  const { kind, schema, nullable, widget, type, options, items } = drawnField(root, raw, ui, global);
  if (nullable) required = false;
  const option = (name: string) => uiOption(ui, name, global);
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const mapping = prefill.find((p) => p.pointer === pointer || wildcard(p.pointer, pointer));

  const declared = option('inputType');
  const inputType = inputTypeOf(kind, widget, format, typeof declared === 'string' ? declared : undefined);
  const inputMode =
    kind === 'integer'
      ? 'numeric'
      : kind === 'number'
        ? 'decimal'
        : format === 'fr-postal-code' || format === 'siret' || format === 'siren' || format === 'insee-commune-code'
          ? 'numeric'
          : undefined;
  const choices =
    kind === 'radio' && type === 'boolean' && options.length === 0
      ? [
          // RJSF's BooleanField: `ui:enumNames` name true then false.
          { value: true, label: enumName(ui, true, 0) ?? 'Oui' },
          { value: false, label: enumName(ui, false, 1) ?? 'Non' },
        ]
      : kind === 'checkboxes'
        ? multipleChoices(items, ui, global)
        : options;
  // A `const` on a single answer is a fixed value (filled by the defaults), not a question; a box that only
  // `true` satisfies stays a question: a consent is ticked by the citizen.
  const fixed = schema.const !== undefined && type !== 'object' && type !== 'array' && type !== 'boolean';
  const readOnly = option('readonly') === true || schema.readOnly === true || fixed;
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

  return {
    pointer,
    key,
    schema,
    ui,
    kind,
    // Titles are labels and legends: Markdown in them is read as its words (descriptions render it).
    title: plainText(uiText(ui, 'title') ?? str(schema.title) ?? key),
    hideLabel: option('label') === false,
    description: uiText(ui, 'description') ?? str(schema.description),
    help: uiText(ui, 'help'),
    placeholder: uiText(ui, 'placeholder'),
    required,
    options: choices,
    inputType,
    inputMode,
    autoComplete:
      uiText(ui, 'autocomplete') ??
      (mapping ? PREFILL_AUTOCOMPLETE[mapping.claim] : undefined) ??
      (format === 'email' ? 'email' : format === 'fr-phone' ? 'tel' : undefined),
    readOnly,
    disabled: option('disabled') === true,
    addable: option('addable') !== false,
    removable: option('removable') !== false,
    emptyValue: nullable && option('emptyValue') === undefined ? null : option('emptyValue'),
    ...(nullable ? { optionalNull: true as const } : {}),
    autofocus: option('autofocus') === true,
    min: number(schema.minimum) ?? number(schema.exclusiveMinimum),
    max: number(schema.maximum) ?? number(schema.exclusiveMaximum),
    step: number(schema.multipleOf) ?? (kind === 'integer' ? 1 : undefined),
    ...(format === 'date' ? dateBounds(schema) : {}),
    prefill: mapping,
  };
}

/** A day as `YYYY-MM-DD`, moved by `days`; undefined for what is not such a day. */
function shiftDay(day: unknown, days: number): string | undefined {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + days));
  if (Number.isNaN(date.valueOf())) return undefined;
  return date.toISOString().slice(0, 10);
}

/** The days a date input offers: `formatMinimum` (or the day after `formatExclusiveMinimum`), and the same above. */
function dateBounds(schema: Schema): { minDate?: string; maxDate?: string } {
  const min = shiftDay(schema.formatMinimum, 0) ?? shiftDay(schema.formatExclusiveMinimum, 1);
  const max = shiftDay(schema.formatMaximum, 0) ?? shiftDay(schema.formatExclusiveMaximum, -1);
  return { ...(min ? { minDate: min } : {}), ...(max ? { maxDate: max } : {}) };
}

const INPUT_TYPES: ReadonlySet<string> = new Set(['text', 'email', 'tel', 'url', 'date', 'time', 'password', 'color']);

function inputTypeOf(kind: Kind, widget: string | undefined, format: string | undefined, declared?: string): InputType {
  if ((kind === 'integer' || kind === 'number') && (widget === 'range' || widget === 'updown'))
    return widget === 'range' ? 'range' : 'number';
  if (kind !== 'text') return 'text';
  if (widget === 'password') return 'password';
  if (widget === 'color') return 'color';
  if (widget === 'email' || format === 'email') return 'email';
  if (widget === 'uri' || format === 'uri') return 'url';
  if (widget === 'date' || format === 'date') return 'date';
  if (widget === 'time' || format === 'time') return 'time';
  if (widget === 'datetime' || format === 'date-time') return 'datetime-local';
  if (format === 'fr-phone') return 'tel';
  if (declared && INPUT_TYPES.has(declared)) return declared as InputType;
  return 'text';
}

function wildcard(pattern: string, pointer: string): boolean {
  if (!pattern.includes('*')) return false;
  const a = pattern.split('/');
  const b = pointer.split('/');
  return a.length === b.length && a.every((s, i) => s === '*' || s === b[i]);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The properties of an object schema in display order (`ui:order`, `*` for the rest), as RJSF orders them. */
export function orderedKeys(schema: Schema, ui: Ui): string[] {
  const keys = Object.keys(asSchema(schema.properties));
  const order = Array.isArray(ui['ui:order']) ? (ui['ui:order'] as string[]) : [];
  if (order.length === 0) return keys;
  const rest = keys.filter((k) => !order.includes(k));
  const out: string[] = [];
  for (const k of order) {
    if (k === '*') out.push(...rest);
    else if (keys.includes(k) && !out.includes(k)) out.push(k);
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

/** The schema of an array's items; for a tuple (`prefixItems`), of item `index`. */
export function itemsSchema(root: Schema, schema: Schema, index?: number): Schema {
  // 2020-12 writes a tuple `prefixItems` + `items`; RJSF's view of it, draft-07's `items: [...]` + `additionalItems`.
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : null;
  const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
  if (tuple && index !== undefined && index < tuple.length) return resolve(root, asSchema(tuple[index]));
  if (tuple && index === undefined && rest === undefined && tuple.length > 0) return resolve(root, asSchema(tuple[0]));
  return resolve(root, asSchema(rest));
}

/** The fixed items of a tuple (`prefixItems`, or draft-07's `items: [...]`): their count. */
export function tupleLength(schema: Schema): number {
  if (Array.isArray(schema.prefixItems)) return schema.prefixItems.length;
  if (Array.isArray(schema.items)) return schema.items.length;
  return 0;
}

/** A DOM id for a JSON pointer: `/children/0/firstName` → `champ-children-0-firstName`. */
export function idOf(pointer: string): string {
  return `champ${pointer.replace(/[^A-Za-z0-9_]/g, (c) => (c === '/' ? '-' : `_${c.charCodeAt(0).toString(16)}`))}`;
}

/** The form's top-level keys in the order pages give them, then any not on a page. */
export function topLevelKeys(root: Schema, rootUi: Ui, pages: ReadonlyArray<{ fields: string[] }>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const key of [...pages.flatMap((p) => p.fields), ...orderedKeys(root, rootUi)])
    if (!seen.has(key)) {
      seen.add(key);
      out.push(key);
    }
  return out;
}

/**
 * Whether a schema may draw a file field (`x-file`, or RJSF's `format: "data-url"`, on an answer or a list's items,
 * anywhere: a branch, a definition): the form loads the file fields' code only then, and the API preloads it for
 * such a form's pages. Reads every node, so it may say yes for a file in a branch the citizen never opens.
 */
export function usesFileFields(schema: unknown): boolean {
  const found = findInSchema(
    schema,
    (s) => s['x-file'] !== undefined || s.format === 'data-url',
    (_, key) => key === 'enum' || key === 'const' || key === 'examples' || key === 'default',
  );
  // A schema too large to read to the end: load them rather than draw a placeholder.
  return found ?? true;
}

const SEMANTIC_KEYWORDS = ['if', 'then', 'else', 'dependentSchemas', 'dependencies', 'allOf', 'default', 'const'];

/**
 * Whether a schema uses what only RJSF's semantics can draw: conditions,
 * dependencies, `allOf`, `oneOf`/`anyOf` of schemas, `default` or `const`
 * (outside a list of values). The common form needs none of it and does not
 * load it.
 */
export function needsSemantics(schema: unknown): boolean {
  const found = findInSchema(
    schema,
    (s) =>
      SEMANTIC_KEYWORDS.some((keyword) => s[keyword] !== undefined) ||
      (valueAlternatives(s) === undefined && (Array.isArray(s.oneOf) || Array.isArray(s.anyOf))),
    (s, key) =>
      key === 'enum' ||
      key === 'examples' ||
      ((key === 'oneOf' || key === 'anyOf') && valueAlternatives(s) !== undefined),
  );
  return found ?? false;
}

/**
 * Whether some node of a schema passes `test`, walking every object and list under it but the keys `skip` names
 * (values, not schemas): true or false, or undefined when the schema is too large to read to the end (20,000 nodes).
 */
function findInSchema(
  schema: unknown,
  test: (node: Schema) => boolean,
  skip: (node: Schema, key: string) => boolean,
): boolean | undefined {
  const stack: unknown[] = [schema];
  let budget = 20_000;
  while (stack.length > 0 && budget-- > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const s = node as Schema;
    if (test(s)) return true;
    for (const [key, value] of Object.entries(s))
      if (value !== null && typeof value === 'object' && !skip(s, key)) stack.push(value);
  }
  return stack.length > 0 ? undefined : false;
}

/** The file name a data URL carries (`data:<type>;name=<name>;base64,…`, as RJSF writes it). */
export function dataUrlName(value: string): string | undefined {
  const match = /^data:[^;,]*;name=([^;,]*);/.exec(value.slice(0, 1024));
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1];
  }
}
