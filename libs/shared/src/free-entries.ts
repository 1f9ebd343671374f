/**
 * Free entries of an object: answers under names the citizen chooses, as RJSF
 * offers them (`canExpand`, `retrieveSchema`'s stubs). An object takes them
 * when `additionalProperties` allows them or `patternProperties` names some;
 * an entry's schema is the one of every pattern its name matches, otherwise
 * `additionalProperties`' own. Shared by the form, the review page, the desk,
 * the exports and the receipt, so each reads an entry with the same schema.
 */
import type { Schema } from './field-model';

const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The schema's patterns, compiled once each (the policy has checked them: RE2-compatible, safe with flag `u`). */
const compiled = new Map<string, RegExp | null>();
function pattern(source: string): RegExp | null {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, 'u');
    } catch {
      re = null;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

const patternSchemas = (schema: Schema): Array<[string, Schema]> =>
  isSchema(schema.patternProperties)
    ? Object.entries(schema.patternProperties).filter((e): e is [string, Schema] => isSchema(e[1]))
    : [];

/** Whether the object takes entries under names the citizen chooses. */
export function takesFreeEntries(schema: Schema): boolean {
  const extra = schema.additionalProperties;
  return (extra !== undefined && extra !== false) || patternSchemas(schema).length > 0;
}

/**
 * The schema of the free entry `name`: the schemas of the patterns it matches
 * (all of them, as JSON Schema applies them), else `additionalProperties`'.
 * Without a name (an entry being added), the schema a new entry most likely
 * takes: `additionalProperties`' own, else the first pattern's.
 */
export function freeEntrySchema(schema: Schema, name?: string): Schema {
  const patterns = patternSchemas(schema);
  const extra = schema.additionalProperties;
  const open = isSchema(extra) ? extra : extra === true ? {} : undefined;
  if (name !== undefined) {
    const matching = patterns.filter(([source]) => pattern(source)?.test(name)).map(([, sub]) => sub);
    if (matching.length === 1) return matching[0]!;
    // Validation applies them all (ajv); what is drawn takes their keywords together, the later ones last.
    if (matching.length > 1) return Object.assign({}, ...matching) as Schema;
  }
  if (open) return open;
  return patterns[0]?.[1] ?? {};
}
