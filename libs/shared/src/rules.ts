/**
 * The rules language: a small JSON expression language for show/hide and
 * eligibility, evaluated by this one function in the browser and on the
 * server. JSON so that it is serialisable, diffable and portable; no strings
 * to parse, no code to run. See docs/definition-format.md ("Rules").
 */
import { encodePointerSegment, parseJsonPointer } from './json-pointer';

export type Literal = string | number | boolean | null;

/** A value in an expression: a literal, a list of literals, a field of the submission, or an identity claim. */
export type Operand = Literal | Literal[] | { field: string } | { claim: string };

export type Expr =
  | { eq: [Operand, Operand] }
  | { ne: [Operand, Operand] }
  | { lt: [Operand, Operand] }
  | { lte: [Operand, Operand] }
  | { gt: [Operand, Operand] }
  | { gte: [Operand, Operand] }
  /** The left value is one of the right list. */
  | { in: [Operand, Operand] }
  /** The left list (checkboxes) contains the right value. */
  | { contains: [Operand, Operand] }
  /** Unanswered: undefined, null, '', [] or {}. */
  | { empty: Operand }
  /**
   * At least one item of a repeatable block makes the condition true. Inside
   * it, the `*` that follows the block's pointer stands for that item:
   * `{ "any": [{ "field": "/children" }, { "eq": [{ "field": "/children/*\/school" }, "jules-ferry"] }] }`.
   */
  | { any: [{ field: string }, Expr] }
  | { and: Expr[] }
  | { or: Expr[] }
  | { not: Expr }
  | boolean;

export interface RuleContext {
  data: unknown;
  claims?: Readonly<Record<string, unknown>>;
  /** Indexes bound to `*` segments of field pointers, outermost first (rules inside repeatable groups). */
  indexes?: readonly number[];
}

/**
 * The items `any` is looking at: the pattern of a block's items (`/children/*`)
 * and the index it stands for. A `*` whose pointer so far is one of these
 * takes that index; any other takes the next of `indexes`.
 */
interface Items {
  readonly pattern: string;
  index: number;
  readonly outer: Items | undefined;
}

function boundIndex(items: Items | undefined, pattern: string): number | undefined {
  for (let at = items; at; at = at.outer) if (at.pattern === pattern) return at.index;
  return undefined;
}

/**
 * `steps`: conditions looked at in one evaluation. Only `any` repeats work
 * (once per item, and nested blocks multiply), so this bounds what a long
 * list in the answers can cost; past it the rule is false.
 */
export const RULE_LIMITS = { depth: 32, nodes: 1000, listLength: 1000, steps: 20_000 } as const;

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Reads a value by JSON pointer; `*` segments take the bound indexes in order.
 * Anything that is not a pointer reads as undefined: a stored rule is checked,
 * but this also runs on whatever a browser holds.
 */
export function readPointer(data: unknown, pointer: string, indexes: readonly number[] = [], items?: Items): unknown {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) return undefined;
  let current = data;
  let star = 0;
  let pattern = '';
  for (const raw of parseJsonPointer(pointer)) {
    if (items) pattern += `/${encodePointerSegment(raw)}`;
    const bound = raw === '*' && items ? boundIndex(items, pattern) : undefined;
    const segment = raw !== '*' ? raw : String(bound ?? indexes[star++] ?? -1);
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (current !== null && typeof current === 'object' && own(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/** What one evaluation carries down: the items `any` has bound, and the steps left. */
interface Walk {
  ctx: RuleContext;
  items: Items | undefined;
  budget: { steps: number };
}

/** Thrown when an evaluation runs out of steps; caught by `evaluate`, which then answers false. */
const OUT_OF_STEPS = Symbol('out of steps');

function operandValue(operand: Operand, walk: Walk): unknown {
  const ctx = walk.ctx;
  if (operand !== null && typeof operand === 'object' && !Array.isArray(operand)) {
    if ('field' in operand) return readPointer(ctx.data, operand.field, ctx.indexes, walk.items);
    if ('claim' in operand) return ctx.claims && own(ctx.claims, operand.claim) ? ctx.claims[operand.claim] : undefined;
  }
  return operand;
}

export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return false;
}

/** Orders numbers with numbers and strings with strings (ISO dates compare as strings); anything else is unordered. */
function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b)) return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/**
 * Evaluates an expression. Total: any input gives true or false, never an
 * exception, so a malformed stored rule cannot break a citizen's form. (The
 * definition checks refuse malformed rules before they are stored.)
 */
export function evaluate(expr: Expr, ctx: RuleContext): boolean {
  try {
    return evaluateAt(expr, { ctx, items: undefined, budget: { steps: RULE_LIMITS.steps } }, 0);
  } catch (e) {
    if (e === OUT_OF_STEPS) return false;
    throw e;
  }
}

/** Nesting is counted as checkExpr counts it: deeper than it allows is false, never a stack overflow. */
function evaluateAt(expr: Expr, walk: Walk, depth: number): boolean {
  if (--walk.budget.steps < 0) throw OUT_OF_STEPS;
  if (typeof expr === 'boolean') return expr;
  if (depth > RULE_LIMITS.depth) return false;
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) return false;
  const keys = Object.keys(expr);
  if (keys.length !== 1) return false;
  const op = keys[0]!;
  const arg = (expr as Record<string, unknown>)[op];
  switch (op) {
    case 'and':
      return Array.isArray(arg) && arg.every((e) => evaluateAt(e as Expr, walk, depth + 1));
    case 'or':
      return Array.isArray(arg) && arg.some((e) => evaluateAt(e as Expr, walk, depth + 1));
    case 'not':
      return !evaluateAt(arg as Expr, walk, depth + 1);
    case 'empty':
      return isEmptyValue(operandValue(arg as Operand, walk));
    case 'any':
      return anyItem(arg, walk, depth);
  }
  if (!Array.isArray(arg) || arg.length !== 2) return false;
  const left = operandValue(arg[0] as Operand, walk);
  const right = operandValue(arg[1] as Operand, walk);
  switch (op) {
    case 'eq':
      return same(left, right);
    case 'ne':
      return !same(left, right);
    case 'in':
      return Array.isArray(right) && right.some((r) => same(left, r));
    case 'contains':
      return Array.isArray(left) && left.some((l) => same(l, right));
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const o = order(left, right);
      if (o === undefined) return false;
      return op === 'lt' ? o < 0 : op === 'lte' ? o <= 0 : op === 'gt' ? o > 0 : o >= 0;
    }
    default:
      return false;
  }
}

/** `{ "any": [{ "field": "/block" }, condition] }`: the condition holds for at least one item of the block. */
function anyItem(arg: unknown, walk: Walk, depth: number): boolean {
  if (!Array.isArray(arg) || arg.length !== 2) return false;
  const [block, condition] = arg as [unknown, Expr];
  if (block === null || typeof block !== 'object' || Array.isArray(block) || Object.keys(block).length !== 1)
    return false;
  const pointer = (block as { field?: unknown }).field;
  if (typeof pointer !== 'string') return false;
  const list = readPointer(walk.ctx.data, pointer, walk.ctx.indexes, walk.items);
  if (!Array.isArray(list)) return false;
  // One binding for the whole loop, moved from item to item: evaluation is synchronous and depth first.
  const items: Items = { pattern: `${pointer}/*`, index: 0, outer: walk.items };
  const inner: Walk = { ...walk, items };
  for (let i = 0; i < list.length; i++) {
    items.index = i;
    if (evaluateAt(condition, inner, depth + 1)) return true;
  }
  return false;
}
