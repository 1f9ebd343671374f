/**
 * One answer formatter for every place answers are read back: the review
 * page, the desk, the exports, the receipt and the emails. It walks the
 * definition (not the answers) so answers come in the authored order, with
 * the titles, choice labels and groups the citizen saw. One answer's text
 * is answer-text.ts; the desk's and exports' list of fields, answer-fields.ts.
 */
import { asSchema, branchProperties, guessBranch, isEmpty, isRecord } from './answer-branches';
import { answerText, wordsFor, type AnswerFormatOptions } from './answer-text';
import type { ServiceDefinition } from './definition';
import {
  alternativeTitle,
  alternativesOf,
  branchUi,
  fieldModel,
  globalOptionsOf,
  hasAlternatives,
  itemsSchema,
  orderedKeys,
  propertySchema,
  resolve,
  tupleLength,
  uiChild,
  widgetOf,
  type FieldModel,
  type Schema,
  type Ui,
  uiText,
} from './field-model';
import {
  byEntryName,
  entriesInNameOrder,
  freeEntrySchema,
  freeEntryUi,
  propertyUi,
  takesFreeEntries,
} from './free-entries';
import { toJsonPointer } from './json-pointer';
import { plainText } from './markdown-text';

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

/**
 * Every answer of a request, page by page, in the authored order (`ui:order`
 * respected), conditions and alternatives decided by the answers themselves.
 * Groups and repeated items with nothing answered inside are left out
 * (unless `includeEmpty`).
 */
export function answerRows(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema' | 'pages'>,
  data: unknown,
  options: AnswerFormatOptions = {},
): AnswerRow[] {
  const root = definition.schema as Schema;
  const rootUi = (definition.uiSchema ?? {}) as Ui;
  const global = globalOptionsOf(rootUi);
  const answers = isRecord(data) ? data : {};
  const words = wordsFor(options);
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

  /** The branch of a `oneOf`/`anyOf` of schemas the answers took, with its index (its name in the selector). */
  const branchOf = (schema: Schema, value: unknown): { branch: Schema; index: number } | undefined => {
    if (!hasAlternatives(schema)) return undefined;
    const branches = alternativesOf(root, schema);
    if (branches.length === 0) return undefined;
    let index = -1;
    if (options.semantics) {
      try {
        index = options.semantics.matchOption(branches, value);
      } catch {
        index = -1;
      }
    }
    if (index < 0) index = guessBranch(root, branches, value);
    return { branch: effective(branches[index]!, value), index };
  };

  /**
   * The branch chosen in the selector of an object that has fields of its own besides its `oneOf`/`anyOf`
   * (the root's too): the form titles that selector with the object's `ui:title`, else « Choisissez une option ».
   */
  const choiceRow = (
    chosen: { branch: Schema; index: number },
    ui: Ui,
    pointer: string,
    value: unknown,
    context: string[],
    depth: number,
  ) => {
    if (isEmpty(value) && !options.includeEmpty) return;
    const named = uiText(ui, 'title');
    const title = named ? plainText(named) : words.choice;
    const text = plainText(alternativeTitle(chosen.branch, ui, chosen.index));
    rows.push({ kind: 'group', pointer, pageId, title, context, depth, text });
  };

  /** Drops a group's row when nothing was listed under it (a group of empty answers says nothing). */
  const closeGroup = (at: number) => {
    if (!options.includeEmpty && rows.length === at + 1) rows.pop();
  };

  const visitObject = (
    schema: Schema,
    ui: Ui,
    pointer: string,
    value: unknown,
    context: string[],
    depth: number,
    seen: Set<string> = new Set(),
  ) => {
    const object = isRecord(value) ? value : {};
    for (const child of entriesInNameOrder(orderedKeys(schema, ui), schema.properties)) {
      // A branch that repeats a key of its object (a `const` that tells branches apart) lists it once.
      if (seen.has(child)) continue;
      seen.add(child);
      visit(
        propertySchema(schema, child),
        propertyUi(schema, ui, child),
        `${pointer}${toJsonPointer([child])}`,
        child,
        object[child],
        context,
        depth,
      );
    }
    const chosen = branchOf(schema, value);
    if (chosen) {
      // The choice the citizen made in the object's selector (« Par courriel »), then the branch's fields.
      choiceRow(chosen, ui, pointer, value, context, depth);
      visitObject(chosen.branch, branchUi(ui, chosen.index), pointer, value, context, depth, seen);
    }
    // Without RJSF's semantics (a page that has not loaded them), conditions are not decided here: the
    // answers are, since the server keeps only what applied. A branch's field is listed when answered.
    if (!options.semantics)
      for (const [child, sub, subUi] of branchProperties(root, schema, new Set(seen), 0, false, ui))
        if (!isEmpty(object[child])) {
          seen.add(child);
          visit(sub, subUi, `${pointer}${toJsonPointer([child])}`, child, object[child], context, depth);
        }
    // Free entries (`additionalProperties`, `patternProperties`): each under the name the citizen gave it, by name
    // (storage keeps no order of answers' keys: `byEntryName`).
    if (takesFreeEntries(schema))
      for (const [child, answer] of byEntryName(Object.entries(object))) {
        if (seen.has(child) || Object.prototype.hasOwnProperty.call(schema.properties ?? {}, child)) continue;
        seen.add(child);
        const sub = freeEntrySchema(schema, child);
        visit(
          { ...sub, title: child },
          freeEntryUi(ui),
          `${pointer}${toJsonPointer([child])}`,
          child,
          answer,
          context,
          depth,
        );
      }
  };

  const visit = (
    raw: Schema,
    ui: Ui,
    pointer: string,
    key: string,
    value: unknown,
    context: string[],
    depth: number,
    itemTitle?: string,
  ) => {
    if (options.hidden?.has(pointer) || widgetOf(ui) === 'hidden') return;
    const schema = effective(raw, value);
    const model = fieldModel(root, schema, ui, pointer, key, false, [], global);
    const title = itemTitle ?? plainText(model.title);
    if (model.kind === 'object') {
      if (isEmpty(value) && !options.includeEmpty) return;
      const at = rows.length;
      rows.push({ kind: 'group', pointer, pageId, title, context, depth, text: '', model });
      visitObject(model.schema, ui, pointer, value, [...context, title], depth + 1);
      closeGroup(at);
      return;
    }
    if (model.kind === 'alternatives') {
      // The selector's choice (« Par courriel »), then the chosen branch's own fields under it.
      const chosen = branchOf(model.schema, value);
      if (!chosen) return;
      if (isEmpty(value) && !options.includeEmpty) return;
      const branchModel = fieldModel(root, chosen.branch, ui, pointer, key, false, [], global);
      const text = plainText(alternativeTitle(chosen.branch, ui, chosen.index));
      if (branchModel.kind === 'unsupported' || branchModel.kind === 'null') {
        // A branch with nothing to fill in (« Aucun »): the choice itself is the answer.
        rows.push({ kind: 'field', pointer, pageId, title, context, depth, text, model, value });
        return;
      }
      const ownUi = branchUi(ui, chosen.index);
      if (branchModel.kind !== 'object') {
        const at = rows.length;
        visit(chosen.branch, ownUi, pointer, key, value, context, depth, title);
        // A list chosen in a selector (Pydantic's `Optional[List[str]]`: `anyOf: [{ type: array }, { type: null }]`)
        // says which branch was chosen, as a group chosen so does; its items follow it.
        const row = rows[at];
        if (branchModel.kind === 'array' && row?.kind === 'group' && row.pointer === pointer && !row.text)
          row.text = text;
        return;
      }
      const at = rows.length;
      rows.push({ kind: 'group', pointer, pageId, title, context, depth, text, model });
      visitObject(branchModel.schema, ownUi, pointer, value, [...context, title], depth + 1);
      if (!options.includeEmpty && rows.length === at + 1 && isEmpty(value)) rows.pop();
      return;
    }
    if (model.kind === 'array') {
      const list = Array.isArray(value) ? value : [];
      if (list.length === 0) {
        if (options.includeEmpty)
          rows.push({ kind: 'field', pointer, pageId, title, context, depth, text: '', model, value });
        return;
      }
      const at = rows.length;
      rows.push({ kind: 'group', pointer, pageId, title, context, depth, text: '', model });
      const itemUiOf = (i: number) => uiChild(ui, i < tupleLength(model.schema) ? i : 0);
      list.forEach((item, i) => {
        const items = effective(itemsSchema(root, model.schema, i), item);
        const itemUi = itemUiOf(i);
        const itemModel = fieldModel(root, items, itemUi, `${pointer}/${i}`, String(i), false, [], global);
        // An item's name: its uiSchema's `ui:title`, its schema's title, else the list's (as the form names it).
        const ownTitle = uiText(itemUi, 'title') || (typeof items.title === 'string' && items.title) || undefined;
        const name = `${plainText(ownTitle ? itemModel.title : title || words.item)} ${i + 1}`;
        const itemPointer = `${pointer}/${i}`;
        const chosen = itemModel.kind === 'alternatives' ? branchOf(itemModel.schema, item) : undefined;
        // An item that is a choice between a value and another (`oneOf` of an integer and `enum: ["maximum"]`) is
        // one answer, read back as a field is: the group below would name the branch and drop the value.
        const scalarChoice =
          chosen !== undefined &&
          fieldModel(root, chosen.branch, branchUi(itemUi, chosen.index), itemPointer, String(i), false, [], global)
            .kind !== 'object';
        if (itemModel.kind === 'object' || (itemModel.kind === 'alternatives' && !scalarChoice)) {
          const itemAt = rows.length;
          rows.push({
            kind: 'group',
            pointer: itemPointer,
            pageId,
            title: name,
            context: [...context, title],
            depth: depth + 1,
            text: chosen ? plainText(alternativeTitle(chosen.branch, itemUi, chosen.index)) : '',
            model: itemModel,
          });
          const object = itemModel.kind === 'alternatives' ? (chosen?.branch ?? {}) : itemModel.schema;
          const objectUi = chosen ? branchUi(itemUi, chosen.index) : itemUi;
          visitObject(object, objectUi, itemPointer, item, [...context, title, name], depth + 2);
          closeGroup(itemAt);
        } else visit(items, itemUi, itemPointer, String(i), item, [...context, title], depth + 1, name);
      });
      closeGroup(at);
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

  // The top level as the answers make it: a `then`, a dependency or the chosen root branch add fields.
  const top = effective(root, answers);
  const topChoice = branchOf(top, answers);
  const topBranch = topChoice?.branch;
  // Without semantics, the fields conditions may add, listed when answered (as in visitObject).
  const undecided = options.semantics
    ? new Map<string, Schema>()
    : new Map(
        branchProperties(root, root, new Set(Object.keys(asSchema(root.properties))), 0, false).map(
          ([key, schema]) => [key, schema] as const,
        ),
      );
  const topSchema = (key: string): Schema => {
    const own = propertySchema(top, key);
    if (Object.keys(own).length > 0) return own;
    const branch = topBranch ? propertySchema(topBranch, key) : {};
    if (Object.keys(branch).length > 0) return branch;
    return !isEmpty(answers[key]) ? (undecided.get(key) ?? {}) : {};
  };
  const placed = unplacedFields(
    [
      ...entriesInNameOrder(orderedKeys(top, rootUi), top.properties),
      ...(topBranch ? orderedKeys(topBranch, rootUi) : []),
      ...undecided.keys(),
    ],
    definition.pages,
  );

  const lastOwnKey = orderedKeys(top, rootUi).at(-1);
  for (const page of definition.pages) {
    pageId = page.id;
    const before = rows.length;
    rows.push({ kind: 'page', pointer: '', pageId, title: plainText(page.title), context: [], depth: -1, text: '' });
    for (const key of page.fields) {
      visit(topSchema(key), uiChild(rootUi, key), toJsonPointer([key]), key, answers[key], [], 0);
      // The root's choice of branches is drawn after its last own field, on that field's page: read back there.
      if (topChoice && key === lastOwnKey) choiceRow(topChoice, rootUi, '', answers, [], 0);
      // Fields a condition adds that no page names, after the field they follow in the schema; only when answered.
      for (const extra of placed.get(key) ?? [])
        if (!isEmpty(answers[extra]))
          visit(topSchema(extra), uiChild(rootUi, extra), toJsonPointer([extra]), extra, answers[extra], [], 0);
    }
    // Free entries at the root (`additionalProperties`), on the page of the schema's last field, as the form draws them.
    const lastKey = orderedKeys(top, rootUi).at(-1);
    if (lastKey !== undefined && page.fields.includes(lastKey) && takesFreeEntries(top)) {
      const named = new Set([
        ...Object.keys(asSchema(top.properties)),
        ...placed.keys(),
        ...[...placed.values()].flat(),
      ]);
      for (const [key, answer] of byEntryName(Object.entries(answers)))
        if (!named.has(key) && !(topBranch && key in asSchema(topBranch.properties)))
          visit(
            { ...freeEntrySchema(top, key), title: key },
            freeEntryUi(rootUi),
            toJsonPointer([key]),
            key,
            answer,
            [],
            0,
          );
    }
    if (rows.length === before + 1 && !options.includeEmpty) rows.pop();
  }
  return rows;
}

/** For each field a page names, the fields no page names that come right after it in the schema's order. */
function unplacedFields(keys: string[], pages: ReadonlyArray<{ fields: string[] }>): Map<string, string[]> {
  const onPages = new Set(pages.flatMap((p) => p.fields));
  const out = new Map<string, string[]>();
  let anchor: string | undefined;
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    if (onPages.has(key)) anchor = key;
    else if (anchor !== undefined) out.set(anchor, [...(out.get(anchor) ?? []), key]);
  }
  return out;
}

/** A field's name for the error summary and the review page: `Enfant 2 — Prénom`. */
export function rowLabel(row: Pick<AnswerRow, 'context' | 'title'>): string {
  return [...row.context.filter((c) => /\s\d+$/.test(c)), row.title].join(' — ');
}

export { answerText, type AnswerFormatOptions } from './answer-text';
export { answerFields, type AnswerField } from './answer-fields';
