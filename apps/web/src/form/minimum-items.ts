import { drawnType, itemsSchema, propertySchema, resolve, type Schema } from './model';

const isGroupValue = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A group's fields as RJSF draws them: its own (a `$ref` followed) and those of its `allOf` parts (OpenAPI's
 * inheritance), merged. `undefined` when the schema is not a group.
 */
function groupShape(root: Schema, schema: Schema, depth = 0): Schema | undefined {
  const own = resolve(root, schema);
  if (drawnType(root, own) !== 'object') return undefined;
  if (!Array.isArray(own.allOf) || depth > 8) return own;
  const properties: Record<string, unknown> = {};
  for (const part of own.allOf) {
    if (part === null || typeof part !== 'object' || Array.isArray(part)) continue;
    Object.assign(properties, groupShape(root, part as Schema, depth + 1)?.properties ?? {});
  }
  return { ...own, properties: { ...properties, ...((own.properties ?? {}) as object) } };
}

/**
 * Pads arrays to their `minItems` (a block the citizen must fill at least once is shown open). Each item
 * added is what « Ajouter » would add (`freshItem`): `newItem` gives the item schema's defaults (RJSF's new item, a
 * hidden field's default included), an empty group without it; its own lists of groups open in turn, and so do those
 * of the items already there, as RJSF's defaults pad every list they meet.
 */
export function withMinimumItems(
  root: Schema,
  schema: Schema,
  data: unknown,
  newItem: (itemSchema: Schema) => unknown = () => ({}),
  depth = 0,
  inItem = false,
): unknown {
  const shape = groupShape(root, schema);
  if (!shape || !isGroupValue(data) || depth > 32) return data;
  const out: Record<string, unknown> = { ...data };
  for (const key of Object.keys((shape.properties ?? {}) as object)) {
    const written = propertySchema(shape, key);
    // A `$ref`'d list, and items made of `allOf` parts (OpenAPI's inheritance), are what RJSF draws them as.
    const list = resolve(root, written);
    if (opensItems(root, list)) {
      const min = typeof list.minItems === 'number' ? list.minItems : 0;
      if (!Array.isArray(out[key]) && min === 0) continue;
      out[key] = withListMinimum(root, list, Array.isArray(out[key]) ? (out[key] as unknown[]) : [], newItem, depth);
    } else if (!inItem && groupShape(root, written) !== undefined) {
      // An empty group rather than none, written or reached by a `$ref`: a missing group's errors name its fields, not
      // the group (« Adresse : Ce champ est obligatoire » told a citizen nothing of which field was missing).
      out[key] = withMinimumItems(root, written, out[key] ?? {}, newItem, depth + 1);
    } else if (isGroupValue(out[key])) {
      // A group already answered (`$ref`'d, or in an item): its own lists open too.
      out[key] = withMinimumItems(root, list, out[key], newItem, depth + 1, inItem);
    } else if (inItem && out[key] === undefined && groupShape(root, list)) {
      // In an item RJSF sends no empty group, only one that holds a list it opened.
      const opened = withMinimumItems(root, list, {}, newItem, depth + 1, true) as Record<string, unknown>;
      if (Object.keys(opened).length > 0) out[key] = opened;
    }
  }
  return out;
}

/**
 * The item « Ajouter » adds to a list of groups, as RJSF creates it: the item schema's defaults (`newItem`), and its
 * own lists of groups opened to their `minItems` (RJSF's defaults pad them; before, a « Discipline » added by the
 * citizen came without its one required « Créneau »).
 */
export function freshItem(
  root: Schema,
  items: Schema,
  newItem: (itemSchema: Schema) => unknown = () => ({}),
  depth = 0,
): unknown {
  // An item that is itself a list of groups (a week of days) opens as RJSF's defaults open it: its `minItems` days.
  if (opensItems(root, resolve(root, items))) return withListMinimum(root, resolve(root, items), [], newItem, depth);
  const created = newItem(items) ?? {};
  return withMinimumItems(root, items, created, newItem, depth, true);
}

/**
 * Whether RJSF's defaults open a list's items to its `minItems`: a list of groups, and a list of lists of groups (the
 * weeks of a holiday club, each of at least two days). Lists of single answers start empty here, on purpose.
 */
export function opensItems(root: Schema, list: Schema): boolean {
  if (list.type !== 'array') return false;
  const items = itemsSchema(root, list);
  if (drawnType(root, items) === 'object') return true;
  return (
    items.type === 'array' &&
    !Array.isArray(items.prefixItems) &&
    drawnType(root, itemsSchema(root, items)) === 'object'
  );
}

/** A list of groups (or of lists of groups) as RJSF's defaults leave it: its items opened in turn, then padded to `minItems`. */
function withListMinimum(
  root: Schema,
  list: Schema,
  given: unknown[],
  newItem: (itemSchema: Schema) => unknown,
  depth: number,
): unknown[] {
  if (depth > 32) return given;
  const min = typeof list.minItems === 'number' ? list.minItems : 0;
  const kept = given.map((item, i) => {
    const schema = itemsSchema(root, list, i);
    if (Array.isArray(item))
      return opensItems(root, schema) ? withListMinimum(root, schema, item, newItem, depth + 1) : item;
    return withMinimumItems(root, schema, item, newItem, depth + 1, true);
  });
  const added = Array.from({ length: Math.max(0, min - given.length) }, () =>
    freshItem(root, itemsSchema(root, list), newItem, depth + 1),
  );
  const changed = added.length > 0 || kept.some((item, i) => item !== given[i]);
  return changed ? [...kept, ...added] : given;
}
