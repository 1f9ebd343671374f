/**
 * Free entries of an object: answers under names the citizen chooses, as RJSF
 * offers them (`canExpand`, `retrieveSchema`'s stubs). An object takes them
 * when `additionalProperties` allows them or `patternProperties` names some;
 * an entry's schema is the one of every pattern its name matches, otherwise
 * `additionalProperties`' own. Shared by the form, the review page, the desk,
 * the exports and the receipt, so each reads an entry with the same schema.
 */
import { NO_UI, uiChild, type Schema, type Ui } from './field-model';

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

/**
 * The order free entries are read back in (review page, desk, exports, receipt): by name, in French. Answers are
 * stored as `jsonb`, which keeps no key order (it sorts keys, shorter first), so the order the citizen added them
 * in is not known after a save; a fixed order every view reproduces, and that a person can follow.
 */
export function byEntryName<T>(entries: Array<[string, T]>): Array<[string, T]> {
  return [...entries].sort(([a], [b]) => a.localeCompare(b, 'fr'));
}

/**
 * Whether a property schema is a free entry RJSF's `retrieveSchema` stubbed into `properties` (it flags it with
 * its `__additional_property` symbol; matched by description, so this module does not load RJSF).
 */
function isEntryStub(schema: unknown): boolean {
  return (
    isSchema(schema) && Object.getOwnPropertySymbols(schema).some((s) => s.description === '__additional_property')
  );
}

/** An object's keys with the free entries RJSF stubbed among them put in `byEntryName`'s order, in their places. */
export function entriesInNameOrder(keys: string[], properties: unknown): string[] {
  const props = isSchema(properties) ? properties : {};
  const places = keys.flatMap((key, i) => (isEntryStub(props[key]) ? [i] : []));
  const named = byEntryName(places.map((i): [string, null] => [keys[i]!, null]));
  const out = [...keys];
  places.forEach((place, k) => (out[place] = named[k]![0]));
  return out;
}

/**
 * The uiSchema of a free entry: the uiSchema's `additionalProperties`, which RJSF's ObjectField gives every entry the
 * citizen adds (a widget, a group's `ui:order`, its fields' options). Its `ui:title` aside: an entry is named by the
 * name the citizen gave it, as everywhere else here.
 */
export function freeEntryUi(ui: Ui): Ui {
  const own = ui.additionalProperties;
  if (!isSchema(own)) return NO_UI;
  const { 'ui:title': _title, ...rest } = own as Ui;
  return Object.keys(rest).length > 0 ? (rest as Ui) : NO_UI;
}

/** A property's uiSchema: its own, or `additionalProperties`' for a free entry RJSF's semantics stubbed as a property. */
export function propertyUi(schema: Schema, ui: Ui, key: string): Ui {
  const props = isSchema(schema.properties) ? schema.properties : {};
  return isEntryStub(props[key]) ? freeEntryUi(ui) : uiChild(ui, key);
}
