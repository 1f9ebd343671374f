import {
  encodePointerSegment,
  fieldPointers,
  type DefinitionDiff,
  type FieldChange,
  type JsonSchema,
  type ServiceDefinition,
} from '@guichet/shared';

export type { DefinitionDiff, FieldChange };

interface FieldInfo {
  type: string;
  required: boolean;
  page?: string;
  title?: string;
}

/** Type, requiredness, page and title of each field, by pointer (repeatable items as `*`). */
function describe(definition: Pick<ServiceDefinition, 'schema' | 'pages'>): Map<string, FieldInfo> {
  const info = new Map<string, FieldInfo>();
  const pageOf = new Map<string, string>();
  for (const page of definition.pages) for (const f of page.fields) pageOf.set(f, page.id);

  const walk = (node: JsonSchema | undefined, path: string, required: boolean, page: string | undefined) => {
    if (!node || typeof node === 'boolean') return;
    const type = Array.isArray(node.type)
      ? node.type.join('|')
      : String(node.type ?? (node.$ref ? 'ref' : node.enum || node.oneOf ? 'choice' : 'any'));
    if (path) info.set(path, { type, required, page, title: typeof node.title === 'string' ? node.title : undefined });
    const req = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    if (node.properties && typeof node.properties === 'object') {
      for (const [key, sub] of Object.entries(node.properties as Record<string, JsonSchema>)) {
        walk(sub, `${path}/${encodePointerSegment(key)}`, req.has(key), path ? page : pageOf.get(key));
      }
    }
    if (node.items && typeof node.items === 'object') walk(node.items as JsonSchema, `${path}/*`, true, page);
  };
  walk(definition.schema, '', false, undefined);
  // fieldPointers follows $refs and combinators; keep any field only it sees.
  for (const p of fieldPointers(definition.schema)) if (!info.has(p)) info.set(p, { type: 'any', required: false });
  return info;
}

/** What publishing `next` after `previous` changes for the fields citizens fill. */
export function diffDefinitions(
  previous: Pick<ServiceDefinition, 'schema' | 'pages'> | undefined,
  next: Pick<ServiceDefinition, 'schema' | 'pages'>,
): DefinitionDiff {
  const before = previous ? describe(previous) : new Map<string, FieldInfo>();
  const after = describe(next);
  const diff: DefinitionDiff = { added: [], removed: [], retyped: [], madeRequired: [], moved: [] };
  for (const [pointer, now] of after) {
    const was = before.get(pointer);
    if (!was) {
      diff.added.push({ pointer, title: now.title });
      if (now.required && previous) diff.madeRequired.push({ pointer, title: now.title });
      continue;
    }
    if (was.type !== now.type) diff.retyped.push({ pointer, title: now.title, from: was.type, to: now.type });
    if (!was.required && now.required) diff.madeRequired.push({ pointer, title: now.title });
    if (was.page && now.page && was.page !== now.page)
      diff.moved.push({ pointer, title: now.title, from: was.page, to: now.page });
  }
  for (const [pointer, was] of before) if (!after.has(pointer)) diff.removed.push({ pointer, title: was.title });
  return diff;
}
