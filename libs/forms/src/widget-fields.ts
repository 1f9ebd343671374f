type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An object of the schema drawn by a widget of ours (commune, SIRET…), found by its uiSchema. */
export interface WidgetField {
  /** Path from the root; `*` stands for every item of a list. */
  path: string[];
  schema: Node;
  ui: unknown;
}

/**
 * The places of a definition whose uiSchema says `isWidget`, lists' items
 * included; a widget's own properties are not searched. Bounded (depth 32,
 * `limit` fields), as a hostile definition may nest deeply.
 */
export function widgetFields(
  definition: { schema: unknown; uiSchema?: unknown },
  isWidget: (ui: unknown) => boolean,
  limit: number,
): WidgetField[] {
  const found: WidgetField[] = [];
  const walk = (schema: unknown, ui: unknown, path: string[], depth: number) => {
    if (!isNode(schema) || depth > 32 || found.length >= limit) return;
    if (isWidget(ui)) {
      found.push({ path, schema, ui });
      return;
    }
    const uiNode = isNode(ui) ? ui : {};
    if (isNode(schema.properties))
      for (const [key, sub] of Object.entries(schema.properties)) walk(sub, uiNode[key], [...path, key], depth + 1);
    if (isNode(schema.items)) walk(schema.items, uiNode.items, [...path, '*'], depth + 1);
  };
  walk(definition.schema, definition.uiSchema, [], 0);
  return found;
}

/** Each value at a path (`*` over a list's items), with its own path. */
export function valuesAt(
  data: unknown,
  path: string[],
  at: Array<string | number> = [],
): Array<[Array<string | number>, unknown]> {
  if (path.length === 0) return [[at, data]];
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') return Array.isArray(data) ? data.flatMap((item, i) => valuesAt(item, rest, [...at, i])) : [];
  return isNode(data) && data[head] !== undefined ? valuesAt(data[head], rest, [...at, head]) : [];
}
