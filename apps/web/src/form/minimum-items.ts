import { drawnType, itemsSchema, propertySchema, resolve, type Schema } from './model';

/**
 * Pads arrays to their `minItems` (a block the citizen must fill at least once is shown open). Each item
 * added is what « Ajouter » would add: `newItem` gives the item schema's defaults (RJSF's new item, a hidden
 * field's default included), an empty group without it.
 */
export function withMinimumItems(
  root: Schema,
  schema: Schema,
  data: unknown,
  newItem: (itemSchema: Schema) => unknown = () => ({}),
): unknown {
  if (schema.type === 'object' && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
    for (const key of Object.keys((schema.properties ?? {}) as object)) {
      const written = propertySchema(schema, key);
      // A `$ref`'d list, and items made of `allOf` parts (OpenAPI's inheritance), are what RJSF draws them as.
      const list = resolve(root, written);
      const items = itemsSchema(root, list);
      if (list.type === 'array' && typeof list.minItems === 'number' && drawnType(root, items) === 'object') {
        const given = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
        const min = list.minItems;
        out[key] =
          given.length >= min
            ? given
            : [...given, ...Array.from({ length: min - given.length }, () => newItem(items) ?? {})];
      } else if (written.type === 'object') {
        // An empty group rather than none: a missing group's errors name its fields, not the group.
        out[key] = withMinimumItems(root, written, out[key] ?? {}, newItem);
      }
    }
    return out;
  }
  return data;
}
