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
 * The data without the values of hidden fields: they are never stored. `hidden` saves computing the pointers again
 * when the caller has them. The data itself is never changed (see withoutPointers).
 */
export function dropHidden(input: VisibilityInput, hidden: readonly string[] = hiddenPointers(input)): unknown {
  // A hidden array item keeps its place (null) so that the other items keep their indexes.
  return withoutPointers(input.data, hidden, 'keep-indexes');
}

/**
 * The data without the values at these pointers, deepest first so that removing one never shifts another still to
 * visit. An array item is replaced by null (`keep-indexes`: the other items' pointers stay true) or taken out
 * (`remove`). `data` is never changed: the groups and lists on the way to a removed value are copied, and the rest is
 * shared with `data` (the same object when there is nothing to remove), so what is returned is read, not written.
 * Checking a 300-field form copied all of it at each keystroke and each save.
 */
export function withoutPointers(
  data: unknown,
  pointers: readonly string[],
  arrayItems: 'keep-indexes' | 'remove' = 'keep-indexes',
): unknown {
  if (pointers.length === 0 || data === null || typeof data !== 'object') return data;
  const copies = new WeakSet<object>();
  const own = <T extends object>(node: T): T => {
    if (copies.has(node)) return node;
    const copy = (Array.isArray(node) ? node.slice() : shallowCopy(node as Record<string, unknown>)) as T;
    copies.add(copy);
    return copy;
  };
  const root = own(data);
  const ordered = [...pointers].sort((a, b) => b.length - a.length || (a < b ? 1 : -1));
  for (const pointer of ordered) {
    const segments = parseJsonPointer(pointer);
    const last = segments.pop();
    if (last === undefined) continue;
    let parent: object | undefined = root;
    for (const s of segments) {
      const child = childAt(parent, s);
      if (child === null || typeof child !== 'object') {
        parent = undefined;
        break;
      }
      const copy = own(child);
      if (copy !== child) setOwn(parent, s, copy);
      parent = copy;
    }
    if (parent === undefined) continue;
    if (Array.isArray(parent)) {
      if (!/^\d+$/.test(last) || Number(last) >= parent.length) continue;
      if (arrayItems === 'remove') parent.splice(Number(last), 1);
      else parent[Number(last)] = null;
    } else if (Object.prototype.hasOwnProperty.call(parent, last)) {
      delete (parent as Record<string, unknown>)[last];
    }
  }
  return root;
}

/** A container's own child (never one of its prototype's). */
function childAt(node: object, segment: string): unknown {
  if (Array.isArray(node)) return /^(0|[1-9]\d*)$/.test(segment) ? node[Number(segment)] : undefined;
  return Object.prototype.hasOwnProperty.call(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
}

/** A group's properties in a new object. */
function shallowCopy(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) setOwn(out, key, child);
  return out;
}

/** Sets a container's own child; a hostile `__proto__` key stays a plain key, as JSON.parse made it, never the prototype. */
function setOwn(node: object, key: string, value: unknown): void {
  if (Array.isArray(node)) node[Number(key)] = value;
  else if (key === '__proto__')
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  else (node as Record<string, unknown>)[key] = value;
}
