/**
 * One answer formatter for every place answers are read back: the review
 * page, the desk, the exports, the receipt and the emails. It walks the
 * definition (not the answers) so answers come in the authored order, with
 * the titles, choice labels and groups the citizen saw.
 */
import type { ServiceDefinition } from './definition';
import {
  alternativesOf,
  fieldModel,
  hasAlternatives,
  itemsSchema,
  orderedKeys,
  propertySchema,
  resolve,
  tupleLength,
  uiChild,
  type FieldModel,
  type Schema,
  type Ui,
} from './field-model';
import { toJsonPointer } from './json-pointer';
import { plainText } from './markdown-text';
import type { SchemaSemantics } from './schema-semantics';

export interface AnswerFormatOptions {
  locale?: 'fr' | 'en';
  /** Pointers the visibility rules hide for these answers: not shown. */
  hidden?: ReadonlySet<string>;
  /** RJSF's semantics, for definitions with conditions or alternatives (`needsSemantics`). */
  semantics?: SchemaSemantics;
  /** A file's name from its attachment id; « Pièce jointe fournie » when unknown. */
  fileName?: (attachmentId: string) => string | undefined;
  /** A date (`YYYY-MM-DD`) in words; default `JJ/MM/AAAA`. */
  formatDate?: (iso: string) => string;
  /** Also list fields with no answer (the review page says « Non renseigné »). */
  includeEmpty?: boolean;
}

export interface AnswerRow {
  /** `page` opens a step; `group` a group or a repeated item; `field` is one answer. */
  kind: 'page' | 'group' | 'field';
  pointer: string;
  /** The step this row belongs to. */
  pageId: string;
  title: string;
  /** The titles of the groups and items around it, outermost first (`Enfant 2`). */
  context: string[];
  /** 0 for the fields of a step, +1 per group or item. */
  depth: number;
  text: string;
  model?: FieldModel;
  value?: unknown;
}

const FR = { yes: 'Oui', no: 'Non', file: 'Pièce jointe fournie', item: 'Élément' };
const EN = { yes: 'Yes', no: 'No', file: 'Attached file', item: 'Item' };

function defaultDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso;
}

function dateTime(iso: string, locale: 'fr' | 'en'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  }).format(date);
}

/** One answer as a person reads it: choice labels, Oui/Non, dates in French, numbers grouped, file names. */
export function answerText(model: FieldModel, value: unknown, options: AnswerFormatOptions = {}): string {
  const words = options.locale === 'en' ? EN : FR;
  if (value === undefined || value === null || value === '') return '';
  if (model.kind === 'file' || model.kind === 'files') {
    const ids = Array.isArray(value) ? value : [value];
    return ids.map((id) => options.fileName?.(String(id)) ?? words.file).join(', ');
  }
  const label = (v: unknown) => model.options.find((o) => o.value === v)?.label;
  if (Array.isArray(value)) return value.map((v) => label(v) ?? scalarText(model, v, options)).join(', ');
  return label(value) ?? scalarText(model, value, options);
}

function scalarText(model: FieldModel, value: unknown, options: AnswerFormatOptions): string {
  const words = options.locale === 'en' ? EN : FR;
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'number')
    return model.inputType === 'range' || model.kind === 'number' || model.kind === 'integer'
      ? value.toLocaleString(options.locale === 'en' ? 'en-GB' : 'fr-FR')
      : String(value);
  if (typeof value === 'string') {
    if (model.inputType === 'date') return (options.formatDate ?? defaultDate)(value);
    if (model.inputType === 'datetime-local') return dateTime(value, options.locale ?? 'fr');
    if (model.inputType === 'password') return '••••••••';
    return value;
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/**
 * Every answer of a request, page by page, in the authored order (`ui:order`
 * respected), conditions and alternatives decided by the answers themselves.
 */
export function answerRows(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema' | 'pages'>,
  data: unknown,
  options: AnswerFormatOptions = {},
): AnswerRow[] {
  const root = definition.schema as Schema;
  const rootUi = (definition.uiSchema ?? {}) as Ui;
  const answers = (data !== null && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const words = options.locale === 'en' ? EN : FR;
  const rows: AnswerRow[] = [];
  let pageId = '';

  const effective = (schema: Schema, value: unknown): Schema => {
    const resolved = resolve(root, schema);
    if (!options.semantics) return resolved;
    try {
      return options.semantics.retrieve(resolved, value);
    } catch {
      return resolved;
    }
  };

  const branchOf = (schema: Schema, value: unknown): Schema | undefined => {
    if (!hasAlternatives(schema)) return undefined;
    const branches = alternativesOf(root, schema);
    if (branches.length === 0) return undefined;
    const index = options.semantics ? options.semantics.matchOption(branches, value) : 0;
    return effective(branches[Math.max(0, index)]!, value);
  };

  const visitObject = (schema: Schema, ui: Ui, pointer: string, value: unknown, context: string[], depth: number) => {
    const object = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    for (const child of orderedKeys(schema, ui))
      visit(
        propertySchema(schema, child),
        uiChild(ui, child),
        `${pointer}${toJsonPointer([child])}`,
        child,
        object[child],
        context,
        depth,
      );
    const branch = branchOf(schema, value);
    if (branch) visitObject(branch, ui, pointer, value, context, depth);
  };

  const visit = (
    raw: Schema,
    ui: Ui,
    pointer: string,
    key: string,
    value: unknown,
    context: string[],
    depth: number,
  ) => {
    if (options.hidden?.has(pointer) || ui['ui:widget'] === 'hidden') return;
    const schema = effective(raw, value);
    const model = fieldModel(root, schema, ui, pointer, key, false, []);
    const title = plainText(model.title);
    if (model.kind === 'object') {
      if (isEmpty(value) && !options.includeEmpty) return;
      rows.push({ kind: 'group', pointer, pageId, title, context, depth, text: '', model });
      visitObject(model.schema, ui, pointer, value, [...context, title], depth + 1);
      return;
    }
    if (model.kind === 'alternatives') {
      const branch = branchOf(model.schema, value);
      if (branch) visit(branch, ui, pointer, key, value, context, depth);
      return;
    }
    if (model.kind === 'array') {
      const list = Array.isArray(value) ? value : [];
      if (list.length === 0) {
        if (options.includeEmpty)
          rows.push({ kind: 'field', pointer, pageId, title, context, depth, text: '', model, value });
        return;
      }
      rows.push({ kind: 'group', pointer, pageId, title, context, depth, text: '', model });
      const itemUiOf = (i: number) => uiChild(ui, i < tupleLength(model.schema) ? i : 0);
      list.forEach((item, i) => {
        const items = effective(itemsSchema(root, model.schema, i), item);
        const itemTitle = plainText(typeof items.title === 'string' ? items.title : title || words.item);
        const itemPointer = `${pointer}/${i}`;
        const itemModel = fieldModel(root, items, itemUiOf(i), itemPointer, String(i), false, []);
        if (itemModel.kind === 'object' || itemModel.kind === 'alternatives') {
          rows.push({
            kind: 'group',
            pointer: itemPointer,
            pageId,
            title: `${itemTitle} ${i + 1}`,
            context: [...context, title],
            depth: depth + 1,
            text: '',
            model: itemModel,
          });
          const object =
            itemModel.kind === 'alternatives' ? (branchOf(itemModel.schema, item) ?? {}) : itemModel.schema;
          visitObject(object, itemUiOf(i), itemPointer, item, [...context, `${itemTitle} ${i + 1}`], depth + 2);
        } else visit(items, itemUiOf(i), itemPointer, `${itemTitle} ${i + 1}`, item, [...context, title], depth + 1);
      });
      return;
    }
    if (model.kind === 'unsupported' || model.kind === 'null') return;
    if (isEmpty(value) && !options.includeEmpty) return;
    rows.push({
      kind: 'field',
      pointer,
      pageId,
      title,
      context,
      depth,
      text: answerText(model, value, options),
      model,
      value,
    });
  };

  for (const page of definition.pages) {
    pageId = page.id;
    const before = rows.length;
    rows.push({ kind: 'page', pointer: '', pageId, title: page.title, context: [], depth: -1, text: '' });
    for (const key of page.fields)
      visit(propertySchema(root, key), uiChild(rootUi, key), toJsonPointer([key]), key, answers[key], [], 0);
    if (rows.length === before + 1 && !options.includeEmpty) rows.pop();
  }
  return rows;
}

/** A field's name for the error summary and the review page: `Enfant 2 — Prénom`. */
export function rowLabel(row: Pick<AnswerRow, 'context' | 'title'>): string {
  return [...row.context.filter((c) => /\s\d+$/.test(c)), row.title].join(' — ');
}

/** A field's name for an error's pointer: `Enfant 2 — Prénom`; the pointer's last key when the schema has no such field. */
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
      const index = Number(segment);
      const items = itemsSchema(root, schema, Number.isInteger(index) ? index : undefined);
      const title = typeof items.title === 'string' ? plainText(items.title) : undefined;
      if (title && items.type === 'object') parts.push(`${title} ${index + 1}`);
      schema = items;
      ui = uiChild(ui, 0);
      continue;
    }
    let next = resolve(root, propertySchema(schema, segment));
    if (Object.keys(next).length === 0) {
      // A field of a branch (`then`, `oneOf`…): found in the first branch that declares it.
      next = findInBranches(root, schema, segment) ?? next;
    }
    schema = next;
    ui = uiChild(ui, segment);
    const title = plainText(
      (typeof ui['ui:title'] === 'string' && ui['ui:title']) ||
        (typeof schema.title === 'string' && schema.title) ||
        segment,
    );
    // Groups name their fields only when the field alone would be ambiguous.
    if (i === segments.length - 1 || schema.type === 'array') parts.push(title);
  }
  return parts.join(' — ');
}

function findInBranches(root: Schema, schema: Schema, key: string, depth = 0): Schema | undefined {
  if (depth > 8) return undefined;
  const branches: unknown[] = [];
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const)
    if (Array.isArray(schema[k])) branches.push(...(schema[k] as unknown[]));
  for (const k of ['then', 'else'] as const) if (schema[k]) branches.push(schema[k]);
  for (const k of ['dependentSchemas', 'dependencies'] as const)
    if (schema[k] && typeof schema[k] === 'object') branches.push(...Object.values(schema[k] as object));
  for (const b of branches) {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) continue;
    const branch = resolve(root, b as Schema);
    const found = propertySchema(branch, key);
    if (Object.keys(found).length > 0) return resolve(root, found);
    const deeper = findInBranches(root, branch, key, depth + 1);
    if (deeper) return deeper;
  }
  return undefined;
}
