import { itemsSchema, propertySchema, type Schema } from './model';

/** Pads arrays to their `minItems` (a block the citizen must fill at least once is shown open). */
export function withMinimumItems(root: Schema, schema: Schema, data: unknown): unknown {
  if (schema.type === 'object' && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
    for (const key of Object.keys((schema.properties ?? {}) as object)) {
      const child = propertySchema(schema, key);
      if (child.type === 'array' && typeof child.minItems === 'number' && itemsSchema(root, child).type === 'object') {
        const list = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
        out[key] =
          list.length >= child.minItems
            ? list
            : [...list, ...Array.from({ length: child.minItems - list.length }, () => ({}))];
      } else if (child.type === 'object') {
        // An empty group rather than none: a missing group's errors name its fields, not the group.
        out[key] = withMinimumItems(root, child, out[key] ?? {});
      }
    }
    return out;
  }
  return data;
}
