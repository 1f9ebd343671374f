import { parseJsonPointer, toJsonPointer } from '@guichet/shared';

/** Keywords whose subschemas apply to the same value as their parent (no step into the answers). */
const SAME_VALUE = ['not', 'if', 'then', 'else'];
const SAME_VALUE_LIST = ['allOf', 'anyOf', 'oneOf'];
const SAME_VALUE_MAP = ['dependentSchemas'];

/**
 * A cycle of `$ref`s (through allOf, not, if…) that comes back to a schema
 * without descending into the data makes ajv recurse until the stack
 * overflows on the first answer, or while compiling: found here, iteratively,
 * as a cycle in the graph of "applies to the same value" edges. Returns the
 * place of the `$ref` that closes it.
 */
export function refLoop(
  schema: unknown,
  locations: ReadonlyArray<ReadonlyArray<string | number>>,
): ReadonlyArray<string | number> | undefined {
  return cycleOfRefs(schema, locations, SAME_VALUE, SAME_VALUE_LIST, SAME_VALUE_MAP);
}

/**
 * A group that contains itself: a cycle of `$ref`s through `properties` (and
 * `allOf`) only. Valid JSON Schema, and ajv follows the answers, but a form
 * draws every field of a group at once, so the page would draw the group
 * inside itself without end (Chromium's tab crashed on
 * `{ "properties": { "conjoint": { "$ref": "#" } } }`). A repetition through
 * a list's `items` (drawn when the citizen adds one), a choice (`oneOf`,
 * `anyOf`: one branch is drawn, and one can be empty), a condition or a free
 * entry is drawn only when answered, and stays allowed. Returns the place of
 * the `$ref` that closes the cycle.
 */
export function drawnLoop(
  schema: unknown,
  locations: ReadonlyArray<ReadonlyArray<string | number>>,
): ReadonlyArray<string | number> | undefined {
  return cycleOfRefs(schema, locations, [], ['allOf'], ['properties']);
}

function cycleOfRefs(
  schema: unknown,
  locations: ReadonlyArray<ReadonlyArray<string | number>>,
  single: readonly string[],
  lists: readonly string[],
  maps: readonly string[],
): ReadonlyArray<string | number> | undefined {
  const nodeAt = (path: ReadonlyArray<string | number>): Record<string, unknown> | undefined => {
    let node: unknown = schema;
    for (const key of path) {
      if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return;
      node = (node as Record<string, unknown>)[key];
    }
    return node !== null && typeof node === 'object' && !Array.isArray(node)
      ? (node as Record<string, unknown>)
      : undefined;
  };
  const next = (path: ReadonlyArray<string | number>): Array<ReadonlyArray<string | number>> => {
    const node = nodeAt(path);
    if (!node) return [];
    const out: Array<ReadonlyArray<string | number>> = [];
    for (const key of single) if (Object.prototype.hasOwnProperty.call(node, key)) out.push([...path, key]);
    for (const key of lists) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((_, i) => out.push([...path, key, i]));
    }
    for (const key of maps) {
      const map = node[key];
      if (map !== null && typeof map === 'object' && !Array.isArray(map))
        for (const name of Object.keys(map)) out.push([...path, key, name]);
    }
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#')) {
      try {
        const fragment = decodeURIComponent(ref.slice(1));
        if (fragment === '' || fragment.startsWith('/')) out.push(parseJsonPointer(fragment));
      } catch {
        // A malformed reference: ajv refuses it when compiling.
      }
    }
    return out;
  };
  const key = (path: ReadonlyArray<string | number>) => toJsonPointer(path);
  const state = new Map<string, 'open' | 'done'>();
  for (const start of locations) {
    if (state.has(key(start))) continue;
    const stack: Array<{ path: ReadonlyArray<string | number>; edges: Array<ReadonlyArray<string | number>> }> = [
      { path: start, edges: next(start) },
    ];
    state.set(key(start), 'open');
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const edge = top.edges.pop();
      if (!edge) {
        state.set(key(top.path), 'done');
        stack.pop();
        continue;
      }
      const seen = state.get(key(edge));
      if (seen === 'open') {
        // The cycle is the stack from `edge` up: name one of its $refs (structural edges alone never loop).
        const cycle = stack.slice(stack.findIndex((entry) => key(entry.path) === key(edge)));
        return (cycle.find((entry) => typeof nodeAt(entry.path)?.$ref === 'string') ?? top).path;
      }
      if (seen === 'done') continue;
      state.set(key(edge), 'open');
      stack.push({ path: edge, edges: next(edge) });
    }
  }
  return undefined;
}
