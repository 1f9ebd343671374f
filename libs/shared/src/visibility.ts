import type { ServiceDefinition } from './definition';
import { parseJsonPointer, toJsonPointer } from './json-pointer';
import { evaluate } from './rules';

export interface VisibilityInput {
  definition: Pick<ServiceDefinition, 'pages' | 'rules'>;
  data: unknown;
  claims?: Readonly<Record<string, unknown>>;
}

/**
 * Expands a target pointer with `*` segments into the concrete pointers that
 * exist in the data, each with the indexes its `*`s stand for.
 */
function expand(data: unknown, pointer: string): Array<{ pointer: string; indexes: number[] }> {
  let frontier: Array<{ node: unknown; path: Array<string | number>; indexes: number[] }> = [
    { node: data, path: [], indexes: [] },
  ];
  for (const segment of parseJsonPointer(pointer)) {
    const next: typeof frontier = [];
    for (const { node, path, indexes } of frontier) {
      if (segment === '*') {
        if (Array.isArray(node))
          node.forEach((item, i) => next.push({ node: item, path: [...path, i], indexes: [...indexes, i] }));
      } else if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
        next.push({ node: (node as Record<string, unknown>)[segment], path: [...path, segment], indexes });
      } else {
        next.push({ node: undefined, path: [...path, segment], indexes });
      }
    }
    frontier = next;
  }
  return frontier.map(({ path, indexes }) => ({ pointer: toJsonPointer(path), indexes }));
}

/**
 * The concrete pointers (into this submission) of everything hidden by the
 * rules: fields, groups, and every field of a hidden page. The same function
 * decides in the browser what to show and on the server what to drop.
 */
export function hiddenPointers({ definition, data, claims }: VisibilityInput): string[] {
  const hidden = new Set<string>();
  for (const rule of definition.rules?.visibility ?? []) {
    if (rule.target.startsWith('page:')) {
      const page = definition.pages.find((p) => p.id === rule.target.slice(5));
      if (page && !evaluate(rule.when, { data, claims })) {
        for (const field of page.fields) hidden.add(toJsonPointer([field]));
      }
      continue;
    }
    for (const { pointer, indexes } of expand(data, rule.target)) {
      if (!evaluate(rule.when, { data, claims, indexes })) hidden.add(pointer);
    }
  }
  return [...hidden].sort();
}

/** Ids of the pages the citizen sees, in order. */
export function visiblePages({ definition, data, claims }: VisibilityInput): string[] {
  const hiddenPages = new Set(
    (definition.rules?.visibility ?? [])
      .filter((r) => r.target.startsWith('page:') && !evaluate(r.when, { data, claims }))
      .map((r) => r.target.slice(5)),
  );
  return definition.pages.filter((p) => !hiddenPages.has(p.id)).map((p) => p.id);
}

/**
 * A copy of the data without the values of hidden fields: they are never
 * stored. `hidden` saves computing the pointers again when the caller has them.
 */
export function dropHidden(input: VisibilityInput, hidden: readonly string[] = hiddenPointers(input)): unknown {
  // A hidden array item keeps its place (null) so that the other items keep their indexes.
  return withoutPointers(input.data, hidden, 'keep-indexes');
}

/**
 * A copy of the data without the values at these pointers, deepest first so
 * that removing one never shifts another still to visit. An array item is
 * replaced by null (`keep-indexes`: the other items' pointers stay true) or
 * taken out (`remove`).
 */
export function withoutPointers(
  data: unknown,
  pointers: readonly string[],
  arrayItems: 'keep-indexes' | 'remove' = 'keep-indexes',
): unknown {
  const copy = cloneJson(data);
  const ordered = [...pointers].sort((a, b) => b.length - a.length || (a < b ? 1 : -1));
  for (const pointer of ordered) {
    const segments = parseJsonPointer(pointer);
    const last = segments.pop();
    let parent: unknown = copy;
    for (const s of segments)
      parent = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[s] : undefined;
    if (last === undefined || parent === null || typeof parent !== 'object') continue;
    if (Array.isArray(parent)) {
      if (!/^\d+$/.test(last) || Number(last) >= parent.length) continue;
      if (arrayItems === 'remove') parent.splice(Number(last), 1);
      else parent[Number(last)] = null;
    } else if (Object.prototype.hasOwnProperty.call(parent, last)) {
      delete (parent as Record<string, unknown>)[last];
    }
  }
  return copy;
}

/**
 * A copy of JSON data. Not structuredClone: its arrays and objects come from
 * the main realm, which a deep-equal that compares constructors (ajv's, for
 * `const` and `enum` of objects and arrays) tells apart from the schema's
 * when the two realms differ (jest's, a worker's).
 */
function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // A hostile `__proto__` key stays a plain key, as JSON.parse made it, never the copy's prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: cloneJson(child),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = cloneJson(child);
  }
  return out;
}
