import { canteenDefinition } from '../../../test/fixtures/canteen';
import { checkDefinition } from './check-definition';
import { POLICY_LIMITS, checkSchemaPolicy, inspectSchema } from './policy';

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
    // ajv would act on these (an async validator is a promise, always truthy): refused, not annotations.
    ['an $async schema', { $async: true, type: 'string' }, 'unknown_keyword', '/schema/properties/evil/$async'],
    ['an $anchor', { $anchor: 'x', type: 'string' }, 'unknown_keyword', '/schema/properties/evil/$anchor'],
    ['a $ref by anchor', { $ref: '#x' }, 'ref_unresolved', '/schema/properties/evil/$ref'],
    // ajv resolves a pointer into an annotation and compiles what it finds there, which the policy never checked.
    [
      'a $ref into an annotation that hides a catastrophic pattern',
      { 'x-vendor': { pattern: '(a+)+$' }, $ref: '#/properties/evil/x-vendor' },
      'ref_unresolved',
      '/schema/properties/evil/$ref',
    ],
    ['a $ref to nothing', { $ref: '#/$defs/missing' }, 'ref_unresolved', '/schema/properties/evil/$ref'],
    // Draft-07 keywords that ajv reads with another meaning in 2020-12, or throws on: converted by the import only.
    [
      'draft-07 definitions',
      { definitions: { a: { type: 'string' } } },
      'legacy_keyword',
      '/schema/properties/evil/definitions',
    ],
    [
      'draft-07 dependencies',
      { type: 'object', dependencies: { a: ['b'] } },
      'legacy_keyword',
      '/schema/properties/evil/dependencies',
    ],
    [
      'a draft-07 tuple',
      { type: 'array', items: [{ type: 'string' }], additionalItems: false },
      'legacy_keyword',
      '/schema/properties/evil/items',
    ],
    ['a draft-04 id', { id: 'x', type: 'string' }, 'legacy_keyword', '/schema/properties/evil/id'],
    [
      'a draft-04 boolean exclusiveMinimum',
      { type: 'number', minimum: 0, exclusiveMinimum: true },
      'legacy_keyword',
      '/schema/properties/evil/exclusiveMinimum',
    ],
    // Issue 18: quadratic for every tool that compares items pairwise.
    [
      'uniqueItems over objects without maxItems',
      { type: 'array', uniqueItems: true, items: { type: 'object', properties: { a: { type: 'string' } } } },
      'unbounded_unique_items',
      '/schema/properties/evil/uniqueItems',
    ],
    [
      'uniqueItems over items of any type with a large maxItems',
      { type: 'array', uniqueItems: true, maxItems: 5000 },
      'unbounded_unique_items',
      '/schema/properties/evil/uniqueItems',
    ],
    [
      'uniqueItems over items reached by $ref (their type is not visible where ajv compares them)',
      { type: 'array', uniqueItems: true, items: { $ref: '#/$defs/x' } },
      'unbounded_unique_items',
      '/schema/properties/evil/uniqueItems',
    ],
    // redos-detector finds these ambiguous: a backtracking engine (a browser, another tool) may take minutes.
    [
      'an ambiguous alternation',
      { type: 'string', pattern: '(a|a)*$' },
      'unsafe_pattern',
      '/schema/properties/evil/pattern',
    ],
    [
      'overlapping repetitions',
      { type: 'string', pattern: '\\d*\\d*x' },
      'unsafe_pattern',
      '/schema/properties/evil/pattern',
    ],
  ])('refuses %s', (_name, property, code, pointer) => {
    const result = checkDefinition(withSchemaProperty(property));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toContainEqual(expect.objectContaining({ code, pointer }));
  });

  it('names the keyword of a pattern RE2 cannot run and says what to write instead (Pydantic’s Decimal)', () => {
    const decimal = {
      anyOf: [
        { exclusiveMinimum: 0, type: 'number' },
        { pattern: '^(?!^[-+.]*$)[+-]?0*(?:\\d{0,6}|(?=[\\d.]{1,9}0*$)\\d{0,6}\\.\\d{0,2}0*$)', type: 'string' },
      ],
    };
    const problems = checkSchemaPolicy(withSchemaProperty(decimal).schema);
    expect(problems).toEqual([
      expect.objectContaining({ pointer: '/schema/properties/evil/anyOf/1/pattern', code: 'unsafe_pattern' }),
    ]);
    expect(problems[0]!.message).toContain('« pattern »');
    expect(problems[0]!.message).toContain('multipleOf');
  });

  it('says where an OpenAPI nullable without type and an empty enum are, and what to write (ajv says neither)', () => {
    expect(checkSchemaPolicy(withSchemaProperty({ nullable: true, title: 'Taille' }).schema)).toEqual([
      expect.objectContaining({ pointer: '/schema/properties/evil/nullable', code: 'schema_shape' }),
    ]);
    expect(checkSchemaPolicy(withSchemaProperty({ type: 'string', enum: [] }).schema)).toEqual([
      expect.objectContaining({ pointer: '/schema/properties/evil/enum', code: 'schema_shape' }),
    ]);
    // What ajv and RJSF's validator read: a nullable with its type is fine.
    expect(checkSchemaPolicy(withSchemaProperty({ type: 'integer', nullable: true }).schema)).toEqual([]);
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

  it.each([
    ['a ZIP+4 code', '^\\d{5}(?:-\\d{4})?$'],
    ['a French phone number with separators', '^(?:(?:\\+|00)33|0)\\s*[1-9](?:[\\s.-]*\\d{2}){4}$'],
    ['a grouped French IBAN', '^FR\\d{2}(?: ?\\d{4}){5} ?\\d{3}$'],
  ])('accepts %s, which redos-detector calls safe (the star-height test refused it)', (_name, pattern) => {
    expect(checkSchemaPolicy({ type: 'string', pattern })).toEqual([]);
    expect(checkDefinition(withSchemaProperty({ type: 'string', pattern })).ok).toBe(true);
  });

  it('says why a pattern is refused, in French, and how to rewrite it', () => {
    const [error] = checkSchemaPolicy({ type: 'string', pattern: '(a+)+$' });
    expect(error!.message).toContain('pendant des minutes sur une réponse malveillante');
    expect(error!.message).toContain('Réécrivez-le');
  });

  it.each<[string, unknown, string, string]>([
    ['an unknown keyword, with the keyword it resembles', { type: 'string', maxLenght: 3 }, 'annotation', 'maxLength'],
    ['a vendor keyword', { type: 'string', 'x-vendor': { any: ['thing'] } }, 'annotation', 'x-vendor'],
    ['errorMessage (ajv-errors)', { type: 'string', errorMessage: 'Nom requis' }, 'annotation', 'errorMessage'],
    ['enumNames (RJSF)', { type: 'string', enum: ['a'], enumNames: ['A'] }, 'annotation', 'oneOf'],
    ['an unknown format', { type: 'string', format: 'credit-card' }, 'unknown_format', 'simple zone de texte'],
    ['the regex format', { type: 'string', format: 'regex' }, 'unknown_format', 'simple zone de texte'],
  ])(
    'keeps %s as an annotation, with a French warning and a pointer, never a refusal',
    (_name, property, code, says) => {
      const result = checkDefinition(withSchemaProperty(property));
      expect(result).toMatchObject({ ok: true });
      const warnings = result.ok ? result.warnings : [];
      expect(warnings).toEqual([
        expect.objectContaining({ code, pointer: expect.stringMatching(/^\/schema\/properties\/evil\//) }),
      ]);
      expect(warnings[0]!.message).toContain(says);
      // Kept as written: the stored definition is the one given.
      expect(result.ok && (result.definition.schema.properties as Record<string, unknown>).evil).toEqual(property);
    },
  );

  it('walks no further into an annotation: what it holds is never validated, so never refused', () => {
    expect(
      inspectSchema({ type: 'object', 'x-layout': { pattern: '(a+)+$', $ref: 'https://evil.example/s.json' } }),
    ).toEqual({ errors: [], warnings: [expect.objectContaining({ code: 'annotation', pointer: '/schema/x-layout' })] });
  });

  it.each<[string, unknown]>([
    ['scalar items without maxItems (ajv compares them by key, in linear time)', { type: 'string', enum: ['a', 'b'] }],
    ['scalar items of several types', { type: ['string', 'null'] }],
  ])('accepts uniqueItems over %s', (_name, items) => {
    expect(checkSchemaPolicy({ type: 'array', uniqueItems: true, items })).toEqual([]);
  });

  it(`accepts uniqueItems over objects with maxItems up to ${POLICY_LIMITS.uniqueItemsMax}, or a closed tuple`, () => {
    const items = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      checkSchemaPolicy({ type: 'array', uniqueItems: true, maxItems: POLICY_LIMITS.uniqueItemsMax, items }),
    ).toEqual([]);
    expect(checkSchemaPolicy({ type: 'array', uniqueItems: true, prefixItems: [items, items], items: false })).toEqual(
      [],
    );
    expect(checkSchemaPolicy({ type: 'array', uniqueItems: false, items })).toEqual([]);
  });

  it('warns about uiSchema widgets and fields Guichet does not draw', () => {
    const d = canteenDefinition();
    d.uiSchema = {
      ...d.uiSchema,
      parent: { 'ui:field': 'GeoField' },
      children: { items: { 'ui:widget': 'alt-date', 'ui:options': { widget: 'stars' } } },
    };
    const result = checkDefinition(d);
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({ code: 'unknown_widget', pointer: '/uiSchema/children/items/ui:options/widget' }),
      expect.objectContaining({ code: 'unknown_widget', pointer: '/uiSchema/children/items/ui:widget' }),
      expect.objectContaining({ code: 'unknown_widget', pointer: '/uiSchema/parent/ui:field' }),
    ]);
  });

  it('knows RJSF’s widget class names and aliases (RadioWidget, TextareaWidget, date-time): no warning for them', () => {
    const d = canteenDefinition();
    d.uiSchema = {
      ...d.uiSchema,
      parent: { 'ui:widget': 'TextareaWidget' },
      children: { 'ui:options': { widget: 'HiddenWidget' }, items: { 'ui:widget': 'date-time' } },
    };
    const result = checkDefinition(d);
    expect(result.ok && result.warnings.filter((w) => w.code === 'unknown_widget')).toEqual([]);
  });
});

describe('allOf whose parts close against one another', () => {
  const refused = (schema: Record<string, unknown>) => {
    const d = canteenDefinition();
    (d.schema.properties as Record<string, unknown>).evil = schema;
    const result = checkDefinition(d);
    return result.ok ? [] : result.errors.filter((e) => e.code === 'closed_all_of').map((e) => e.pointer);
  };

  it('refuses a closed part that another part extends (OpenAPI inheritance, closed zod objects), where it is closed', () => {
    const base = { type: 'object', properties: { nom: { type: 'string' } }, additionalProperties: false };
    const d = canteenDefinition();
    d.schema.$defs = { ...(d.schema.$defs as object), Base: base };
    (d.schema.properties as Record<string, unknown>).evil = {
      allOf: [{ $ref: '#/$defs/Base' }, { properties: { siret: { type: 'string' } }, required: ['siret'] }],
    };
    d.pages[0]!.fields.push('evil');
    const result = checkDefinition(d);
    expect(result.ok ? [] : result.errors.map((e) => [e.code, e.pointer])).toEqual([
      ['closed_all_of', '/schema/properties/evil/allOf/0/$ref'],
    ]);
    expect(
      refused({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
          { type: 'object', properties: { b: { type: 'string' } }, additionalProperties: false },
        ],
      }),
    ).toEqual([
      '/schema/properties/evil/allOf/0/additionalProperties',
      '/schema/properties/evil/allOf/1/additionalProperties',
    ]);
    // Closed beside allOf, against the parts' own fields.
    expect(
      refused({
        additionalProperties: false,
        properties: { a: {} },
        allOf: [{ properties: { b: { type: 'string' } } }],
      }),
    ).toEqual(['/schema/properties/evil/additionalProperties']);
  });

  it('accepts what RJSF and ajv both let an answer through: unevaluatedProperties, restated fields, conditions', () => {
    expect(
      refused({
        allOf: [{ properties: { a: { type: 'string' } } }, { properties: { b: { type: 'string' } } }],
        unevaluatedProperties: false,
      }),
    ).toEqual([]);
    expect(
      refused({
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        additionalProperties: false,
        allOf: [
          { properties: { a: { minLength: 2 } } },
          { if: { properties: { a: { const: 'x' } } }, then: { required: ['b'] } },
        ],
      }),
    ).toEqual([]);
  });
});

describe('uniqueItems over choices shared through $ref', () => {
  it('accepts items that point to a list of scalar values, refuses items that may be objects', () => {
    const schema = (items: unknown) => ({
      type: 'object',
      $defs: {
        Couleur: { type: 'string', anyOf: [{ enum: ['#0055a4'], title: 'Bleu' }] },
        Choix: { anyOf: [{ const: 'a' }, { enum: ['b', 'c'] }] },
        Objet: { type: 'object', properties: {} },
      },
      properties: { liste: { type: 'array', uniqueItems: true, items } },
    });
    const refused = (items: unknown) =>
      checkSchemaPolicy(schema(items)).some((e) => e.code === 'unbounded_unique_items');
    expect(refused({ $ref: '#/$defs/Couleur' })).toBe(false);
    expect(refused({ $ref: '#/$defs/Choix' })).toBe(false);
    expect(refused({ enum: ['x', 'y'] })).toBe(false);
    expect(refused({ $ref: '#/$defs/Objet' })).toBe(true);
    expect(refused({ enum: [{ a: 1 }] })).toBe(true);
    expect(refused({})).toBe(true);
  });
});
