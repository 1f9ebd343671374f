import type { ServiceDefinition } from '@guichet/shared';

export const EXPORT_KIND = 'service-export';

export interface ServiceExport {
  guichet: typeof EXPORT_KIND;
  formatVersion: 1;
  service: { slug: string; title: string; description?: string | null };
  definition: ServiceDefinition;
}

export interface ImportedService {
  service?: { slug?: string; title?: string; description?: string | null };
  definition: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function slugify(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'etape'
  );
}

/**
 * Older drafts (RJSF's playground writes draft-07) into 2020-12: `definitions`
 * become `$defs` (and their `$ref`s follow), `$schema` goes, and RJSF's
 * non-standard `enumNames` become `oneOf` with `const` and `title`.
 */
export function toDraft2020(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft2020);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue;
    if (key === 'definitions') out.$defs = mapValues(value);
    else if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(/^#\/definitions\//, '#/$defs/');
    else if (key === 'properties' || key === '$defs' || key === 'patternProperties') out[key] = mapValues(value);
    else if (key === 'enumNames') continue;
    else out[key] = typeof value === 'object' ? toDraft2020(value) : value;
  }
  if (Array.isArray(node.enum) && Array.isArray(node.enumNames) && node.enum.length === node.enumNames.length) {
    delete out.enum;
    const names = node.enumNames as unknown[];
    out.oneOf = node.enum.map((value, i) => ({ const: value, title: String(names[i] ?? value) }));
  }
  return out;
}

function mapValues(value: unknown): unknown {
  return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toDraft2020(v)])) : value;
}

/**
 * A bare JSON Schema (from the RJSF playground, another platform, a
 * developer's editor) turned into a service: one page per top-level object,
 * the other top-level fields on a first page, no rules, sign-in optional.
 * Standard JSON Schema in, a working service out.
 */
export function fromBareSchema(schema: Record<string, unknown>, uiSchema?: Record<string, unknown>): ServiceDefinition {
  schema = toDraft2020(schema) as Record<string, unknown>;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const loose: string[] = [];
  const pages: ServiceDefinition['pages'] = [];
  const used = new Set<string>();
  for (const [key, sub] of Object.entries(properties)) {
    if (isObject(sub) && sub.type === 'object') {
      let id = slugify(typeof sub.title === 'string' ? sub.title : key);
      while (used.has(id)) id = `${id}-2`;
      used.add(id);
      pages.push({ id, title: typeof sub.title === 'string' ? sub.title : key, fields: [key] });
    } else {
      loose.push(key);
    }
  }
  if (loose.length) {
    let id = 'informations';
    while (used.has(id)) id = `${id}-2`;
    pages.unshift({ id, title: typeof schema.title === 'string' ? schema.title : 'Informations', fields: loose });
  }
  // A bare schema often carries `$id`/`title` for its own tool; the service keeps the data part.
  const { $id: _id, ...rest } = schema;
  return {
    formatVersion: 1,
    schema: { type: 'object', ...rest },
    ...(uiSchema ? { uiSchema } : {}),
    pages,
    settings: { signIn: 'optional' },
  };
}

/** Recognises what was imported: a Guichet export, `{ schema, uiSchema }`, or a bare JSON Schema. */
export function readImport(file: unknown, uiSchema?: unknown): ImportedService | undefined {
  if (!isObject(file)) return undefined;
  if (file.guichet === EXPORT_KIND) {
    return {
      service: isObject(file.service) ? (file.service as ImportedService['service']) : undefined,
      definition: file.definition,
    };
  }
  if (file.formatVersion === 1 && isObject(file.schema) && Array.isArray(file.pages)) return { definition: file };
  if (isObject(file.schema) && (file.uiSchema === undefined || isObject(file.uiSchema))) {
    return {
      service: titleOf(file.schema),
      definition: fromBareSchema(file.schema, file.uiSchema as Record<string, unknown> | undefined),
    };
  }
  if (file.type === 'object' || isObject(file.properties)) {
    return { service: titleOf(file), definition: fromBareSchema(file, isObject(uiSchema) ? uiSchema : undefined) };
  }
  return undefined;
}

function titleOf(schema: Record<string, unknown>): ImportedService['service'] {
  return typeof schema.title === 'string'
    ? { title: schema.title, description: typeof schema.description === 'string' ? schema.description : undefined }
    : undefined;
}
