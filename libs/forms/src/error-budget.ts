import { parseJsonPointer, type JsonSchema } from '@guichet/shared';
import { VALIDATION_KEYWORDS } from './keywords';

/**
 * An upper bound on how many errors ajv (with `allErrors`) can report for an
 * answer, counted without validating: each value of the answer meets the
 * subschemas that apply where it sits (those of its property or item, and of
 * the compositions, conditions and `$ref`s around them), and each of those
 * can report at most one error per asserting keyword, or one per name for
 * `required`. Counting stops as soon as the bound passes the budget, so the
 * estimate itself costs at most `budget` steps.
 *
 * Why: listing every problem builds one error object per problem. An answer of
 * 20,000 list items can make 40,000 (50 ms, then 300 ms to word them); a
 * megabyte of empty items under a schema requiring many fields, millions.
 * Past the budget, the validator stops at the first problem instead.
 */
export class ErrorEstimate {
  private readonly positions = new Map<string, Position>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  constructor(private readonly root: JsonSchema) {}

  /** True when validating `data` cannot produce more than `budget` errors. */
  fits(data: unknown, budget: number): boolean {
    let total = 0;
    let steps = 0;
    // Each entry: a value, where it sits, and whether its own weight was already counted (list items, in bulk); in
    // three stacks rather than a stack of triples, which made one small array per answer at every validation.
    const values: unknown[] = [data];
    const positions: Position[] = [this.position([this.root])];
    const counted: boolean[] = [false];
    while (values.length) {
      const value = values.pop();
      const position = positions.pop()!;
      if (!counted.pop()) total += position.weight;
      // The walk itself is bounded too: an answer of more values than that is not listed in full whatever it holds.
      if (total > budget || ++steps > MAX_STEPS) return false;
      if (Array.isArray(value)) {
        // Items past the tuple's prefix all sit in one place: counted at once, before walking any.
        const first = Math.min(position.prefixLength, value.length);
        const rest = position.item(first);
        total += (value.length - first) * rest.weight;
        steps += value.length;
        if (total > budget || steps > MAX_STEPS) return false;
        for (let i = value.length - 1; i >= first; i--) {
          values.push(value[i]);
          positions.push(rest);
          counted.push(true);
        }
        for (let i = first - 1; i >= 0; i--) {
          values.push(value[i]);
          positions.push(position.item(i));
          counted.push(false);
        }
      } else if (value !== null && typeof value === 'object') {
        const group = value as Record<string, unknown>;
        for (const key of Object.keys(group)) {
          const child = group[key];
          // A text, number or yes/no adds its place's weight and nothing under it: counted without a turn of the loop.
          if (child === null || typeof child !== 'object') {
            total += position.property(key).weight;
            if (total > budget || ++steps > MAX_STEPS) return false;
            continue;
          }
          values.push(child);
          positions.push(position.property(key));
          counted.push(false);
        }
      }
    }
    return true;
  }

  /** The position where the schemas `nodes` apply, with everything they pull in place. */
  position(nodes: unknown[]): Position {
    const applied = this.closure(nodes);
    const key = applied.map((n) => this.id(n)).join(',');
    let position = this.positions.get(key);
    if (!position) {
      position = new Position(applied, this);
      this.positions.set(key, position);
    }
    return position;
  }

  private id(node: object): number {
    let id = this.ids.get(node);
    if (id === undefined) this.ids.set(node, (id = this.nextId++));
    return id;
  }

  /** Subschemas that apply to the same value: through allOf/anyOf/oneOf/not/if/then/else/dependentSchemas/$ref. */
  private closure(nodes: unknown[]): Obj[] {
    const seen = new Set<Obj>();
    const visit = (node: unknown) => {
      if (!isObject(node) || seen.has(node)) return;
      seen.add(node);
      for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(node[k])) (node[k] as unknown[]).forEach(visit);
      for (const k of ['not', 'if', 'then', 'else']) visit(node[k]);
      for (const k of ['dependentSchemas', 'dependencies'])
        if (isObject(node[k])) Object.values(node[k] as Obj).forEach(visit);
      if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) visit(this.resolve(node.$ref));
    };
    nodes.forEach(visit);
    // `false` refuses anything: one error, counted as a weight of one by a stand-in.
    if (nodes.includes(false)) seen.add(FALSE_SCHEMA);
    return [...seen];
  }

  private resolve(ref: string): unknown {
    try {
      let node: unknown = this.root;
      for (const segment of parseJsonPointer(decodeURIComponent(ref.slice(1)))) {
        if (!isObject(node) && !Array.isArray(node)) return undefined;
        node = (node as Obj)[segment];
      }
      return node;
    } catch {
      return undefined;
    }
  }
}

type Obj = Record<string, unknown>;
const MAX_STEPS = 100_000;
const FALSE_SCHEMA: Obj = { not: {} };

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Keywords that report an error of their own (their subschemas' errors are counted where those apply): the
 * validation vocabulary (./keywords.ts) but the ones counted name by name (`required`, `dependentRequired`,
 * in `weightOf`) and the bounds ajv reports under `contains`, plus the applicators that fail as a whole.
 */
const REPORTING = new Set<string>([
  ...VALIDATION_KEYWORDS.filter(
    (k) => k !== 'required' && k !== 'dependentRequired' && k !== 'minContains' && k !== 'maxContains',
  ),
  'contains',
  'propertyNames',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'x-file',
]);

/** Errors one subschema can report on one value, besides those of its subschemas. */
function weightOf(node: Obj): number {
  if (node === FALSE_SCHEMA) return 1;
  let weight = 0;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'required' && Array.isArray(v)) weight += v.length;
    else if ((k === 'dependentRequired' || k === 'dependencies') && isObject(v))
      for (const names of Object.values(v)) weight += Array.isArray(names) ? names.length : 0;
    else if (REPORTING.has(k)) weight += 1;
  }
  return weight;
}

class Position {
  readonly weight: number;
  /** The longest `prefixItems` here: items past it all sit in the same place. */
  readonly prefixLength: number;
  private readonly properties = new Map<string, Position>();
  private readonly items = new Map<number, Position>();
  private other?: Position;

  constructor(
    private readonly nodes: Obj[],
    private readonly estimate: ErrorEstimate,
  ) {
    this.weight = nodes.reduce((sum, node) => sum + weightOf(node), 0);
    this.prefixLength = Math.max(0, ...nodes.map((n) => (Array.isArray(n.prefixItems) ? n.prefixItems.length : 0)));
  }

  property(key: string): Position {
    // Looked up first: a named property's place is asked for at every answer of every validation.
    const known = this.properties.get(key);
    if (known) return known;
    const named = this.nodes.some(
      (n) => isObject(n.properties) && Object.prototype.hasOwnProperty.call(n.properties, key),
    );
    if (!named) return (this.other ??= this.childOf(key));
    const position = this.childOf(key);
    this.properties.set(key, position);
    return position;
  }

  /** The subschemas a property's value meets; every pattern is assumed to match (an overestimate is safe). */
  private childOf(key: string): Position {
    const nodes: unknown[] = [];
    for (const n of this.nodes) {
      const named = isObject(n.properties) && Object.prototype.hasOwnProperty.call(n.properties, key);
      if (named) nodes.push((n.properties as Obj)[key]);
      if (isObject(n.patternProperties)) nodes.push(...Object.values(n.patternProperties));
      if (!named) nodes.push(n.additionalProperties, n.unevaluatedProperties);
      nodes.push(n.propertyNames);
    }
    return this.estimate.position(nodes.filter((s) => s !== undefined));
  }

  item(index: number): Position {
    const slot = Math.min(index, this.prefixLength);
    let position = this.items.get(slot);
    if (!position) {
      const nodes: unknown[] = [];
      for (const n of this.nodes) {
        const prefix = Array.isArray(n.prefixItems) ? (n.prefixItems as unknown[]) : [];
        nodes.push(slot < prefix.length ? prefix[slot] : n.items, n.contains, n.unevaluatedItems);
      }
      this.items.set(slot, (position = this.estimate.position(nodes.filter((s) => s !== undefined))));
    }
    return position;
  }
}
