import type { JsonSchema } from './definition';
import { decodePointerSegment, toJsonPointer } from './json-pointer';

const MAX_FIELDS = 5000;

function resolveLocalRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const segment of ref.slice(2).split('/')) {
    const key = decodePointerSegment(decodeURIComponent(segment));
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node as JsonSchema;
}

/**
 * Every field and group of a schema as a JSON pointer into the submission:
 * `/applicant`, `/applicant/email`, and `*` for the items of a repeatable
 * group (`/children/*`, `/children/*\/firstName`). Follows local `$ref`s
 * (`#/$defs/…`) once per branch, so recursive schemas terminate.
 */
export function fieldPointers(schema: JsonSchema): Set<string> {
  const found = new Set<string>();
  const walk = (node: JsonSchema | undefined, path: string[], refs: ReadonlySet<string>) => {
    if (found.size >= MAX_FIELDS || node === undefined || typeof node === 'boolean') return;
    if (typeof node.$ref === 'string' && !refs.has(node.$ref)) {
      walk(resolveLocalRef(schema, node.$ref), path, new Set([...refs, node.$ref]));
    }
    for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[combinator];
      if (Array.isArray(list)) for (const sub of list) walk(sub as JsonSchema, path, refs);
    }
    for (const branch of ['then', 'else'] as const) {
      if (node[branch] && typeof node[branch] === 'object') walk(node[branch] as JsonSchema, path, refs);
    }
    // Fields that a property's presence brings (2020-12 `dependentSchemas`, draft-07 `dependencies` as RJSF reads it).
    for (const keyword of ['dependentSchemas', 'dependencies'] as const) {
      const map = node[keyword];
      if (map && typeof map === 'object' && !Array.isArray(map))
        for (const sub of Object.values(map as Record<string, unknown>))
          if (sub && typeof sub === 'object' && !Array.isArray(sub)) walk(sub as JsonSchema, path, refs);
    }
    const properties = node.properties;
    if (properties && typeof properties === 'object') {
      for (const [key, sub] of Object.entries(properties as Record<string, JsonSchema>)) {
        const here = [...path, key];
        found.add(toJsonPointer(here));
        walk(sub, here, refs);
      }
    }
    // Array items, tuples included (`prefixItems`, or draft-07's `items: [...]`): one `*` for every position.
    const itemSchemas: unknown[] = [];
    if (Array.isArray(node.prefixItems)) itemSchemas.push(...node.prefixItems);
    if (Array.isArray(node.items)) itemSchemas.push(...node.items);
    else if (node.items && typeof node.items === 'object') itemSchemas.push(node.items);
    if (itemSchemas.length > 0) {
      const here = [...path, '*'];
      found.add(toJsonPointer(here));
      for (const sub of itemSchemas) if (sub && typeof sub === 'object') walk(sub as JsonSchema, here, refs);
    }
  };
  walk(schema, [], new Set());
  return found;
}
