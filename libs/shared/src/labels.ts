/**
 * A field's name and model from a JSON pointer into the answers (the error
 * summary, the desk's columns): small, in the form's first load; the answer
 * formatter (answer-format.ts) loads with the review page.
 */
import {
  branchUi,
  fieldModel,
  globalOptionsOf,
  itemsSchema,
  propertySchema,
  resolve,
  tupleLength,
  typeOf,
  uiChild,
  type FieldModel,
  type Schema,
  type Ui,
  uiText,
} from './field-model';
import { parseJsonPointer } from './json-pointer';
import { plainText } from './markdown-text';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

interface PointerStep {
  segment: string;
  /** The step went into an array's item (`segment` is its index). */
  item: boolean;
  schema: Schema;
  ui: Ui;
}

/** The schemas and uiSchemas a pointer goes through, branches searched for fields they alone declare. */
function stepsOf(root: Schema, rootUi: Ui, pointer: string): PointerStep[] {
  const steps: PointerStep[] = [];
  let schema = root;
  let ui = rootUi;
  for (const segment of parseJsonPointer(pointer)) {
    const here = resolve(root, schema);
    const index = /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : undefined;
    // A list's item (`*` in a rule's pattern); a numeric key elsewhere is a property (« 2024 »).
    const list = typeOf(here) === 'array';
    if (list || (index !== undefined && Object.keys(propertySchema(here, segment)).length === 0)) {
      schema = itemsSchema(root, here, index);
      ui = uiChild(ui, index !== undefined && index < tupleLength(here) ? index : 0);
      steps.push({ segment, item: true, schema, ui });
      continue;
    }
    const own = resolve(root, propertySchema(here, segment));
    // A field of a branch (`then`, `oneOf`…): found in the first branch that declares it, with that branch's uiSchema.
    const found = Object.keys(own).length === 0 ? branchField(root, here, ui, segment) : undefined;
    schema = found?.schema ?? own;
    ui = found?.ui ?? uiChild(ui, segment);
    steps.push({ segment, item: false, schema, ui });
  }
  return steps;
}

/** The field model of the field at `pointer` (a field of a branch included); undefined when the schema has none. */
export function modelAt(root: Schema, rootUi: Ui, pointer: string): FieldModel | undefined {
  let steps: PointerStep[];
  try {
    steps = stepsOf(root, rootUi, pointer);
  } catch {
    return undefined;
  }
  const last = steps[steps.length - 1];
  if (!last || Object.keys(last.schema).length === 0) return undefined;
  return fieldModel(root, last.schema, last.ui, pointer, last.segment, false, [], globalOptionsOf(rootUi));
}

/** A field's name for an error's pointer: `Enfant 2 — Prénom`; the pointer's last key when the schema has no such field. */
export function labelOf(root: Schema, rootUi: Ui, pointer: string): string {
  let steps: PointerStep[];
  try {
    steps = stepsOf(root, rootUi, pointer);
  } catch {
    return pointer;
  }
  const parts: string[] = [];
  steps.forEach((step, i) => {
    if (step.item) {
      // An item is named as the form's legend names it: its uiSchema's title first (`ui:title`, `ui:options.title`).
      const named = uiText(step.ui, 'title') ?? (typeof step.schema.title === 'string' ? step.schema.title : undefined);
      const title = named ? plainText(named) : undefined;
      const index = Number(step.segment);
      if (title && typeOf(step.schema) === 'object')
        parts.push(Number.isInteger(index) ? `${title} ${index + 1}` : title);
      return;
    }
    const title = plainText(
      uiText(step.ui, 'title') || (typeof step.schema.title === 'string' && step.schema.title) || step.segment,
    );
    // Groups name their fields only when the field alone would be ambiguous.
    if (i === steps.length - 1 || typeOf(step.schema) === 'array') parts.push(title);
  });
  return parts.join(' — ');
}

const BRANCH_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;

/** The branches a schema may add fields from: `allOf`, `oneOf`/`anyOf`, `then`/`else`, dependencies. */
export function branchesOf(schema: Schema, alternatives = true): unknown[] {
  return branchEntries(schema, NO_BRANCH_UI, alternatives).map((entry) => entry.branch);
}

const NO_BRANCH_UI: Ui = Object.freeze({}) as Ui;

/**
 * The branches a schema may add fields from, each with the uiSchema of its fields, as every read-back view takes
 * it: RJSF 6's per-branch uiSchema (`uiSchema.oneOf` / `anyOf`, one per branch) for a branch of `oneOf`/`anyOf`
 * (`branchUi`, what the form and the review page use), the object's own uiSchema for the others.
 */
export function branchEntries(schema: Schema, ui: Ui, alternatives = true): Array<{ branch: unknown; ui: Ui }> {
  const entries: Array<{ branch: unknown; ui: Ui }> = [];
  for (const k of alternatives ? BRANCH_LISTS : (['allOf'] as const))
    if (Array.isArray(schema[k]))
      (schema[k] as unknown[]).forEach((branch, i) =>
        entries.push({ branch, ui: k === 'allOf' ? ui : branchUi(ui, i) }),
      );
  for (const k of ['then', 'else'] as const) if (schema[k]) entries.push({ branch: schema[k], ui });
  for (const k of ['dependentSchemas', 'dependencies'] as const)
    if (isRecord(schema[k]))
      for (const branch of Object.values(schema[k] as object).filter((v) => !Array.isArray(v)))
        entries.push({ branch, ui });
  return entries;
}

/**
 * A field `key` that only a branch of `schema` declares (the first that does, at any depth), with its uiSchema
 * from that branch's (branchEntries): the one resolution of a branch field's label for the desk's columns, the
 * exports and the error summary alike.
 */
export function branchField(
  root: Schema,
  schema: Schema,
  ui: Ui,
  key: string,
  depth = 0,
): { schema: Schema; ui: Ui } | undefined {
  if (depth > 8) return undefined;
  for (const entry of branchEntries(schema, ui)) {
    if (!isRecord(entry.branch)) continue;
    const branch = resolve(root, entry.branch);
    const found = propertySchema(branch, key);
    if (Object.keys(found).length > 0) return { schema: resolve(root, found), ui: uiChild(entry.ui, key) };
    const deeper = branchField(root, branch, entry.ui, key, depth + 1);
    if (deeper) return deeper;
  }
  return undefined;
}
