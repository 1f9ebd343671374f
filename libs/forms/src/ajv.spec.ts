import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { createAjv, schemaCompileProblems } from './ajv';

describe('createAjv', () => {
  describe('uniqueItems in linear time (issue 18)', () => {
    const objects = (n: number) => Array.from({ length: n }, (_, i) => ({ a: i, b: 'x'.repeat(20) }));
    /**
     * The items wrapped so that every read of a key or of the key list is counted: the work a uniqueItems check does,
     * counted instead of timed (a timed bound failed on a busy machine and says little on an idle one).
     */
    const counted = (items: ReadonlyArray<Record<string, unknown>>) => {
      const reads = { n: 0 };
      const handler: ProxyHandler<Record<string, unknown>> = {
        get: (target, key, receiver) => {
          reads.n++;
          return Reflect.get(target, key, receiver) as unknown;
        },
        ownKeys: (target) => {
          reads.n++;
          return Reflect.ownKeys(target);
        },
      };
      return { items: items.map((item) => new Proxy(item, handler)), reads };
    };

    it('reads each item a few times, not each pair (ajv compared every pair: 12,000 objects took 8.9 s)', () => {
      const ours = createAjv().compile({ type: 'array', uniqueItems: true, items: { type: 'object' } });
      const n = 400;
      const mine = counted(objects(n));
      expect(ours(mine.items)).toBe(true);
      expect(mine.reads.n).toBeGreaterThan(0);
      expect(mine.reads.n).toBeLessThanOrEqual(10 * n);
      // The count tells linear from quadratic: ajv's own check reads far more on the same items.
      const theirs = new Ajv2020({ allErrors: true, strict: false }).compile({ type: 'array', uniqueItems: true });
      const reference = counted(objects(n));
      expect(theirs(reference.items)).toBe(true);
      expect(reference.reads.n).toBeGreaterThan(50 * n);
      // And on 12,000 plain objects the answer is the same.
      expect(ours(objects(12_000))).toBe(true);
    });

    it('does not compare the items of an array already longer than its maxItems (ajv did, with allErrors: 2.4 s)', () => {
      const validate = createAjv().compile({ type: 'array', maxItems: 10, uniqueItems: true });
      const { items, reads } = counted(objects(12_000));
      expect(validate(items)).toBe(false);
      expect(reads.n).toBe(0);
      expect(validate.errors!.map((e) => e.keyword)).toEqual(['maxItems']);
    });

    it('finds duplicates whatever the key order, with ajv’s error shape', () => {
      const validate = createAjv().compile({ type: 'array', uniqueItems: true });
      expect(validate([{ a: 1, b: [2, { c: null }] }, 3, { b: [2, { c: null }], a: 1 }])).toBe(false);
      expect(validate.errors).toEqual([
        expect.objectContaining({
          keyword: 'uniqueItems',
          instancePath: '',
          params: { i: 0, j: 2 },
          message: 'must NOT have duplicate items (items ## 2 and 0 are identical)',
        }),
      ]);
      expect(validate(['__proto__', '__proto__'])).toBe(false);
      expect(validate([JSON.parse('{"__proto__":1}'), JSON.parse('{"__proto__":2}')])).toBe(true);
      expect(validate([1, '1', true, 'true', null, 'null'])).toBe(true);
    });

    it('agrees with ajv’s own uniqueItems on any JSON (1,000 runs)', () => {
      const ours = createAjv();
      const theirs = new Ajv2020({ allErrors: true, strict: false });
      const schemas = [
        { type: 'array', uniqueItems: true },
        { type: 'array', uniqueItems: true, items: { type: 'string' } },
        { type: 'array', uniqueItems: true, items: { type: ['integer', 'string'] } },
        { type: 'array', uniqueItems: true, maxItems: 3 },
      ];
      const pairs = schemas.map((s) => [ours.compile(s), theirs.compile(s)] as const);
      const small = fc.oneof(fc.constantFrom(0, 1, 'a', '1', true, null, -0), fc.jsonValue({ maxDepth: 2 }));
      fc.assert(
        fc.property(fc.array(small, { maxLength: 6 }), (data) => {
          // ajv's own equality (fast-deep-equal) calls an object's own `toString` / `valueOf` when it has one, so
          // it throws on JSON like [{}, {"toString": {}}] (found by this property): not a reference there.
          fc.pre(!/"(toString|valueOf)":/.test(JSON.stringify(data)));
          for (const [mine, reference] of pairs) expect(mine(data)).toBe(reference(data));
        }),
        { numRuns: 1000 },
      );
      // Where ajv's own throws, ours answers: a citizen's answer with such a key is judged, not a crash.
      const distinct = createAjv().compile({ type: 'array', uniqueItems: true });
      expect(distinct([{}, { toString: {} }, { valueOf: 1 }])).toBe(true);
      expect(distinct([{ toString: {} }, { toString: {} }])).toBe(false);
    });
  });

  it('ignores unknown formats and keywords (annotations), and still checks the known formats', () => {
    const ajv = createAjv();
    const unknown = ajv.compile({ type: 'string', format: 'credit-card', errorMessage: 'x', 'x-vendor': { a: 1 } });
    expect(unknown('anything')).toBe(true);
    expect(ajv.compile({ type: 'string', format: 'email' })('not an email')).toBe(false);
    expect(ajv.compile({ type: 'string', format: 'fr-postal-code' })('1234')).toBe(false);
    // `regex` is not a format Guichet checks: a citizen's answer is never compiled.
    expect(ajv.compile({ type: 'string', format: 'regex' })('(a+)+$(')).toBe(true);
  });

  it('checks every format RJSF’s validator checks, with RJSF’s verdict (but regex and url)', () => {
    const rjsf = customizeValidator();
    const ajv = createAjv();
    // iso-time and iso-date-time are ajv-formats 3's; RJSF ships ajv-formats 2 and checks neither.
    const names = [...Object.keys(fullFormats).filter((f) => !['regex', 'url'].includes(f)), 'color', 'data-url'];
    const answers = [
      'https://www.exemple.fr/a?b=1#c',
      '/demarches/etat-civil?etape=2',
      'valeur invalide !',
      'rssi@mairie.fr',
      '192.168.10.42',
      '2001:db8::1',
      'poste.mairie.local',
      '3f2b8c9e-1d4a-4e6b-9c2f-7a1b2c3d4e5f',
      '2026-11-30',
      '14:30:00Z',
      '2026-11-30T14:30:00Z',
      'P1DT2H',
      '/a/b~1c',
      '0/a',
      '#/a',
      'http://exemple.fr/{id}',
      'SGVsbG8=',
      '#1e3a8a',
      'rgb(10, 20, 30)',
      'data:text/plain;base64,SGVsbG8=',
      '',
    ];
    const disagreements: string[] = [];
    for (const format of names) {
      const schema = { type: 'string' as const, format };
      const ours = ajv.compile(schema);
      for (const answer of answers) {
        const reference = rjsf.isValid(schema, answer, schema);
        if (ours(answer) !== reference) disagreements.push(`${format} « ${answer} » : RJSF ${String(reference)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('accepts an open tuple, as RJSF writes them (strictTuples refused it)', () => {
    const validate = createAjv().compile({
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'boolean' }],
      items: { type: 'number' },
    });
    expect(validate(['a', true, 1, 2])).toBe(true);
    expect(validate(['a', true, 'x'])).toBe(false);
  });
});

describe('schemaCompileProblems', () => {
  const isFrench = (message: string) =>
    /[éèàçêô’«]/.test(message) && !/\bmust\b|strict mode|schema is invalid/.test(message);

  it.each<[string, object, string, string]>([
    [
      'a wrong type name',
      { type: 'object', properties: { a: { type: 'strin' } } },
      '/schema/properties/a/type',
      'type',
    ],
    [
      'a negative minLength',
      { type: 'object', properties: { a: { type: 'string', minLength: -1 } } },
      '/schema/properties/a/minLength',
      'au moins 0',
    ],
    ['required as a text', { type: 'object', required: 'a' }, '/schema/required', 'une liste'],
    [
      'an x-file of the wrong shape',
      { type: 'object', properties: { a: { type: 'string', 'x-file': { accept: 'pdf' } } } },
      '/schema/properties/a/x-file',
      'x-file',
    ],
  ])('says %s in French, with the keyword and its pointer', (_name, schema, pointer, says) => {
    const { errors } = schemaCompileProblems(schema);
    expect(errors).toEqual([expect.objectContaining({ code: 'schema_invalid', pointer })]);
    expect(errors[0]!.message).toContain(says);
    expect(isFrench(errors[0]!.message)).toBe(true);
  });

  it.each<[string, object, string, string]>([
    [
      'minLength without a type',
      { type: 'object', properties: { a: { minLength: 2 } } },
      '/schema/properties/a/minLength',
      '"type": "string"',
    ],
    [
      'a branch type its context excludes',
      { type: 'object', properties: { a: { type: 'string', anyOf: [{ type: 'number' }] } } },
      '/schema/properties/a/anyOf/0/type',
      'un nombre',
    ],
    [
      'properties in an allOf branch of an untyped root',
      { allOf: [{ properties: { b: { type: 'string' } } }] },
      '/schema/allOf/0/properties',
      'un objet',
    ],
  ])(
    'accepts %s (valid JSON Schema RJSF accepts; ajv’s strictTypes refused it, in English) with a French warning',
    (_name, schema, pointer, says) => {
      const { errors, warnings } = schemaCompileProblems(schema);
      expect(errors).toEqual([]);
      expect(warnings).toEqual([expect.objectContaining({ code: 'type_hint', pointer })]);
      expect(warnings[0]!.message).toContain(says);
      expect(isFrench(warnings[0]!.message)).toBe(true);
    },
  );

  it('finds nothing in a schema ajv compiles', () => {
    expect(schemaCompileProblems({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({
      errors: [],
      warnings: [],
    });
  });
});
