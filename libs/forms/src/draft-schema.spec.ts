import fc from 'fast-check';
import type { JsonSchema } from '@guichet/shared';
import { createAjv } from './ajv';
import { draftSchema, needsDraftSchema } from './draft-schema';

const compile = (schema: unknown) => createAjv().compile(schema as object);

describe('draftSchema', () => {
  it('drops completeness rules everywhere: $defs, allOf, items, prefixItems, dependentSchemas', () => {
    const schema = {
      type: 'object',
      required: ['a'],
      minProperties: 1,
      dependentRequired: { a: ['b'] },
      properties: {
        a: { type: 'array', minItems: 2, items: { $ref: '#/$defs/item' } },
        b: {
          type: 'array',
          prefixItems: [{ type: 'object', required: ['x'] }],
          contains: { type: 'object' },
          minContains: 2,
        },
      },
      $defs: { item: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 3 } } } },
      allOf: [{ required: ['b'] }, { properties: { a: { maxItems: 5 } } }],
      dependentSchemas: { a: { required: ['c'], properties: { c: { type: 'string', format: 'email' } } } },
    };
    expect(draftSchema(schema)).toEqual({
      type: 'object',
      properties: {
        a: { type: 'array', items: { $ref: '#/$defs/item' } },
        b: { type: 'array', prefixItems: [{ type: 'object' }] },
      },
      $defs: { item: { type: 'object', properties: { name: { type: 'string', maxLength: 3 } } } },
      allOf: [{ properties: { a: { maxItems: 5 } } }],
      dependentSchemas: { a: { properties: { c: { type: 'string', format: 'email' } } } },
    });
  });

  it('lets "at least one of" go, and turns oneOf into anyOf unless its branches take scalars only', () => {
    const schema = {
      type: 'object',
      properties: {
        kind: {
          type: 'string',
          oneOf: [
            { const: 'a', title: 'A' },
            { const: 'b', title: 'B' },
          ],
        },
      },
      anyOf: [{ required: ['phone'] }, { required: ['email'] }],
      oneOf: [
        { required: ['kind'], properties: { kind: { const: 'a' } } },
        { required: ['kind'], properties: { kind: { const: 'b' } } },
      ],
    };
    expect(draftSchema(schema)).toEqual({
      type: 'object',
      properties: {
        kind: {
          type: 'string',
          oneOf: [
            { const: 'a', title: 'A' },
            { const: 'b', title: 'B' },
          ],
        },
      },
      anyOf: [{ properties: { kind: { const: 'a' } } }, { properties: { kind: { const: 'b' } } }],
    });
  });

  it('drops a not that a missing answer could still satisfy, keeps one that rules out scalars', () => {
    const schema = {
      type: 'object',
      properties: { code: { type: 'string', not: { enum: ['0000'] } } },
      not: { required: ['a', 'b'] },
    };
    expect(draftSchema(schema)).toEqual({
      type: 'object',
      properties: { code: { type: 'string', not: { enum: ['0000'] } } },
    });
  });

  it('keeps a condition that requires what it tests, strips its branches, and guards else', () => {
    const condition = { required: ['pet'], properties: { pet: { const: 'oui' } } };
    const schema = {
      type: 'object',
      if: condition,
      then: { required: ['name'], properties: { name: { type: 'string', maxLength: 5 } } },
      else: { required: ['reason'], properties: { reason: { type: 'string', minLength: 2 } } },
    };
    expect(draftSchema(schema)).toEqual({
      type: 'object',
      if: condition,
      then: { properties: { name: { type: 'string', maxLength: 5 } } },
      // Else binds only once no completion can meet the condition (pet answered otherwise).
      else: {
        if: { properties: { pet: { const: 'oui' } } },
        else: { properties: { reason: { type: 'string', minLength: 2 } } },
      },
    });
  });

  it('points references at the draft of their target, even a target the draft dropped', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/not' }, b: { $ref: '#/$defs/x' } },
      $defs: { x: { type: 'object', required: ['y'] } },
      not: { type: 'object', required: ['z'], properties: { z: { type: 'string' } } },
    };
    const draft = draftSchema(schema) as Record<string, Record<string, unknown>>;
    expect(draft.properties).toEqual({ a: { $ref: '#/$defs/guichet-draft-1' }, b: { $ref: '#/$defs/x' } });
    expect(draft.$defs).toEqual({
      x: { type: 'object' },
      'guichet-draft-1': { type: 'object', properties: { z: { type: 'string' } } },
    });
    expect(() => compile(draft)).not.toThrow();
  });

  it('gives up (null) on references it cannot follow', () => {
    expect(draftSchema({ type: 'object', $defs: { a: { $id: 'other.json', type: 'string' } } })).toBeNull();
    expect(draftSchema({ type: 'object', properties: { a: { $ref: 'https://example.org/s.json' } } })).toBeNull();
  });
});

/**
 * Soundness under fuzzing: for schemas written with every composition the
 * draft schema rewrites, any answer the published schema accepts is
 * accepted by the draft schema with any of its properties and items left
 * out, at any depth. And what is already wrong stays refused.
 */
describe('draftSchema under fuzzing', () => {
  const text = { type: 'string', maxLength: 4 };
  const yesNo = { type: 'string', enum: ['oui', 'non'] };
  const item = { type: 'object', properties: { n: text, k: yesNo }, required: ['n'], additionalProperties: false };
  const schemas: Record<string, JsonSchema> = {
    'anyOf of required': {
      type: 'object',
      properties: { a: text, b: text, k: yesNo },
      anyOf: [{ required: ['a'] }, { required: ['b'] }],
      additionalProperties: false,
    },
    'oneOf of objects': {
      type: 'object',
      properties: { k: yesNo, a: text, b: text },
      oneOf: [
        { required: ['k', 'a'], properties: { k: { const: 'oui' } } },
        { required: ['k', 'b'], properties: { k: { const: 'non' } } },
      ],
    },
    'if then else': {
      type: 'object',
      properties: { k: yesNo, a: text, b: text },
      if: { required: ['k'], properties: { k: { const: 'oui' } } },
      then: { required: ['a'], properties: { a: { type: 'string', minLength: 2 } } },
      else: { required: ['b'], properties: { a: { type: 'string', maxLength: 1 } } },
    },
    'if without required (always true when absent)': {
      type: 'object',
      properties: { k: yesNo, a: text },
      if: { properties: { k: { const: 'oui' } } },
      then: { required: ['a'] },
      else: { properties: { a: { type: 'string', maxLength: 1 } } },
    },
    'not and dependent schemas': {
      type: 'object',
      properties: { k: yesNo, a: text, b: text },
      not: { required: ['a', 'b'] },
      dependentSchemas: { k: { required: ['a'], properties: { a: { type: 'string', minLength: 2 } } } },
      dependentRequired: { b: ['k'] },
    },
    'lists with contains and a closed schema': {
      type: 'object',
      properties: {
        list: {
          type: 'array',
          items: item,
          minItems: 2,
          maxItems: 3,
          contains: { type: 'object', properties: { k: { const: 'oui' } }, required: ['k'] },
          maxContains: 2,
        },
        k: yesNo,
      },
      required: ['list'],
      unevaluatedProperties: false,
      if: { required: ['k'], properties: { k: { const: 'oui' } } },
      then: { properties: { a: text }, required: ['a'] },
      else: { properties: { b: text } },
    },
    references: {
      type: 'object',
      properties: { x: { $ref: '#/$defs/pair' }, y: { $ref: '#/$defs/pair' } },
      $defs: {
        pair: { type: 'object', properties: { a: text, k: yesNo }, required: ['a', 'k'], not: { required: ['z'] } },
      },
      anyOf: [{ required: ['x'] }, { required: ['y'] }],
    },
  };

  const value = fc.oneof(fc.constantFrom('oui', 'non', 'a', 'ab', 'abcde', ''), fc.integer({ min: 0, max: 2 }));
  const small = fc.constantFrom('oui', 'non', 'a', 'ab');
  const fields = (keys: string[], of: fc.Arbitrary<unknown>) =>
    fc.record(Object.fromEntries(keys.map((k) => [k, of])), { requiredKeys: [] });
  /** Answers shaped like the schemas above (often valid), or any small JSON (rarely). */
  const answer = fc.oneof(
    { weight: 4, arbitrary: fields(['a', 'b', 'k', 'z'], small) },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          list: fc.array(fc.record({ n: small, k: fc.constantFrom('oui', 'non') }, { requiredKeys: ['n'] }), {
            maxLength: 4,
          }),
          k: small,
          a: small,
          b: small,
          x: fields(['a', 'k', 'z'], small),
          y: fields(['a', 'k'], small),
        },
        { requiredKeys: [] },
      ),
    },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          list: fc.array(fc.record({ n: small, k: fc.constantFrom('oui', 'non') }, { requiredKeys: ['n'] }), {
            minLength: 2,
            maxLength: 3,
          }),
          k: fc.constantFrom('oui', 'non'),
          a: small,
          b: small,
        },
        { requiredKeys: ['list'] },
      ),
    },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', 'b', 'k', 'list', 'x'), value, { maxKeys: 4 }) },
  );

  /** A partial answer: some properties and items left out, at any depth, driven by `dice`. */
  function partial(v: unknown, dice: () => boolean): unknown {
    if (Array.isArray(v)) return v.filter(() => !dice()).map((x) => partial(x, dice));
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(() => !dice())
          .map(([k, x]) => [k, partial(x, dice)]),
      );
    return v;
  }

  it.each(Object.entries(schemas))('accepts every part of a valid answer: %s', (_name, schema) => {
    const submit = compile(schema);
    const draft = compile(draftSchema(schema));
    let validSeen = 0;
    fc.assert(
      fc.property(answer, fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), (v, bits) => {
        if (!submit(v)) return true;
        validSeen++;
        let i = 0;
        const p = partial(v, () => bits[i++ % bits.length]!);
        return draft(v) && draft(p) && draft({});
      }),
      { numRuns: 3000 },
    );
    expect(validSeen).toBeGreaterThan(20);
  });

  it('still refuses what no completion can fix', () => {
    const refuses = (name: string, data: unknown) => expect(compile(draftSchema(schemas[name]!))(data)).toBe(false);
    refuses('anyOf of required', { a: 'abcde' });
    refuses('oneOf of objects', { k: 'peut-être' });
    refuses('if then else', { k: 'oui', a: 'x' });
    refuses('if then else', { k: 'non', a: 'xy' });
    refuses('not and dependent schemas', { k: 'oui', a: 'x' });
    refuses('lists with contains and a closed schema', { list: [{ n: 'a', k: 'oui' }, { k: 'oui' }, { k: 'oui' }] });
    refuses('lists with contains and a closed schema', { list: [], extra: 1 });
    refuses('references', { x: { a: 'abcde' } });
  });
});

describe('when drafts need a schema of their own', () => {
  it('not for plain groups, lists and choices of values: ignoring completeness errors is the same verdict', () => {
    const common = {
      type: 'object',
      required: ['jour'],
      properties: {
        jour: {
          type: 'string',
          oneOf: [
            { const: 'lundi', title: 'Lundi' },
            { const: 'mardi', title: 'Mardi' },
          ],
        },
        enfants: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', required: ['nom'], properties: { nom: { type: 'string' } } },
        },
      },
    };
    expect(needsDraftSchema(common)).toBe(false);
    expect(draftSchema(common)).toBeNull();
  });

  it('for conditions, compositions of schemas and consts of objects', () => {
    expect(needsDraftSchema({ anyOf: [{ required: ['a'] }, { required: ['b'] }] })).toBe(true);
    expect(needsDraftSchema({ properties: { a: { if: { const: 1 }, then: { minimum: 2 } } } })).toBe(true);
    expect(needsDraftSchema({ properties: { a: { const: { x: 1 } } } })).toBe(true);
  });
});
