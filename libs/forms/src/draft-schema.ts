import { VALIDATION_KEYWORDS } from './keywords';
import { parseJsonPointer, toJsonPointer, type JsonSchema } from '@guichet/shared';

/**
 * The draft schema of a published schema: what a draft (a partial answer,
 * saved while the citizen is still filling the form) must satisfy.
 *
 * Soundness comes first: every partial answer that can still be completed
 * into a valid one is accepted. A partial answer is the final one with
 * properties and array items left out, at any depth; a scalar that is there
 * is taken as final (a bad e-mail is already wrong). So the completeness
 * constraints go (`required`, `minItems`, `minContains`, `minProperties`,
 * `dependentRequired`), and what a missing answer could still change is
 * weakened instead of kept:
 * - `oneOf` becomes `anyOf` (two branches may both fit until the answer is
 *   complete), unless every branch takes scalars only;
 * - `not` is dropped (removing `required` inside it would make it stricter),
 *   unless it rules out scalars only;
 * - `if`/`then`/`else`: when the condition can only become truer as the
 *   answer grows (it requires what it tests), it stays as written and decides
 *   `then`; `else` applies only once no completion can meet the condition;
 *   in between, neither branch is enforced;
 * - `contains` goes, unless a `maxContains` can still be checked;
 * - `const`/`enum` of objects or arrays are dropped (a part never equals the
 *   whole), compositions left with nothing to check go.
 * Everything else (types, formats, patterns, lengths, bounds, enums,
 * `additionalProperties`, `maxItems`, `uniqueItems`) is kept: it already
 * refuses what no completion can fix.
 *
 * Returns null when the schema uses references this rewriting cannot follow
 * (an embedded `$id`, a `$ref` outside this document): the caller falls back
 * to the submit schema with completeness errors ignored.
 */
export function draftSchema(schema: JsonSchema): JsonSchema | null {
  if (!isObject(schema)) return schema;
  // Without a rule that can make a completeness check conditional, ignoring completeness errors gives the same
  // verdict: no second validator (the browser's module of a common form stays half as large).
  if (!needsDraftSchema(schema)) return null;
  if (!localReferencesOnly(schema, true)) return null;
  const builder = new DraftBuilder(schema, usesKeyword(schema, UNEVALUATED));
  const out = builder.draft(schema, []) as Record<string, unknown>;
  return builder.rewriteReferences(out) ? out : null;
}

type Obj = Record<string, unknown>;

const UNEVALUATED = new Set(['unevaluatedProperties', 'unevaluatedItems']);
/** Keywords that can make an instance invalid; anything else is an annotation (title, x-hint, unknown words). */
const ASSERTING = new Set<string>([
  ...VALIDATION_KEYWORDS,
  'properties',
  'patternProperties',
  'additionalProperties',
  'propertyNames',
  'items',
  'prefixItems',
  'additionalItems',
  'contains',
  'unevaluatedItems',
  'unevaluatedProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependencies',
  '$ref',
  '$dynamicRef',
  '$recursiveRef',
  'x-file',
]);
/** Keywords that only look at strings and numbers: on a scalar, which a draft never completes, they are final. */
const SCALAR_ONLY = new Set([
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'x-file',
]);
const COMPLETENESS = new Set(['required', 'minItems', 'minProperties', 'dependentRequired', 'minContains']);
const ONE_SUBSCHEMA = ['additionalProperties', 'items', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['prefixItems', 'allOf', 'anyOf', 'oneOf'];

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** True when nothing in `schema` can make an instance invalid. */
export function isVacuous(schema: unknown): boolean {
  return schema === true || (isObject(schema) && !Object.keys(schema).some((k) => ASSERTING.has(k)));
}

/** Every subschema directly under `node`, with the path segments that lead to it. */
function* children(node: Obj): Generator<[Array<string | number>, unknown]> {
  for (const k of ONE_SUBSCHEMA) if (k in node) yield [[k], node[k]];
  for (const k of ['contains', 'not', 'if', 'then', 'else']) if (k in node) yield [[k], node[k]];
  for (const k of SUBSCHEMA_MAPS)
    if (isObject(node[k])) for (const [key, sub] of Object.entries(node[k] as Obj)) yield [[k, key], sub];
  if (isObject(node.dependencies))
    for (const [key, sub] of Object.entries(node.dependencies as Obj))
      if (isObject(sub)) yield [['dependencies', key], sub];
  for (const k of SUBSCHEMA_LISTS)
    if (Array.isArray(node[k])) for (const [i, sub] of (node[k] as unknown[]).entries()) yield [[k, i], sub];
}

function usesKeyword(node: unknown, keywords: ReadonlySet<string>): boolean {
  if (!isObject(node)) return false;
  if (Object.keys(node).some((k) => keywords.has(k))) return true;
  for (const [, sub] of children(node)) if (usesKeyword(sub, keywords)) return true;
  return false;
}

/** References this rewriting can follow: `$ref`s inside this document, no embedded resource. */
function localReferencesOnly(node: unknown, isRoot: boolean): boolean {
  if (!isObject(node)) return true;
  if (!isRoot && '$id' in node) return false;
  if ('$dynamicRef' in node || '$recursiveRef' in node || '$anchor' in node || '$dynamicAnchor' in node) return false;
  if ('$ref' in node && (typeof node.$ref !== 'string' || !node.$ref.startsWith('#'))) return false;
  for (const [, sub] of children(node)) if (!localReferencesOnly(sub, false)) return false;
  return true;
}

/**
 * Accepts scalars only (a string, a number…): on such a subschema a draft's
 * value is final, so it can be kept as written (in `not`, in `oneOf`).
 */
function scalarsOnly(schema: unknown): boolean {
  if (schema === false) return true;
  if (!isObject(schema)) return false;
  if ('const' in schema && isScalar(schema.const)) return true;
  if (Array.isArray(schema.enum) && schema.enum.every(isScalar)) return true;
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : null;
  if (types && types.every((t) => t !== 'object' && t !== 'array')) return true;
  if (Array.isArray(schema.allOf) && schema.allOf.some(scalarsOnly)) return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.every(scalarsOnly);
}

/** A subschema that can be kept as written inside a draft schema: it refers to nothing the rewriting moves. */
function keptAsWritten(schema: unknown): boolean {
  return !usesKeyword(schema, new Set(['$ref']));
}

/**
 * The condition only becomes truer as the answer grows: once a draft meets
 * it, every completion does. Holds for conditions that require what they
 * test (`required: ['a'], properties: { a: { const: 'oui' } }`), the form
 * conditional schemas are written in.
 */
function monotone(schema: unknown): boolean {
  if (typeof schema === 'boolean') return true;
  if (!isObject(schema)) return false;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as unknown[]) : []);
  for (const [k, v] of Object.entries(schema)) {
    if (!ASSERTING.has(k) || SCALAR_ONLY.has(k)) continue;
    if (k === 'type' || k === 'required' || k === 'minItems' || k === 'minProperties' || k === 'minContains') continue;
    if (k === 'const' && isScalar(v)) continue;
    if (k === 'enum' && Array.isArray(v) && v.every(isScalar)) continue;
    if (k === 'contains' && monotone(v)) continue;
    if ((k === 'allOf' || k === 'anyOf') && Array.isArray(v) && v.every(monotone)) continue;
    if (
      k === 'properties' &&
      isObject(v) &&
      Object.entries(v).every(([name, sub]) => isVacuous(sub) || (required.has(name) && monotone(sub)))
    )
      continue;
    return false;
  }
  return true;
}

class DraftBuilder {
  /** Where each subschema of the draft came from in the published schema (a JSON pointer), for `$ref`s. */
  private readonly origins = new WeakMap<object, string>();
  private copies = 0;

  constructor(
    private readonly root: Obj,
    /** With `unevaluated*`, which subschemas succeed decides what is allowed: compositions are kept whole. */
    private readonly unevaluated: boolean,
  ) {}

  draft(node: unknown, path: ReadonlyArray<string | number>): unknown {
    if (!isObject(node)) return node;
    const out: Obj = {};
    this.origins.set(out, toJsonPointer(path));
    const sub = (value: unknown, ...segments: Array<string | number>) => this.draft(value, [...path, ...segments]);
    let conditionDone = false;
    for (const [k, v] of Object.entries(node)) {
      if (COMPLETENESS.has(k)) continue;
      if (ONE_SUBSCHEMA.includes(k)) out[k] = sub(v, k);
      else if (SUBSCHEMA_MAPS.includes(k) && isObject(v)) {
        const entries = Object.entries(v).map(([key, s]) => [key, sub(s, k, key)] as const);
        // An empty dependent schema checks nothing; a property schema always stays (additionalProperties reads it).
        const kept = k === 'dependentSchemas' ? entries.filter(([, s]) => !isVacuous(s)) : entries;
        if (kept.length || k !== 'dependentSchemas') out[k] = Object.fromEntries(kept);
      } else if (k === 'dependencies' && isObject(v)) {
        // draft-07's mix of dependentRequired (lists, dropped) and dependentSchemas.
        const kept = Object.entries(v)
          .filter(([, s]) => isObject(s) || typeof s === 'boolean')
          .map(([key, s]) => [key, sub(s, k, key)] as const)
          .filter(([, s]) => !isVacuous(s));
        if (kept.length) out[k] = Object.fromEntries(kept);
      } else if (k === 'prefixItems' && Array.isArray(v)) out[k] = v.map((s, i) => sub(s, k, i));
      else if (k === 'allOf' && Array.isArray(v)) {
        const kept = v.map((s, i) => sub(s, k, i)).filter((s) => !isVacuous(s));
        if (kept.length) out.allOf = [...((out.allOf as unknown[]) ?? []), ...kept];
      } else if (k === 'anyOf' && Array.isArray(v))
        this.addAnyOf(
          out,
          v.map((s, i) => sub(s, k, i)),
        );
      else if (k === 'oneOf' && Array.isArray(v)) {
        // One branch per final answer, but a part of it may fit several: at least one is what a draft can promise.
        if (v.every(scalarsOnly) && keptAsWritten(v)) out.oneOf = v;
        else
          this.addAnyOf(
            out,
            v.map((s, i) => sub(s, k, i)),
          );
      } else if (k === 'not') {
        if (scalarsOnly(v) && keptAsWritten(v)) out.not = v;
      } else if (k === 'if' || k === 'then' || k === 'else') {
        if (!conditionDone) this.addCondition(out, node, path);
        conditionDone = true;
      } else if (k === 'contains') this.addContains(out, node);
      else if (k === 'maxContains')
        continue; // with contains
      else if (k === 'const' || k === 'enum') {
        const values = k === 'const' ? [v] : Array.isArray(v) ? v : [];
        if (values.every(isScalar)) out[k] = v;
      } else out[k] = v;
    }
    return out;
  }

  /**
   * `contains` loses its minimum. Its maximum still binds when the draft can
   * only count items that every completion will count too: a monotone
   * subschema, kept as written. (ajv ignores a `contains` with neither
   * minimum nor maximum, annotations included: otherwise it goes.)
   */
  private addContains(out: Obj, node: Obj): void {
    const condition = node.contains;
    if ('maxContains' in node && monotone(condition) && keptAsWritten(condition)) {
      out.contains = condition;
      out.minContains = 0;
      out.maxContains = node.maxContains;
    }
  }

  /** `anyOf` in the draft: gone when a branch checks nothing (unless other branches' annotations matter). */
  private addAnyOf(out: Obj, branches: unknown[]): void {
    const vacuous = branches.filter(isVacuous).length;
    if (vacuous === branches.length || (vacuous > 0 && !this.unevaluated)) return;
    if (out.anyOf === undefined) out.anyOf = branches;
    else out.allOf = [...((out.allOf as unknown[]) ?? []), { anyOf: branches }];
  }

  private addCondition(out: Obj, node: Obj, path: ReadonlyArray<string | number>): void {
    if (!('if' in node)) return; // then/else without if are ignored by JSON Schema
    const condition = node.if;
    const draftOf = (k: string) => {
      if (!(k in node)) return undefined;
      const d = this.draft(node[k], [...path, k]);
      return isVacuous(d) ? undefined : d;
    };
    const thenDraft = draftOf('then');
    const elseDraft = draftOf('else');
    if (thenDraft === undefined && elseDraft === undefined) return;
    const steady = monotone(condition) && keptAsWritten(condition);
    if (this.unevaluated) {
      // Every branch that may still apply stays in place, so that what it evaluates stays evaluated.
      const maybeThen = { allOf: [this.draft(condition, [...path, 'if']), thenDraft ?? true] };
      const maybeElse = steady ? { allOf: [{ not: condition }, elseDraft ?? true] } : (elseDraft ?? true);
      this.addAnyOf(out, [maybeThen, maybeElse]);
      return;
    }
    if (steady) {
      out.if = condition;
      if (thenDraft !== undefined) out.then = thenDraft;
      // Not met yet but could be: neither branch binds. Met by no completion: else does.
      if (elseDraft !== undefined) out.else = { if: this.draft(condition, [...path, 'if']), else: elseDraft };
    } else if (elseDraft !== undefined) {
      // A condition a later answer may falsify: only else binds, once no completion can meet it.
      out.if = this.draft(condition, [...path, 'if']);
      out.else = elseDraft;
    }
  }

  /**
   * `$ref`s point into the published schema; the draft moved or dropped some
   * subschemas. Each reference is pointed at the draft of its target, which
   * is added under `$defs` when the target did not survive where it was.
   * False when a reference cannot be resolved.
   */
  rewriteReferences(out: Obj): boolean {
    for (let round = 0; round < 1000; round++) {
      const places = this.places(out);
      const missing = new Set<string>();
      forEachNode(out, (node) => {
        if (typeof node.$ref === 'string' && !places.has(fragmentPointer(node.$ref)))
          missing.add(fragmentPointer(node.$ref));
      });
      if (missing.size === 0) {
        forEachNode(out, (node) => {
          if (typeof node.$ref !== 'string') return;
          const old = fragmentPointer(node.$ref);
          const now = places.get(old)!;
          if (now !== old) node.$ref = toFragment(now);
        });
        return true;
      }
      for (const pointer of missing) {
        const target = resolve(this.root, pointer);
        if (target === undefined) return false;
        const defs = isObject(out.$defs) ? out.$defs : (out.$defs = {});
        let key: string;
        do key = `guichet-draft-${++this.copies}`;
        while (key in defs);
        const copy = this.draft(target, parseJsonPointer(pointer));
        // A boolean target has no place to remember: a wrapper stands for it.
        const wrapper = isObject(copy) ? copy : { allOf: [copy] };
        this.origins.set(wrapper, pointer);
        defs[key] = wrapper;
      }
    }
    return false;
  }

  /** Published pointer → draft pointer, for every draft subschema that came from one. */
  private places(out: Obj): Map<string, string> {
    const places = new Map<string, string>();
    const walk = (node: unknown, path: Array<string | number>) => {
      if (!isObject(node)) return;
      const origin = this.origins.get(node);
      if (origin !== undefined) places.set(origin, toJsonPointer(path));
      for (const [segments, sub] of children(node)) walk(sub, [...path, ...segments]);
    };
    walk(out, []);
    return places;
  }
}

function forEachNode(node: unknown, visit: (node: Obj) => void): void {
  if (!isObject(node)) return;
  visit(node);
  for (const [, sub] of children(node)) forEachNode(sub, visit);
}

/** `#/$defs/a%20b` → `/$defs/a b` (normalised). */
function fragmentPointer(ref: string): string {
  try {
    return toJsonPointer(parseJsonPointer(decodeURIComponent(ref.slice(1))));
  } catch {
    return ref;
  }
}

function toFragment(pointer: string): string {
  return (
    '#' +
    pointer
      .split('/')
      .map((s) => encodeURIComponent(s).replace(/%24/g, '$'))
      .join('/')
  );
}

function resolve(root: unknown, pointer: string): unknown {
  let segments: string[];
  try {
    segments = parseJsonPointer(pointer);
  } catch {
    return undefined;
  }
  let node = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, segment))
      return undefined;
    node = (node as Obj)[segment];
  }
  return node;
}

const COMPOSITIONS = ['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'contains'];

const isScalarValue = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** A `oneOf`/`anyOf` that lists values (each branch a `const` or a one-value `enum`, with a title): a choice, not a rule. */
function listsValues(list: unknown): boolean {
  return (
    Array.isArray(list) &&
    list.every(
      (b) =>
        isObject(b) &&
        Object.keys(b).every((k) => ['const', 'enum', 'title', 'description', 'type', '$comment'].includes(k)) &&
        ('const' in b || (Array.isArray(b.enum) && b.enum.length === 1)),
    )
  );
}

/**
 * Whether drafts need a schema of their own: some composition or condition
 * (other than a list of values), or a `const`/`enum` of objects or arrays
 * that a partial answer cannot equal yet.
 */
export function needsDraftSchema(schema: unknown): boolean {
  const stack: unknown[] = [schema];
  let budget = 50_000;
  while (stack.length > 0 && budget-- > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (!isObject(node)) continue;
    for (const keyword of COMPOSITIONS) {
      if (node[keyword] === undefined) continue;
      if ((keyword === 'oneOf' || keyword === 'anyOf') && listsValues(node[keyword])) continue;
      return true;
    }
    if ('const' in node && !isScalarValue(node.const)) return true;
    if (Array.isArray(node.enum) && !node.enum.every(isScalarValue)) return true;
    for (const [key, value] of Object.entries(node))
      if (key !== 'enum' && key !== 'const' && typeof value === 'object') stack.push(value);
  }
  return budget <= 0;
}
