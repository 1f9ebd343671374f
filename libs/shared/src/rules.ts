/**
 * The rules language: a small JSON expression language for show/hide and
 * eligibility, evaluated by this one function in the browser and on the
 * server. JSON so that it is serialisable, diffable and portable; no strings
 * to parse, no code to run. See docs/definition-format.md ("Rules").
 */
import type { ErrorItem } from './errors';
import { parseJsonPointer, toJsonPointer } from './json-pointer';

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

const COMPARISONS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains'] as const;
const OPERATORS = new Set<string>([...COMPARISONS, 'empty', 'and', 'or', 'not']);
export const RULE_LIMITS = { depth: 32, nodes: 1000, listLength: 1000 } as const;

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Reads a value by JSON pointer; `*` segments take the bound indexes in order.
 * Anything that is not a pointer reads as undefined: a stored rule is checked,
 * but this also runs on whatever a browser holds.
 */
export function readPointer(data: unknown, pointer: string, indexes: readonly number[] = []): unknown {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) return undefined;
  let current = data;
  let star = 0;
  for (const raw of parseJsonPointer(pointer)) {
    const segment = raw === '*' ? String(indexes[star++] ?? -1) : raw;
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

function operandValue(operand: Operand, ctx: RuleContext): unknown {
  if (operand !== null && typeof operand === 'object' && !Array.isArray(operand)) {
    if ('field' in operand) return readPointer(ctx.data, operand.field, ctx.indexes);
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
  return evaluateAt(expr, ctx, 0);
}

/** Nesting is counted as checkExpr counts it: deeper than it allows is false, never a stack overflow. */
function evaluateAt(expr: Expr, ctx: RuleContext, depth: number): boolean {
  if (typeof expr === 'boolean') return expr;
  if (depth > RULE_LIMITS.depth) return false;
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) return false;
  const keys = Object.keys(expr);
  if (keys.length !== 1) return false;
  const op = keys[0]!;
  const arg = (expr as Record<string, unknown>)[op];
  switch (op) {
    case 'and':
      return Array.isArray(arg) && arg.every((e) => evaluateAt(e as Expr, ctx, depth + 1));
    case 'or':
      return Array.isArray(arg) && arg.some((e) => evaluateAt(e as Expr, ctx, depth + 1));
    case 'not':
      return !evaluateAt(arg as Expr, ctx, depth + 1);
    case 'empty':
      return isEmptyValue(operandValue(arg as Operand, ctx));
  }
  if (!Array.isArray(arg) || arg.length !== 2) return false;
  const left = operandValue(arg[0] as Operand, ctx);
  const right = operandValue(arg[1] as Operand, ctx);
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

export interface RuleCheckOptions {
  /** Field pointers that exist in the schema (`*` for array items). */
  fields: ReadonlySet<string>;
  /** Claims an expression may read. */
  claims: ReadonlySet<string>;
}

function isLiteral(v: unknown): v is Literal {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/**
 * Checks an expression's shape and references before it is stored. Every
 * problem comes back with a JSON pointer into the definition.
 */
export function checkExpr(expr: unknown, at: ReadonlyArray<string | number>, options: RuleCheckOptions): ErrorItem[] {
  const errors: ErrorItem[] = [];
  let nodes = 0;
  const fail = (path: ReadonlyArray<string | number>, code: string, message: string) =>
    errors.push({ pointer: toJsonPointer(path), code, message });

  const checkOperand = (operand: unknown, path: ReadonlyArray<string | number>) => {
    if (isLiteral(operand)) return;
    if (Array.isArray(operand)) {
      if (operand.length > RULE_LIMITS.listLength)
        fail(path, 'rule_list_too_long', `Liste trop longue (${RULE_LIMITS.listLength} valeurs au plus).`);
      else if (!operand.every(isLiteral)) fail(path, 'rule_operand', 'Une liste ne contient que des valeurs simples.');
      return;
    }
    if (operand !== null && typeof operand === 'object') {
      const keys = Object.keys(operand);
      const o = operand as Record<string, unknown>;
      if (keys.length === 1 && keys[0] === 'field' && typeof o.field === 'string') {
        if (!options.fields.has(o.field))
          fail([...path, 'field'], 'rule_unknown_field', `Le champ « ${o.field} » n’existe pas dans le formulaire.`);
        return;
      }
      if (keys.length === 1 && keys[0] === 'claim' && typeof o.claim === 'string') {
        if (!options.claims.has(o.claim))
          fail([...path, 'claim'], 'rule_unknown_claim', `L’information d’identité « ${o.claim} » n’existe pas.`);
        return;
      }
    }
    fail(
      path,
      'rule_operand',
      'Valeur attendue : un texte, un nombre, un booléen, une liste, { "field": … } ou { "claim": … }.',
    );
  };

  const visit = (node: unknown, path: ReadonlyArray<string | number>, depth: number) => {
    if (++nodes > RULE_LIMITS.nodes) {
      if (nodes === RULE_LIMITS.nodes + 1)
        fail(at, 'rule_too_large', `Règle trop grande (${RULE_LIMITS.nodes} éléments au plus).`);
      return;
    }
    if (depth > RULE_LIMITS.depth)
      return fail(path, 'rule_too_deep', `Règle trop imbriquée (${RULE_LIMITS.depth} niveaux au plus).`);
    if (typeof node === 'boolean') return;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      return fail(path, 'rule_shape', 'Une condition est un objet à une seule clé, par exemple { "eq": [ … , … ] }.');
    }
    const keys = Object.keys(node);
    if (keys.length !== 1 || !OPERATORS.has(keys[0]!)) {
      return fail(
        path,
        'rule_unknown_operator',
        `Opérateur inconnu : ${keys.join(', ') || '(aucun)'}. Opérateurs : ${[...OPERATORS].join(', ')}.`,
      );
    }
    const op = keys[0]!;
    const arg = (node as Record<string, unknown>)[op];
    const here = [...path, op];
    if (op === 'and' || op === 'or') {
      if (!Array.isArray(arg) || arg.length === 0)
        return fail(here, 'rule_arity', `« ${op} » attend une liste non vide de conditions.`);
      arg.forEach((e, i) => visit(e, [...here, i], depth + 1));
    } else if (op === 'not') {
      visit(arg, here, depth + 1);
    } else if (op === 'empty') {
      checkOperand(arg, here);
    } else {
      if (!Array.isArray(arg) || arg.length !== 2)
        return fail(here, 'rule_arity', `« ${op} » attend exactement deux valeurs.`);
      arg.forEach((o, i) => checkOperand(o, [...here, i]));
    }
  };

  visit(expr, at, 0);
  return errors;
}
