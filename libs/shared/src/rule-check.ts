/**
 * Checking a rule before it is stored (the studio, the import, the API's checks of a definition): apart from
 * ./rules.ts, whose evaluation the citizen's form page runs, so that the form page does not download it (issue 22).
 */
import type { ErrorItem } from './errors';
import { encodePointerSegment, parseJsonPointer, toJsonPointer } from './json-pointer';
import { RULE_LIMITS, type Literal } from './rules';

const COMPARISONS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains'] as const;
const OPERATORS = new Set<string>([...COMPARISONS, 'empty', 'any', 'and', 'or', 'not']);

export interface RuleCheckOptions {
  /** Field pointers that exist in the schema (`*` for array items). */
  fields: ReadonlySet<string>;
  /** Claims an expression may read. */
  claims: ReadonlySet<string>;
  /**
   * The items the rule's place already stands for: `['/children/*']` for a
   * condition on `/children/*\/substitute`, none for eligibility, routing or
   * a page. When given, a field inside a repeatable block must say which item
   * it reads: one of these, one bound by an enclosing `any`, or a number
   * (`/children/0/school`, the first). Without it, `*` is not checked.
   */
  items?: readonly string[];
}

/** `/children/0/school` names the field `/children/*\/school`: numbers where the schema has items. */
function schemaPointer(pointer: string, fields: ReadonlySet<string>): string | undefined {
  if (fields.has(pointer)) return pointer;
  if (!pointer.startsWith('/')) return undefined;
  const segments = parseJsonPointer(pointer);
  let known: string[] = [];
  for (const segment of segments) {
    const as = [...known, segment];
    if (fields.has(toJsonPointer(as))) known = as;
    else if (/^(0|[1-9]\d*)$/.test(segment) && fields.has(toJsonPointer([...known, '*']))) known = [...known, '*'];
    else return undefined;
  }
  return toJsonPointer(known);
}

/** The first `*` of the pointer that nothing binds, as the pattern up to it (`/children/*`), or undefined. */
function unboundItem(pointer: string, bound: ReadonlySet<string>): string | undefined {
  if (!pointer.startsWith('/')) return undefined;
  let pattern = '';
  for (const raw of parseJsonPointer(pointer)) {
    pattern += `/${encodePointerSegment(raw)}`;
    if (raw === '*' && !bound.has(pattern)) return pattern;
  }
  return undefined;
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

  const checkField = (
    pointer: string,
    path: ReadonlyArray<string | number>,
    bound: ReadonlySet<string> | undefined,
  ) => {
    const field = schemaPointer(pointer, options.fields);
    if (field === undefined)
      return fail([...path, 'field'], 'rule_unknown_field', `Le champ « ${pointer} » n’existe pas dans le formulaire.`);
    const free = bound && unboundItem(pointer, bound);
    if (free)
      fail(
        [...path, 'field'],
        'rule_unbound_item',
        `Le champ « ${pointer} » est dans un bloc répétable : dites de quel élément il s’agit, ` +
          `« au moins un » ({ "any": [{ "field": "${free.slice(0, -2)}" }, …] }) ou le premier (${free.slice(0, -1)}0).`,
      );
  };

  const checkOperand = (operand: unknown, path: ReadonlyArray<string | number>, bound?: ReadonlySet<string>) => {
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
      if (keys.length === 1 && keys[0] === 'field' && typeof o.field === 'string')
        return checkField(o.field, path, bound);
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

  /** `{ "any": [{ "field": "/block" }, condition] }`: a repeatable block, then a condition that may read its items. */
  const checkAny = (arg: unknown, here: ReadonlyArray<string | number>, depth: number, bound?: ReadonlySet<string>) => {
    if (!Array.isArray(arg) || arg.length !== 2)
      return fail(
        here,
        'rule_arity',
        '« any » attend deux éléments : le bloc répétable ({ "field": "/bloc" }) puis la condition sur ses éléments.',
      );
    const block = arg[0] as unknown;
    const pointer =
      block !== null && typeof block === 'object' && !Array.isArray(block) && Object.keys(block).length === 1
        ? (block as { field?: unknown }).field
        : undefined;
    if (typeof pointer !== 'string')
      return fail([...here, 0], 'rule_operand', '« any » lit un bloc répétable : { "field": "/bloc" }.');
    const errorsBefore = errors.length;
    checkField(pointer, [...here, 0], bound);
    if (errors.length > errorsBefore) return;
    const field = schemaPointer(pointer, options.fields)!;
    if (!options.fields.has(`${field}/*`))
      return fail(
        [...here, 0, 'field'],
        'rule_not_a_list',
        `Le champ « ${pointer} » n’est pas un bloc répétable ni une liste : « any » n’a pas d’éléments à parcourir.`,
      );
    visit(arg[1], [...here, 1], depth + 1, bound && new Set([...bound, `${pointer}/*`]));
  };

  const visit = (node: unknown, path: ReadonlyArray<string | number>, depth: number, bound?: ReadonlySet<string>) => {
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
      arg.forEach((e, i) => visit(e, [...here, i], depth + 1, bound));
    } else if (op === 'not') {
      visit(arg, here, depth + 1, bound);
    } else if (op === 'any') {
      checkAny(arg, here, depth, bound);
    } else if (op === 'empty') {
      checkOperand(arg, here, bound);
    } else {
      if (!Array.isArray(arg) || arg.length !== 2)
        return fail(here, 'rule_arity', `« ${op} » attend exactement deux valeurs.`);
      arg.forEach((o, i) => checkOperand(o, [...here, i], bound));
    }
  };

  visit(expr, at, 0, options.items && new Set(options.items));
  return errors;
}
