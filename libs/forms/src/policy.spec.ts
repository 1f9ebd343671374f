import { canteenDefinition } from '../../../test/fixtures/canteen';
import { checkDefinition } from './check-definition';
import { checkSchemaPolicy } from './policy';

/** The hostile corpus: each schema must be refused with a pointer, quickly, never with an exception. */
function withSchemaProperty(property: unknown) {
  const d = canteenDefinition();
  (d.schema.properties as Record<string, unknown>).evil = property;
  d.pages[0]!.fields.push('evil');
  return d;
}

function nested(depth: number): unknown {
  let node: unknown = { type: 'string' };
  for (let i = 0; i < depth; i++) node = { type: 'object', properties: { a: node } };
  return node;
}

describe('safe schema policy', () => {
  it.each<[string, unknown, string, string]>([
    ['a remote $ref', { $ref: 'https://evil.example/schema.json' }, 'remote_ref', '/schema/properties/evil/$ref'],
    ['a file $ref', { $ref: 'file:///etc/passwd' }, 'remote_ref', '/schema/properties/evil/$ref'],
    ['a relative $ref to another document', { $ref: 'other.json#/x' }, 'remote_ref', '/schema/properties/evil/$ref'],
    [
      'a catastrophic pattern',
      { type: 'string', pattern: '(a+)+$' },
      'unsafe_pattern',
      '/schema/properties/evil/pattern',
    ],
    ['a backreference', { type: 'string', pattern: '(a)\\1' }, 'unsafe_pattern', '/schema/properties/evil/pattern'],
    ['a lookahead', { type: 'string', pattern: '(?=a)a' }, 'unsafe_pattern', '/schema/properties/evil/pattern'],
    [
      'a pattern in patternProperties',
      { type: 'object', patternProperties: { '(x+x+)+y': {} } },
      'unsafe_pattern',
      '/schema/properties/evil/patternProperties/(x+x+)+y',
    ],
    [
      'an unknown format',
      { type: 'string', format: 'credit-card' },
      'unknown_format',
      '/schema/properties/evil/format',
    ],
    ['the regex format', { type: 'string', format: 'regex' }, 'unknown_format', '/schema/properties/evil/format'],
    ['an unknown keyword', { type: 'string', maxLenght: 3 }, 'unknown_keyword', '/schema/properties/evil/maxLenght'],
    [
      'a __proto__ property',
      JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}'),
      'forbidden_key',
      '/schema/properties/evil/properties/__proto__',
    ],
    [
      'a constructor property',
      { type: 'object', properties: { constructor: { type: 'string' } } },
      'forbidden_key',
      '/schema/properties/evil/properties/constructor',
    ],
    [
      'a nested $schema',
      { $schema: 'http://json-schema.org/draft-04/schema#' },
      'schema_dialect',
      '/schema/properties/evil/$schema',
    ],
    ['a $dynamicRef', { $dynamicRef: '#meta' }, 'unknown_keyword', '/schema/properties/evil/$dynamicRef'],
  ])('refuses %s', (_name, property, code, pointer) => {
    const result = checkDefinition(withSchemaProperty(property));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toContainEqual(expect.objectContaining({ code, pointer }));
  });

  it('refuses a schema 10,000 levels deep without overflowing the stack', () => {
    const errors = checkSchemaPolicy({ type: 'object', properties: { deep: nested(10_000) } });
    expect(errors[0]).toMatchObject({ code: 'schema_too_deep' });
  });

  it('refuses a definition nested 100,000 levels deep without recursing', () => {
    let deep: unknown = { type: 'string' };
    for (let i = 0; i < 100_000; i++) deep = { type: 'object', properties: { a: deep } };
    expect(checkDefinition(withSchemaProperty(deep))).toEqual({
      ok: false,
      errors: [expect.objectContaining({ code: 'definition_too_deep', pointer: '' })],
    });
  });

  it('refuses a definition over 512 KB before looking inside', () => {
    const d = withSchemaProperty({ type: 'string', description: 'x'.repeat(10 * 1024 * 1024) });
    expect(checkDefinition(d)).toEqual({
      ok: false,
      errors: [expect.objectContaining({ code: 'definition_too_large', pointer: '' })],
    });
  });

  it('refuses too many properties and too many nodes', () => {
    const wide = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, { type: 'string' }]));
    expect(checkSchemaPolicy({ type: 'object', properties: wide })).toContainEqual(
      expect.objectContaining({ code: 'too_many_properties' }),
    );
  });

  it('accepts a 300-field schema with safe patterns and local refs', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `f${i}`,
        i % 3 === 0 ? { $ref: '#/$defs/code' } : { type: 'string', maxLength: 200 },
      ]),
    );
    expect(
      checkSchemaPolicy({
        type: 'object',
        $defs: { code: { type: 'string', pattern: '^[A-Z]{2}[0-9]{3}$' } },
        properties,
      }),
    ).toEqual([]);
  });
});
