/** True when `value` nests deeper than `limit`; iterative, so any input is safe. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** What makes a parsed request body unusable whatever the route (see `jsonBodyProblem`). */
export type JsonBodyProblem = { kind: 'too-deep' } | { kind: 'nul' | 'surrogate'; path: string[] };

/**
 * Half of a UTF-16 surrogate pair left alone. JSON may carry one (`"\\ud800"`) and JavaScript holds it, but it is no
 * Unicode character: `jsonb` refuses it (and `text` would store U+FFFD in its place).
 */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorable(text: string): 'nul' | 'surrogate' | undefined {
  if (text.includes('\u0000')) return 'nul';
  return LONE_SURROGATE.test(text) ? 'surrogate' : undefined;
}

/**
 * The first thing found in `value` that no route can take: nesting deeper than `limit` (as `depthExceeds`), or a
 * NUL character (U+0000) or a lone surrogate in a string or a key, with its path. PostgreSQL's `text` and `jsonb`
 * cannot hold U+0000, nor `jsonb` a lone surrogate: left in, either reaches a statement and fails there, as a 500, on
 * whichever route stores it. One walk for all, on every body; iterative, so any input is safe.
 */
export function jsonBodyProblem(value: unknown, limit: number): JsonBodyProblem | undefined {
  interface Entry {
    node: unknown;
    depth: number;
    parent?: Entry;
    key?: string;
  }
  const pathOf = (entry: Entry | undefined, tail: string[] = []): string[] => {
    const path = tail;
    for (let at = entry; at?.parent; at = at.parent) path.unshift(at.key!);
    return path;
  };
  const stack: Entry[] = [{ node: value, depth: 0 }];
  while (stack.length) {
    const entry = stack.pop()!;
    const { node, depth } = entry;
    if (typeof node === 'string') {
      const kind = unstorable(node);
      if (kind) return { kind, path: pathOf(entry) };
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return { kind: 'too-deep' };
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++)
        stack.push({ node: node[i], depth: depth + 1, parent: entry, key: String(i) });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      const kind = unstorable(key);
      if (kind) return { kind, path: pathOf(entry, [key]) };
      stack.push({ node: child, depth: depth + 1, parent: entry, key });
    }
  }
  return undefined;
}
