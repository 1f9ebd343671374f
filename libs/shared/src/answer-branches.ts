/**
 * What the answer formatters need to read an answer against a schema with
 * conditions and alternatives when RJSF's semantics are not loaded: which
 * branch the answers took, and the fields only branches declare.
 */
import { NO_UI, resolve, typeOf, uiChild, type Schema, type Ui } from './field-model';
import { branchEntries } from './labels';

export const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export const asSchema = (v: unknown): Schema => (isRecord(v) ? v : {});

/**
 * Which branch of a `oneOf`/`anyOf` answers fit, without RJSF's semantics (a
 * page that has not loaded them): the branch whose `const`s agree and that
 * names the most of the answers' keys; for a single value, the first branch
 * of its JSON type. RJSF's `getClosestMatchingOption` decides when loaded.
 */
export function guessBranch(root: Schema, branches: Schema[], value: unknown): number {
  if (!isRecord(value)) {
    const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const found = branches.findIndex((b) => {
      const t = typeOf(b);
      return t === type || (t === 'integer' && type === 'number' && Number.isInteger(value));
    });
    return Math.max(0, found);
  }
  let best = 0;
  let bestScore = -Infinity;
  branches.forEach((branch, i) => {
    let score = 0;
    for (const [key, raw] of Object.entries(asSchema(branch.properties))) {
      if (!Object.hasOwn(value, key)) continue;
      const property = resolve(root, asSchema(raw));
      if (property.const !== undefined) score += property.const === value[key] ? 10 : -100;
      else score += 1;
    }
    if (Array.isArray(branch.required))
      for (const key of branch.required as unknown[])
        if (typeof key === 'string' && !Object.hasOwn(value, key)) score--;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

/**
 * The properties only branches declare, in the order they come, the first declaration of each, each with its
 * uiSchema taken from its branch's (`branchEntries`: RJSF 6's per-branch uiSchema for `oneOf`/`anyOf`).
 */
export function branchProperties(
  root: Schema,
  schema: Schema,
  known: Set<string>,
  depth = 0,
  alternatives = true,
  ui: Ui = NO_UI,
): Array<[string, Schema, Ui]> {
  if (depth > 8) return [];
  const out: Array<[string, Schema, Ui]> = [];
  for (const entry of branchEntries(schema, ui, alternatives)) {
    if (!isRecord(entry.branch)) continue;
    const branch = resolve(root, entry.branch);
    for (const [key, sub] of Object.entries(asSchema(branch.properties)))
      if (!known.has(key)) {
        known.add(key);
        out.push([key, asSchema(sub), uiChild(entry.ui, key)]);
      }
    out.push(...branchProperties(root, branch, known, depth + 1, alternatives, entry.ui));
  }
  return out;
}
