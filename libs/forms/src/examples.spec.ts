import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkDefinition } from './check-definition';

/**
 * The example services in `forms/` (the portable export format): each one
 * must import cleanly, and together they exercise the definition format's
 * main features, so they double as documentation that stays true.
 */
const FORMS_DIR = join(__dirname, '../../../forms');
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

type Json = Record<string, unknown>;

interface Example {
  file: string;
  exported: Json;
  definition: Json;
}

function loadExamples(): Example[] {
  return readdirSync(FORMS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => {
      const exported = JSON.parse(readFileSync(join(FORMS_DIR, file), 'utf8')) as Json;
      return { file, exported, definition: exported.definition as Json };
    });
}

/** Every subschema of a schema, depth first (properties, items, combinators, `$defs`). */
function* subschemas(node: unknown): Generator<Json> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const schema = node as Json;
  yield schema;
  for (const key of ['properties', '$defs', 'patternProperties', 'dependentSchemas']) {
    const map = schema[key];
    if (map && typeof map === 'object') for (const sub of Object.values(map)) yield* subschemas(sub);
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains']) {
    yield* subschemas(schema[key]);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const sub of list) yield* subschemas(sub);
  }
}

const examples = loadExamples();

describe('example services in forms/', () => {
  it('there are at least six', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(examples.map((e) => [e.file, e] as const))('%s has the export envelope', (file, { exported }) => {
    expect(exported.guichet).toBe('service-export');
    expect(exported.formatVersion).toBe(1);
    const service = exported.service as Json;
    expect(service).toEqual(
      expect.objectContaining({
        slug: expect.stringMatching(SLUG),
        title: expect.any(String),
        description: expect.any(String),
      }),
    );
    expect(file).toBe(`${service.slug as string}.json`);
    expect((service.title as string).trim()).not.toBe('');
    expect((service.description as string).trim()).not.toBe('');
    expect(exported.definition).toEqual(expect.objectContaining({ formatVersion: 1 }));
  });

  it('slugs are unique', () => {
    const slugs = examples.map((e) => (e.exported.service as Json).slug);
    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it.each(examples.map((e) => [e.file, e] as const))('%s passes checkDefinition', (file, { definition }) => {
    const result = checkDefinition(definition);
    if (!result.ok) {
      const lines = result.errors.map((e) => `  ${e.pointer} [${e.code}] ${e.message}`);
      throw new Error(`${file} is refused:\n${lines.join('\n')}`);
    }
    expect(result.ok).toBe(true);
  });

  it('at least two allow anonymous filing', () => {
    const anonymous = examples.filter((e) => (e.definition.settings as Json).signIn === 'none');
    expect(anonymous.length).toBeGreaterThanOrEqual(2);
  });

  it('together they use pages, files, repeatable groups, visibility and eligibility rules', () => {
    const withoutPages = examples.filter((e) => !Array.isArray(e.definition.pages) || e.definition.pages.length === 0);
    expect(withoutPages.map((e) => e.file)).toEqual([]);

    const nodes = examples.flatMap((e) => [...subschemas(e.definition.schema)]);
    expect(nodes.some((s) => 'x-file' in s)).toBe(true);
    const isRepeatableGroup = (s: Json) => {
      const items = s.items as Json | undefined;
      return s.type === 'array' && typeof s.maxItems === 'number' && items?.type === 'object' && !!items.properties;
    };
    expect(nodes.some(isRepeatableGroup)).toBe(true);

    const rules = examples.map((e) => (e.definition.rules ?? {}) as { visibility?: Json[]; eligibility?: Json[] });
    const visibility = rules.flatMap((r) => r.visibility ?? []);
    expect(visibility.length).toBeGreaterThanOrEqual(1);
    expect(visibility.some((r) => String(r.target).startsWith('page:'))).toBe(true);
    expect(visibility.some((r) => String(r.target).includes('/*/'))).toBe(true);
    expect(rules.flatMap((r) => r.eligibility ?? []).length).toBeGreaterThanOrEqual(2);
  });
});
