import { itemsSchema, propertySchema, type Schema } from './model';

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
      const child = propertySchema(schema, key);
      const items = itemsSchema(root, child);
      if (child.type === 'array' && typeof child.minItems === 'number' && items.type === 'object') {
        const list = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
        out[key] =
          list.length >= child.minItems
            ? list
            : [...list, ...Array.from({ length: child.minItems - list.length }, () => newItem(items) ?? {})];
      } else if (child.type === 'object') {
        // An empty group rather than none: a missing group's errors name its fields, not the group.
        out[key] = withMinimumItems(root, child, out[key] ?? {}, newItem);
      }
    }
    return out;
  }
  return data;
}
