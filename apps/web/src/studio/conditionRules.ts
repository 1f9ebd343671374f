/** Visibility conditions: the rules the studio writes, the questions they may read, and their words. */
import { fieldModel, plainText, type Expr, type FieldModel, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import {
  clone,
  declarationsOf,
  obj,
  pageFieldKeys,
  shapeAt,
  typeIs,
  uiAt,
  type Node,
  type Path,
} from './definitionPaths';
import { optionsAt, type ChoiceOption } from './fieldEdits';

export function conditionOf(def: ServiceDefinition, target: string): Expr | undefined {
  return def.rules?.visibility?.find((r) => r.target === target)?.when;
}

export function setCondition(def: ServiceDefinition, target: string, when: Expr | null): ServiceDefinition {
  const next = clone(def);
  const rules = (next.rules ??= {});
  const list = (rules.visibility ?? []).filter((r) => r.target !== target);
  if (when !== null) list.push({ target, when });
  if (list.length) rules.visibility = list;
  else delete rules.visibility;
  if (!rules.visibility && !rules.eligibility) delete next.rules;
  return next;
}

/** A field a condition may read: its pointer, its label, and the answers it offers. */
export interface Question {
  pointer: string;
  label: string;
  kind: 'boolean' | 'choice' | 'multiple' | 'number' | 'text';
  options: ChoiceOption[];
  /**
   * For a field of a repeatable block other than the target's own (pointer
   * `/children/*\/school`): the block, read through one of its items (see
   * itemCondition).
   */
  block?: { pointer: string; label: string };
}

/** Which item of a repeatable block a condition reads: at least one, or the first. */
export type ItemChoice = 'any' | 'first';

/** How deep a condition's questions are looked for: a group that holds itself through `$ref`s stops there. */
const MAX_DEPTH = 16;

/**
 * Every field a condition on `target` may read (not the target itself, nor what it contains), in groups and list
 * items kept in `$defs` too (read through their `$ref`, as the server's rules read them).
 */
export function questionsFor(def: ServiceDefinition, target: string): Question[] {
  const out: Question[] = [];
  const repeatOf = target.includes('/*/') ? target.slice(0, target.indexOf('/*/')) : null;
  // A group's fields where the form draws them: its own, and those its branches and conditions declare.
  const keysOf = (container: Node) => [...declarationsOf(def, container).keys()];
  // A group: an object, or a schema without a `type` that declares fields (OpenAPI's `allOf` inheritance).
  const isGroup = (node: Node) => typeIs(node, 'object') || (node.type === undefined && keysOf(node).length > 0);
  const walk = (path: Path, keys: string[], prefix: string, block?: Question['block']) => {
    if (path.length > MAX_DEPTH) return;
    for (const key of keys) {
      // What the place means, `$ref`s followed (a list's items too).
      const node = shapeAt(def, [...path, key]);
      const pointer = `${prefix}/${key}`;
      const ui = uiAt(def, [...path, key]);
      if (isGroup(node)) walk([...path, key], keysOf(node), pointer, block);
      else if (typeIs(node, 'array') && isGroup(obj(node.items))) {
        // The target's own block: its fields read the target's item. Another block (one level, not the
        // target nor what contains it): its fields are read through « at least one » or « the first » item.
        if (repeatOf === pointer) walk([...path, key], keysOf(obj(node.items)), `${pointer}/*`);
        else if (!block && pointer !== target && !target.startsWith(`${pointer}/`) && !pointer.startsWith(`${target}/`))
          walk([...path, key], keysOf(obj(node.items)), `${pointer}/*`, {
            pointer,
            label: plainText(fieldModel(def.schema, node, ui, pointer, key, false, []).title),
          });
      } else if (pointer !== target && !pointer.startsWith(`${target}/`) && node['x-file'] === undefined) {
        const model = fieldModel(def.schema, node, ui, pointer, key, false, []);
        out.push({
          pointer,
          label: plainText(model.title),
          kind: questionKind(model),
          options: model.kind === 'boolean' ? [] : optionsAt(node, ui),
          ...(block && { block }),
        });
      }
    }
  };
  // Fields in the order of the pages (a field that a condition of the root brings, after the field it follows).
  for (const page of def.pages) walk([], pageFieldKeys(def, page.id), '');
  return out;
}

/** What a condition may compare a field's answer with, from the kind of field the form draws. */
function questionKind(model: FieldModel): Question['kind'] {
  if (model.kind === 'boolean' || (model.kind === 'radio' && model.schema.type === 'boolean')) return 'boolean';
  if (model.kind === 'checkboxes') return 'multiple';
  if (model.kind === 'radio' || model.kind === 'select') return 'choice';
  if (model.kind === 'integer' || model.kind === 'number') return 'number';
  return 'text';
}

function valueText(question: Question | undefined, value: unknown): string {
  if (typeof value === 'boolean') return value ? tr('Oui', 'Yes') : tr('Non', 'No');
  return question?.options.find((o) => o.value === value)?.label ?? String(value);
}

/**
 * The condition the editor writes on a field of another repeatable block:
 * `{ any: [{ field: "/children" }, cond] }` holds when at least one item
 * answers so (the rules language binds the `*` of `/children/*\/school` to
 * that item), the first item is read as `/children/0/school`. The same
 * rules run in the citizen's browser and on the server (hiddenPointers).
 */
export function itemCondition(question: Question, condition: Expr, item: ItemChoice = 'any'): Expr {
  const block = question.block;
  if (!block) return condition;
  if (item === 'any') return { any: [{ field: block.pointer }, condition] };
  const first = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(first)
      : node && typeof node === 'object'
        ? Object.fromEntries(
            Object.entries(node).map(([k, v]) => [
              k,
              k === 'field' && v === question.pointer
                ? v.replace(`${block.pointer}/*/`, `${block.pointer}/0/`)
                : first(v),
            ]),
          )
        : node;
  return first(condition) as Expr;
}

/** The condition in plain words, or null when the studio cannot say it simply (then: the JSON tab). */
export function describeCondition(def: ServiceDefinition, expr: Expr, questions: Question[]): string | null {
  if (expr && typeof expr === 'object' && !Array.isArray(expr)) {
    // « at least one item of a block »: the inner condition in words, said of one of its items.
    const any = (expr as Record<string, unknown>).any;
    if (Array.isArray(any) && any.length === 2 && Object.keys(expr).length === 1) {
      const blockPointer = obj(any[0]).field;
      const inBlock = questions.filter(
        (x) => x.block?.pointer === blockPointer && Object.keys(obj(any[0])).length === 1,
      );
      const field = (operand: unknown) => obj(operand).field;
      const inner = inBlock.length
        ? simpleWords(any[1] as Expr, (operand) => inBlock.find((x) => x.pointer === field(operand)))
        : null;
      return inner
        ? `${inner} ${tr(`pour au moins un élément de « ${inBlock[0]!.block!.label} »`, `for at least one item of “${inBlock[0]!.block!.label}”`)}`
        : null;
    }
  }
  // A block's first item (`/children/0/school`) is said as the block's field, of the first item.
  let firstOf: Question['block'];
  const q = (operand: unknown) => {
    if (!operand || typeof operand !== 'object' || !('field' in operand)) return undefined;
    const field = (operand as { field: unknown }).field;
    const direct = questions.find((x) => x.pointer === field && !x.block);
    if (direct) return direct;
    const first = questions.find(
      (x) =>
        x.block &&
        typeof field === 'string' &&
        x.pointer.replace(`${x.block.pointer}/*/`, `${x.block.pointer}/0/`) === field,
    );
    if (first) firstOf = first.block;
    return first;
  };
  const words = simpleWords(expr, q);
  void def;
  if (!words || !firstOf) return words;
  return `${words} ${tr(`pour le premier élément de « ${firstOf.label} »`, `for the first item of “${firstOf.label}”`)}`;
}

function simpleWords(expr: Expr, q: (operand: unknown) => Question | undefined): string | null {
  const name = (operand: unknown) => {
    const question = q(operand);
    return question ? `« ${question.label} »` : null;
  };
  if (typeof expr !== 'object' || expr === null) return null;
  const e = expr as Record<string, unknown>;
  for (const [op, words] of [
    ['eq', tr('est', 'is')],
    ['ne', tr('n’est pas', 'is not')],
    ['contains', tr('contient', 'contains')],
    ['gt', tr('est supérieur à', 'is more than')],
    ['lt', tr('est inférieur à', 'is less than')],
  ] as const) {
    const args = e[op];
    if (Array.isArray(args) && name(args[0])) return `${name(args[0])} ${words} « ${valueText(q(args[0]), args[1])} »`;
  }
  if (e.not && typeof e.not === 'object' && 'empty' in (e.not as object)) {
    const target = (e.not as { empty: unknown }).empty;
    if (name(target)) return `${name(target)} ${tr('est renseigné', 'is answered')}`;
  }
  if ('empty' in e && name(e.empty)) return `${name(e.empty)} ${tr('n’est pas renseigné', 'is not answered')}`;
  return null;
}
