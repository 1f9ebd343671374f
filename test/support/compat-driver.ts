/**
 * Fills any corpus form through the page, from its schema and sample answer
 * alone: RJSF's semantics (@rjsf/utils) say which fields exist for the
 * answer, in which order, with which labels and options; the page is then
 * driven like a person would — inputs found by their label, radios and
 * checkboxes by theirs, list options by their text, « Ajouter » for each
 * repeated item, the branch chosen in its selector.
 */
import type { Locator, Page } from 'playwright-core';
import {
  ADDITIONAL_PROPERTY_FLAG,
  getClosestMatchingOption,
  getDiscriminatorFieldFromSchema,
  getUiOptions,
  optionsList,
  orderProperties,
  type RJSFSchema,
  type UiSchema,
} from '@rjsf/utils';
import { resolved, rjsfValidator, type Json, type JsonObject } from './compat-corpus';

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export type StepKind =
  'text' | 'choice' | 'multi' | 'boolean' | 'file' | 'branch' | 'array' | 'info' | 'fixed' | 'extra' | 'group';

/** One thing the citizen sees and, for most, fills: in the order RJSF draws them. */
export interface Step {
  pointer: string;
  kind: StepKind;
  /** The label RJSF shows (ui:title, title, or the key); none for array items. */
  label?: string;
  /** The label of the answer's own box when it is not `label`: a single value's branch of a choice, named by the branch. */
  ownLabel?: string;
  value: Json;
  schema: JsonObject;
  ui: JsonObject;
  /** Option labels for choices, RJSF's optionsList; the chosen branch's label for `branch`. */
  options?: Array<{ label: string; value: unknown }>;
  branch?: string;
  /**
   * A `branch` whose chosen branch is a group: RJSF's field template around the choice draws the field's help and
   * description, which no field of the group repeats (a value's branch is a field that draws them itself).
   */
  group?: boolean;
  /**
   * A free entry (additionalProperties) whose answer is a group or a choice between branches: the citizen adds it by
   * name, then fills its fields or chooses its branch.
   */
  free?: boolean;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The widget RJSF draws for a uiSchema, by its short name: `getUiOptions`' `widget` (`ui:widget`, `ui:options`),
 * its registry's class names (`TextareaWidget`) read as the widget they are, as RJSF's `getWidget` does.
 */
export function rjsfWidget(ui: JsonObject): string | undefined {
  const widget = getUiOptions(ui as UiSchema).widget;
  if (typeof widget !== 'string') return undefined;
  const named =
    /^(Text|Password|Email|Textarea|Hidden|Date|Time|Color|Range|Radio|Select|Checkboxes|Checkbox)Widget$/.exec(widget);
  return named ? named[1]!.toLowerCase() : widget === 'UpDownWidget' ? 'updown' : widget;
}

const uiOf = (ui: JsonObject, key: string | number): JsonObject =>
  isObject(ui[key as string]) ? (ui[key as string] as JsonObject) : {};
/**
 * RJSF's options of a choice, or none (optionsList throws on a oneOf of schemas that are not constants). RJSF 5's
 * schema `enumNames`, which RJSF 6 no longer reads (it shows the raw values), name the choices as the import's
 * conversion to `oneOf` of `const` + `title` does: a documented departure (docs/definition-format.md).
 */
function choices(schema: JsonObject, ui?: JsonObject): Array<{ label: string; value: unknown }> | undefined {
  const legacy = schema.enumNames;
  const own = ui?.['ui:enumNames'] ?? (isObject(ui?.['ui:options']) ? ui['ui:options'].enumNames : undefined);
  if (Array.isArray(schema.enum) && Array.isArray(legacy) && own === undefined)
    return schema.enum.map((value, i) => ({ label: typeof legacy[i] === 'string' ? legacy[i] : String(value), value }));
  try {
    return optionsList(schema as RJSFSchema, ui) as Array<{ label: string; value: unknown }> | undefined;
  } catch {
    return undefined;
  }
}
/**
 * RJSF's BooleanField: Oui/Non, or `ui:enumNames` (own or in ui:options) for true then false, through optionsList.
 */
function yesNo(ui: JsonObject): Array<{ label: string; value: unknown }> {
  const names = ui['ui:enumNames'] ?? (isObject(ui['ui:options']) ? ui['ui:options'].enumNames : undefined);
  if (names === undefined)
    return [
      { label: 'Oui', value: true },
      { label: 'Non', value: false },
    ];
  return choices({ type: 'boolean', enum: [true, false] }, ui) ?? [];
}
const typeOf = (s: JsonObject) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type) as string;

/** RJSF's uiSchema for a `$ref`'d schema from `ui:definitions`, under the field's own. */
function withDefinitionsUi(root: JsonObject, rootUi: JsonObject, authored: JsonObject, ui: JsonObject): JsonObject {
  const defs = isObject(rootUi['ui:definitions']) ? rootUi['ui:definitions'] : {};
  const ref = typeof authored.$ref === 'string' ? authored.$ref : undefined;
  void root;
  return ref && isObject(defs[ref]) ? { ...(defs[ref] as JsonObject), ...ui } : ui;
}

/** RJSF's label: `getUiOptions`' `title` (`ui:title`, else `ui:options.title`), the schema's, the key. */
function labelOf(schema: JsonObject, ui: JsonObject, key: string): string {
  const own = getUiOptions(ui as UiSchema).title;
  return typeof own === 'string' ? own : typeof schema.title === 'string' ? schema.title : key;
}

/** Branches that are real choices for the citizen (not "at least one of" constraints). */
function choiceBranches(schema: JsonObject): JsonObject[] | undefined {
  const list = (schema.oneOf ?? schema.anyOf) as JsonObject[] | undefined;
  if (!Array.isArray(list)) return undefined;
  const drawn = list.some((b) => isObject(b) && (b.properties || b.type || b.$ref || b.items));
  const enumLike = list.every((b) => isObject(b) && ('const' in b || Array.isArray(b.enum)));
  return drawn && !enumLike ? list : undefined;
}

/**
 * Guichet's one deliberate departure from what RJSF draws (docs/definition-format.md, « Schemas generated by
 * tools »): Pydantic's `Optional[X]` of a single answer — `anyOf`/`oneOf` of X (a text, a number, a yes/no, a list of
 * values) and an untitled `{ "type": "null" }` — is X itself, optional, with the field's title where X has none;
 * RJSF draws a choice between « Option 1 » and « Option 2 ». Groups, lists and a named null branch keep RJSF's choice.
 */
function optionalSingle(root: JsonObject, schema: JsonObject, ui: JsonObject): JsonObject | undefined {
  const keyword = Array.isArray(schema.anyOf) ? 'anyOf' : Array.isArray(schema.oneOf) ? 'oneOf' : undefined;
  if (!keyword || schema.properties || (schema.anyOf && schema.oneOf)) return undefined;
  const list = schema[keyword] as Json[];
  const isNull = (b: Json) =>
    isObject(b) && b.type === 'null' && Object.keys(b).every((k) => ['type', 'description'].includes(k));
  const nullAt = list.findIndex(isNull);
  if (list.length !== 2 || nullAt < 0 || !isObject(list[1 - nullAt])) return undefined;
  // A null branch the designer named (`title`, or `ui:title` in RJSF 6's per-branch list) stays RJSF's choice.
  const branchesUi = ui[keyword];
  if (Array.isArray(branchesUi) && isObject(branchesUi[nullAt]) && branchesUi[nullAt]['ui:title']) return undefined;
  const written = list[1 - nullAt] as JsonObject;
  const branch = resolved(root, written, null);
  if (!['string', 'number', 'integer', 'boolean'].includes(typeOf(branch)) || choiceBranches(branch)) return undefined;
  const { [keyword]: _choice, ...field } = schema;
  const title = written.title ?? field.title ?? branch.title;
  const description = written.description ?? field.description ?? branch.description;
  return {
    ...field,
    ...branch,
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

/**
 * Every field RJSF draws for `data`, depth first in RJSF's order
 * (`ui:order`, then the schema's), with what to do on each.
 */
export function walk(
  root: JsonObject,
  rootUi: JsonObject,
  authored: JsonObject,
  ui: JsonObject,
  data: Json,
  pointer: string,
  label: string | undefined,
): Step[] {
  ui = withDefinitionsUi(root, rootUi, authored, ui);
  if (rjsfWidget(ui) === 'hidden') return [];
  const single = optionalSingle(root, resolved(root, authored, data), ui);
  if (single)
    return walk(root, rootUi, single, ui, data, pointer, label === undefined ? undefined : labelOf(single, ui, label));
  const schema = resolved(root, authored, data);
  const fixed =
    ui['ui:disabled'] === true || ui['ui:readonly'] === true || schema.readOnly === true || 'const' in schema;
  const branches = choiceBranches(schema);
  const steps: Step[] = [];
  if (branches) {
    const validator = rjsfValidator(root);
    // RJSF 6's MultiSchemaField opens the closest branch to the answer (getClosestMatchingOption, the first one
    // selected), not the first one the answer's keys fit: a « Bénévole mandaté » with a name and a mandate is not
    // drawn as a « Membre du bureau » because both have a name.
    const index = Math.max(
      0,
      getClosestMatchingOption(
        validator,
        root as RJSFSchema,
        data,
        branches as RJSFSchema[],
        0,
        getDiscriminatorFieldFromSchema(schema as RJSFSchema),
      ),
    );
    const chosen = branches[index]!;
    // RJSF 6's per-branch uiSchema (`uiSchema.oneOf` / `anyOf` as a list): its ui:title names the branch in the
    // selector, and it is the uiSchema of the branch's fields; without one, the field's own uiSchema.
    const listed = ui[schema.oneOf ? 'oneOf' : 'anyOf'];
    const branchUi = Array.isArray(listed) && isObject(listed[index]) ? (listed[index] as JsonObject) : ui;
    const uiTitle = Array.isArray(listed) && isObject(listed[index]) ? listed[index]['ui:title'] : undefined;
    // RJSF's MultiSchemaField names each option after retrieving it: a `$ref`'d branch takes its target's title.
    const chosenTitle = resolved(root, chosen, data).title;
    const name =
      typeof uiTitle === 'string' ? uiTitle : typeof chosenTitle === 'string' ? chosenTitle : `Option ${index + 1}`;
    const { oneOf: _o, anyOf: _a, ...base } = schema;
    const merged = resolved(
      root,
      {
        ...base,
        ...chosen,
        properties: {
          ...((base.properties as JsonObject) ?? {}),
          ...((resolved(root, chosen, data).properties as JsonObject) ?? {}),
        },
      } as JsonObject,
      data,
    );
    if (isObject(base.properties) && typeOf(merged) === 'object') {
      // Own fields first, then the choice and its branch's fields (RJSF's ObjectField, then MultiSchemaField).
      const branchKeys = Object.keys((resolved(root, chosen, data).properties as JsonObject | undefined) ?? {});
      const own = walkObject(root, rootUi, { ...base, properties: base.properties }, ui, data, pointer, [], branchKeys);
      steps.push(...own);
      steps.push({ pointer, kind: 'branch', label, value: data, schema, ui, branch: name });
      const branchOnly = resolved(root, chosen, data);
      steps.push(...walkObject(root, rootUi, branchOnly, branchUi, data, pointer, Object.keys(base.properties)));
      return steps;
    }
    const group = typeOf(resolved(root, chosen, data)) === 'object' || !!resolved(root, chosen, data).properties;
    steps.push({ pointer, kind: 'branch', label, value: data, schema, ui, branch: name, ...(group && { group }) });
    if (group) return [...steps, ...walkObject(root, rootUi, resolved(root, chosen, data), branchUi, data, pointer)];
    // A single value's branch is drawn by RJSF's SchemaField with the branch's schema and uiSchema: its box is
    // labelled by its `ui:title`, else the branch's own title (« Dans un lieu que je décris »), the question being
    // the selector's; an untitled branch takes the question's words (Guichet's departure from RJSF's key name).
    // The answer is read back under the question.
    const own = labelOf({ title: typeof chosenTitle === 'string' ? chosenTitle : (label ?? '') }, branchUi, '');
    return [
      ...steps,
      ...walk(root, rootUi, chosen, branchUi, data, pointer, label).map((s) =>
        s.pointer === pointer && label !== undefined && own ? { ...s, ownLabel: own } : s,
      ),
    ];
  }
  const options = choices(schema, ui);
  const type = typeOf(schema);
  if (options && type !== 'array')
    return [{ pointer, kind: fixed ? 'fixed' : 'choice', label, value: data, schema, ui, options }];
  if (type === 'object' || (schema.properties && isObject(data))) {
    if (fixed) return [{ pointer, kind: 'fixed', label, value: data, schema, ui }];
    return [
      { pointer, kind: 'group', label, value: data, schema, ui },
      ...walkObject(root, rootUi, schema, ui, data, pointer),
    ];
  }
  if (type === 'array') {
    const items = resolved(root, (isObject(schema.items) ? schema.items : {}) as JsonObject, null);
    // RJSF 6 (ArrayAsMultiSelect): the items' uiSchema, or the array's own when it has no `items`.
    const itemOptions = choices(items, isObject(ui.items) ? ui.items : ui);
    if (itemOptions && schema.uniqueItems)
      return [{ pointer, kind: fixed ? 'fixed' : 'multi', label, value: data, schema, ui, options: itemOptions }];
    if (items.format === 'data-url') return [{ pointer, kind: 'file', label, value: data, schema, ui }];
    if (fixed) return [{ pointer, kind: 'fixed', label, value: data, schema, ui }];
    const list = Array.isArray(data) ? data : [];
    steps.push({ pointer, kind: 'array', label, value: list, schema, ui });
    const tuple = (
      Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : []
    ) as JsonObject[];
    list.forEach((item, i) => {
      const itemSchema =
        tuple[i] ??
        (isObject(schema.items) ? schema.items : isObject(schema.additionalItems) ? schema.additionalItems : {});
      const itemUi = Array.isArray(ui.items)
        ? ((ui.items as JsonObject[])[i] ?? uiOf(ui, 'additionalItems'))
        : i >= tuple.length && tuple.length
          ? uiOf(ui, 'additionalItems')
          : uiOf(ui, 'items');
      steps.push(...walk(root, rootUi, itemSchema as JsonObject, itemUi, item, `${pointer}/${i}`, undefined));
    });
    return steps;
  }
  if (type === 'null') return [{ pointer, kind: 'info', label, value: data, schema, ui }];
  if (fixed) return [{ pointer, kind: 'fixed', label, value: data, schema, ui }];
  if (type === 'boolean') return [{ pointer, kind: 'boolean', label, value: data, schema, ui, options: yesNo(ui) }];
  if (schema.format === 'data-url') return [{ pointer, kind: 'file', label, value: data, schema, ui }];
  return [{ pointer, kind: 'text', label, value: data, schema, ui }];
}

function walkObject(
  root: JsonObject,
  rootUi: JsonObject,
  schema: JsonObject,
  ui: JsonObject,
  data: Json,
  pointer: string,
  skip: string[] = [],
  /** Keys another part of the schema draws (a branch's): not free keys here. */
  elsewhere: string[] = [],
): Step[] {
  const props = (isObject(schema.properties) ? schema.properties : {}) as Record<string, JsonObject>;
  const order = Array.isArray(ui['ui:order']) ? (ui['ui:order'] as string[]) : undefined;
  const keys = orderProperties(Object.keys(props), order).filter((k) => !skip.includes(k));
  const values = isObject(data) ? data : {};
  // A free entry RJSF's retrieveSchema stubbed as a property (additionalProperties' schema, or a matching
  // patternProperties'), which it flags as such.
  const extraSchema = schema.additionalProperties === true ? {} : schema.additionalProperties;
  const free = (key: string) =>
    key in values &&
    ((props[key] as Record<symbol, unknown> | undefined)?.[ADDITIONAL_PROPERTY_FLAG] === true ||
      (isObject(extraSchema) && JSON.stringify(props[key]) === JSON.stringify(extraSchema)));
  const steps = keys.flatMap((key) => {
    const authored = props[key]!;
    // RJSF's ObjectField gives a free entry the uiSchema's `additionalProperties`, a named field its own.
    const childUi = free(key) ? uiOf(ui, 'additionalProperties') : uiOf(ui, key);
    const shown = resolved(root, authored, values[key] ?? null);
    return (
      walk(
        root,
        rootUi,
        authored,
        childUi,
        values[key] ?? null,
        `${pointer}/${escapePointer(key)}`,
        labelOf(shown, childUi, key),
      )
        .map((s) =>
          values[key] === undefined && s.kind !== 'info' ? { ...s, value: undefined as unknown as Json } : s,
        )
        // A free entry RJSF's retrieveSchema stubbed as a property: the citizen adds it by name.
        .map((s) =>
          free(key) && s.pointer === `${pointer}/${escapePointer(key)}` && s.kind === 'text'
            ? { ...s, kind: 'extra' as const }
            : free(key) &&
                s.pointer === `${pointer}/${escapePointer(key)}` &&
                (s.kind === 'group' || s.kind === 'branch')
              ? { ...s, free: true }
              : s,
        )
    );
  });
  // Answers under keys the schema does not name (additionalProperties): RJSF adds a key and a value. Only where the
  // schema says `additionalProperties` (not false) or `patternProperties`, as RJSF's retrieveSchema stubs them; an
  // answer a condition no longer brings (a `then` that does not hold) is not drawn.
  const takesExtras =
    ('additionalProperties' in schema && schema.additionalProperties !== false) || isObject(schema.patternProperties);
  for (const key of Object.keys(values)) {
    if (takesExtras && !(key in props) && !skip.includes(key) && !elsewhere.includes(key))
      steps.push({
        pointer: `${pointer}/${escapePointer(key)}`,
        kind: 'extra',
        // No title to check: RJSF resolves no schema for it.
        label: undefined,
        value: values[key]!,
        schema: {},
        ui: {},
      });
  }
  return steps;
}

/** The fields RJSF draws for the sample answer (pointers in the stored answer, labels as shown). */
export function expectedSteps(schema: JsonObject, uiSchema: JsonObject, data: Json, base = ''): Step[] {
  const read = refsBesideShapingAsAllOf(schema) as JsonObject;
  return walk(read, uiSchema, read, uiSchema, data, base, undefined);
}

const SHAPING = [
  'properties',
  'required',
  'patternProperties',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
];
/**
 * A `$ref` beside `properties` or `required`, read as the import writes it (`allOf` of the reference and those
 * siblings, as 2019-09 means it): RJSF puts the siblings over the referred group and draws only their fields, which
 * its own validator then refuses; Guichet draws both, a documented departure (docs/definition-format.md).
 */
function refsBesideShapingAsAllOf(node: unknown, depth = 0): unknown {
  if (depth > 64) return node;
  if (Array.isArray(node)) return node.map((n) => refsBesideShapingAsAllOf(n, depth + 1));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) out[k] = refsBesideShapingAsAllOf(v, depth + 1) as Json;
  if (typeof out.$ref !== 'string' || !SHAPING.some((k) => out[k] !== undefined)) return out;
  const outside: JsonObject = {};
  const shaping: JsonObject = {};
  for (const [k, v] of Object.entries(out))
    if (SHAPING.includes(k)) shaping[k] = v;
    else if (k !== '$ref' && k !== 'allOf') outside[k] = v;
  return { ...outside, allOf: [{ $ref: out.$ref }, shaping, ...(Array.isArray(out.allOf) ? out.allOf : [])] };
}

export const attr = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
export const at = (page: Page, pointer: string) => page.locator(`[data-pointer="${attr(pointer)}"]`).first();

/** The DOM order of the fields RJSF draws, as `data-pointer`s found on the page (missing ones: -1). */
export async function positions(page: Page, pointers: string[]): Promise<number[]> {
  // Typed structurally: this file is also compiled without the DOM library.
  return page
    .locator('[data-pointer]')
    .evaluateAll(
      (elements: Array<{ getAttribute(name: string): string | null }>, list: string[]) =>
        list.map((p) => elements.findIndex((el) => el.getAttribute('data-pointer') === p)),
      pointers,
    );
}

async function textInput(field: Locator, label: string | undefined): Promise<Locator> {
  const boxes = field.locator('input:not([type=radio]):not([type=checkbox]), textarea, select');
  if (label) {
    // A value's branch shares its words with its option in the choice above it (a radio): the box, not the option.
    const byLabel = field.getByLabel(label, { exact: true }).and(boxes);
    if ((await byLabel.count()) > 0) return byLabel.first();
  }
  return boxes.first();
}

const pad = (n: number) => String(n).padStart(2, '0');
/** A UTC instant as a `datetime-local` input takes it: this machine's local time (the browser's too). */
function localDateTime(value: string): string {
  const d = new Date(value);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function choose(field: Locator, label: string): Promise<void> {
  const radio = field.getByRole('radio', { name: label, exact: true });
  if ((await radio.count()) > 0) return radio.first().check();
  const select = field.locator('select').first();
  if ((await select.count()) > 0) {
    await select.selectOption({ label });
    return;
  }
  throw new Error(`aucune option « ${label} »`);
}

/**
 * Gives one field its sample answer through the page. Returns a problem in
 * words when the page does not offer a way to (the field is not drawn, the
 * option is missing), so the report can say which field and why.
 */
/** A free entry (additionalProperties): « Ajouter une rubrique », then its name, as a citizen would. */
async function addEntry(page: Page, pointer: string): Promise<void> {
  const name = pointer
    .slice(pointer.lastIndexOf('/') + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  const add = page.getByRole('button', { name: 'Ajouter une rubrique' });
  if ((await add.count()) === 0) return;
  await add.first().click();
  const key = page.getByLabel('Nom de la rubrique').last();
  await key.fill(name);
  await key.press('Enter');
  await at(page, pointer)
    .waitFor({ timeout: 5000 })
    .catch(() => undefined);
}

export async function fill(page: Page, step: Step): Promise<string | undefined> {
  // A consent (a yes/no only `true` satisfies) is fixed for RJSF, which ticks it in advance; here the citizen ticks it.
  if (step.kind === 'fixed' && step.value === true && step.schema.type === 'boolean') {
    const box = at(page, step.pointer).locator('input[type=checkbox]');
    if ((await box.count()) > 0) await box.first().setChecked(true);
    return;
  }
  if (step.kind === 'group' && step.free && step.value !== undefined) {
    // A free entry that is a group: added by its name, its fields filled by their own steps.
    if ((await at(page, step.pointer).count()) === 0) await addEntry(page, step.pointer);
    return (await at(page, step.pointer).count()) === 0
      ? `${step.pointer} : rubrique libre (additionalProperties) non dessinée`
      : undefined;
  }
  if (step.kind === 'branch' && step.free && step.value !== undefined && (await at(page, step.pointer).count()) === 0)
    await addEntry(page, step.pointer);
  if (step.value === undefined || step.kind === 'fixed' || step.kind === 'info' || step.kind === 'group') return;
  let field = at(page, step.pointer);
  if ((await field.count()) === 0 && step.kind === 'extra') {
    await addEntry(page, step.pointer);
    field = at(page, step.pointer);
  }
  if ((await field.count()) === 0)
    return step.kind === 'extra'
      ? `${step.pointer} : réponse hors des champs que RJSF résout (additionalProperties, dependentSchemas…), non dessinée`
      : `${step.pointer} : champ absent de la page`;
  if (step.kind === 'extra') step = { ...step, kind: 'text' };
  try {
    switch (step.kind) {
      case 'text': {
        // A value's branch names its own box (`ownLabel`); in a free entry, the first box would be the entry's name.
        const input = await textInput(field, step.ownLabel ?? step.label);
        const type = await input.getAttribute('type');
        const text = String(step.value);
        // RJSF draws these widgets as their own elements, whichever name the uiSchema gives them.
        const wanted = rjsfWidget(step.ui);
        const element =
          (await input.evaluate((e) => String((e as unknown as { tagName: string }).tagName).toLowerCase())) ===
          'textarea'
            ? 'textarea'
            : type;
        const drawnAs =
          wanted && ['textarea', 'password', 'range', 'color'].includes(wanted) && element !== wanted
            ? `${step.pointer} : dessiné en « ${element} », RJSF dessine le widget « ${wanted} »`
            : undefined;
        // null is what RJSF sends for an empty field with ui:emptyValue null: the citizen leaves it empty.
        // (Typed then cleared: an untouched field sends nothing, a cleared one sends its ui:emptyValue.)
        // A null that is the field's default (Pydantic's `Optional[X] = None`, zod's `.nullable().default(null)`):
        // RJSF fills it in, and the citizen leaves the field untouched.
        if (step.value === null && step.schema.default === null) return;
        if (step.value === null) {
          await input.fill('0');
          await input.fill('');
        } else if (type === 'datetime-local') await input.fill(localDateTime(text));
        else if (type === 'time') await input.fill(text).catch(() => input.fill(text.slice(0, 5)));
        else if (type === 'range') {
          // A range shows its midpoint before any answer: move it off, then to the answer, as a hand would.
          await input.fill(String(step.schema.minimum ?? 0));
          await input.fill(text);
        } else if (type === 'date' || type === 'color') await input.fill(text);
        else {
          // Typed over the selection: the field is never empty in between (a default would come back).
          await input.click();
          await page.keyboard.press('Control+A');
          await page.keyboard.type(text);
        }
        return drawnAs;
      }
      case 'boolean': {
        const box = field.locator('input[type=checkbox]');
        if ((await box.count()) > 0) await box.first().setChecked(step.value === true);
        else
          await choose(field, step.options?.find((o) => o.value === step.value)?.label ?? (step.value ? 'Oui' : 'Non'));
        return;
      }
      case 'choice': {
        const option = step.options!.find((o) => JSON.stringify(o.value) === JSON.stringify(step.value));
        if (!option) return `${step.pointer} : la réponse n’est pas une option`;
        await choose(field, option.label);
        return;
      }
      case 'multi': {
        const wanted = (step.value as Json[]).map((v) => JSON.stringify(v));
        const select = field.locator('select[multiple]');
        const labels = step.options!.filter((o) => wanted.includes(JSON.stringify(o.value))).map((o) => o.label);
        if ((await select.count()) > 0) {
          await select.selectOption(labels.map((label) => ({ label })));
          return;
        }
        for (const o of step.options!)
          await field.getByRole('checkbox', { name: o.label, exact: true }).setChecked(labels.includes(o.label));
        return;
      }
      case 'branch': {
        const selector = page.locator(`.alternatives[data-pointer="${attr(step.pointer)}"]`).first();
        if ((await selector.count()) === 0) return `${step.pointer} : pas de sélecteur de branche`;
        await choose(selector.locator('.alternatives-choice').first(), step.branch!);
        return;
      }
      case 'array': {
        const wanted = (step.value as Json[]).length;
        // A list that is a branch of a choice (`anyOf: [{ type: array }, { type: null }]`) shares its pointer with
        // the choice around it: the list itself is the inner one.
        const list = page.locator(`.repeat[data-pointer="${attr(step.pointer)}"]`).first();
        if ((await list.count()) > 0) field = list;
        const items = field.locator(':scope > .item');
        for (let guard = 0; (await items.count()) < wanted && guard < 50; guard++) {
          const add = field.locator(':scope > button', { hasText: /^Ajouter/ });
          if ((await add.count()) === 0)
            return `${step.pointer} : ${await items.count()} éléments, pas de bouton « Ajouter »`;
          await add.first().click();
        }
        return;
      }
      case 'file': {
        const urls = Array.isArray(step.value) ? (step.value as string[]) : [step.value as string];
        for (const url of urls) {
          const match = /^data:([^;]*);(?:name=([^;]*);)?base64,(.*)$/.exec(url);
          if (!match) return `${step.pointer} : data-url illisible`;
          const input = field.locator('input[type=file]').last();
          if ((await input.count()) === 0) return `${step.pointer} : pas de champ fichier`;
          await input.setInputFiles({
            name: match[2] ?? 'piece',
            mimeType: match[1]!,
            buffer: Buffer.from(match[3]!, 'base64'),
          });
          await page.waitForTimeout(300);
        }
        return;
      }
    }
  } catch (error) {
    return `${step.pointer} : ${(error as Error).message.split('\n')[0]}`;
  }
}

/** Controllers of `if` conditions (`if.properties.X.const`) at any object depth of the sample, with another value. */
export function conditionSwitches(root: JsonObject, data: Json): Array<{ pointer: string; other: Json }> {
  const found: Array<{ pointer: string; other: Json }> = [];
  const visit = (schema: JsonObject, value: Json, pointer: string) => {
    if (!isObject(value)) return;
    const conditions: JsonObject[] = [];
    const collect = (s: unknown) => {
      if (!isObject(s)) return;
      if (isObject(s.if)) conditions.push(s.if);
      if (Array.isArray(s.allOf)) s.allOf.forEach(collect);
      if (isObject(s.dependentSchemas)) Object.values(s.dependentSchemas).forEach(collect);
    };
    collect(schema);
    for (const condition of conditions)
      for (const [key, sub] of Object.entries((condition.properties ?? {}) as JsonObject)) {
        if (!isObject(sub) || !('const' in sub) || !(key in value)) continue;
        const shown = resolved(
          root,
          (((resolved(root, schema, value).properties ?? {}) as JsonObject)[key] as JsonObject) ?? {},
          value[key]!,
        );
        const options = choices(shown);
        const candidates = typeOf(shown) === 'boolean' ? [true, false] : (options ?? []).map((o) => o.value);
        const other = candidates.find((c) => JSON.stringify(c) !== JSON.stringify(value[key]));
        const p = `${pointer}/${escapePointer(key)}`;
        if (other !== undefined && !found.some((f) => f.pointer === p))
          found.push({ pointer: p, other: other as Json });
      }
    const props = (resolved(root, schema, value).properties ?? {}) as JsonObject;
    for (const [k, v] of Object.entries(value))
      if (isObject(props[k])) visit(props[k] as JsonObject, v, `${pointer}/${escapePointer(k)}`);
  };
  visit(root, data, '');
  return found;
}

/** `data` with `value` at `pointer` (a copy). */
export function withValue(data: Json, pointer: string, value: Json): Json {
  const out = JSON.parse(JSON.stringify(data)) as Json;
  const keys = pointer
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = out as JsonObject;
  for (const k of keys.slice(0, -1)) node = node[k] as JsonObject;
  node[keys[keys.length - 1]!] = value;
  return out;
}
