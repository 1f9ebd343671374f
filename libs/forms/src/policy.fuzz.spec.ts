import { Script, createContext } from 'node:vm';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { parseJsonPointer } from '@guichet/shared';
import { createAjv } from './ajv';
import { checkSchemaPolicy, inspectSchema } from './policy';

/**
 * Property tests of the safe schema policy (policy.ts): what it refuses it
 * refuses with a pointer and a French message; what it accepts compiles in
 * ajv to code in proportion to it and validates any answers without throwing
 * or hanging; and a pattern it accepts runs in bounded time on the browser's
 * backtracking engine, however adversarial the input. Run counts are in the
 * titles.
 */
const KEYWORDS = [
  'type',
  'properties',
  'items',
  'required',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
  '$defs',
  'additionalProperties',
  'patternProperties',
  'dependentSchemas',
  'x-file',
  'x-hint',
  'title',
  '$schema',
  '$id',
  '$dynamicRef',
  'maxLenght',
  '__proto__',
  'constructor',
];
const NAMES = ['a', 'b', 'x', 'nom', '__proto__', 'constructor', 'a/b', 'c~d'];
const REFS = [
  '#',
  '#/$defs/a',
  '#/$defs/b',
  '#/properties/a',
  '#/allOf/0',
  '#/$defs/a/allOf/0',
  '#/not',
  'https://evil.example/s.json',
  '#%',
  '#/$defs/%61',
];
const PATTERN_PARTS = [
  'a',
  'b',
  '1',
  '\\d',
  '\\w',
  '\\s',
  '.',
  '[ab]',
  '[^a]',
  '(',
  '(?:',
  ')',
  '|',
  '*',
  '+',
  '?',
  '{2}',
  '{1,3}',
  '{2,}',
  '^',
  '$',
  '\\1',
  '(?=a)',
  '\\p{L}',
  '(?i)',
];

const pattern = fc.array(fc.constantFrom(...PATTERN_PARTS), { minLength: 1, maxLength: 10 }).map((p) => p.join(''));

/** Schema-shaped input; `patterns` makes its patterns (the pattern property has its own, wilder, generator). */
const schemaWith = (patterns: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  fc.letrec<{ s: unknown }>((tie) => ({
    s: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.boolean(),
      fc.record(
        {
          type: fc.constantFrom('string', 'number', 'integer', 'boolean', 'object', 'array', 'null'),
          minLength: fc.nat(5),
          maxLength: fc.nat(50),
          pattern: patterns,
          format: fc.constantFrom('email', 'date', 'fr-postal-code', 'regex', 'credit-card'),
          enum: fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 3 }),
          minimum: fc.integer(),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          type: fc.constant('object'),
          properties: fc.dictionary(fc.constantFrom(...NAMES), tie('s'), { maxKeys: 3 }),
          required: fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }),
          additionalProperties: fc.oneof(fc.boolean(), tie('s')),
          patternProperties: fc.dictionary(patterns, tie('s'), { maxKeys: 1 }),
        },
        { requiredKeys: ['type'] },
      ),
      fc.record({ type: fc.constant('array'), items: tie('s'), maxItems: fc.nat(5) }, { requiredKeys: ['type'] }),
      fc.array(tie('s'), { minLength: 1, maxLength: 2 }).map((allOf) => ({ allOf })),
      fc.array(tie('s'), { minLength: 1, maxLength: 2 }).map((anyOf) => ({ anyOf })),
      tie('s').map((not) => ({ not })),
      fc.record({ if: tie('s'), then: tie('s'), else: tie('s') }, { requiredKeys: ['if'] }),
      fc.constantFrom(...REFS).map(($ref) => ({ $ref })),
      fc.record({
        $defs: fc.record({ a: tie('s'), b: tie('s') }, { requiredKeys: [] }),
        $ref: fc.constantFrom(...REFS),
      }),
      fc.dictionary(fc.constantFrom(...KEYWORDS), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    ),
  })).s;
const schema = schemaWith(pattern);
/** A few patterns, safe or not, cheap to analyse: the compile property is about structure. */
const tamePatterns = schemaWith(fc.constantFrom('^[a-z]+$', '^[0-9]{5}$', 'a|b', '(a+)+', '(?=a)'));

/** Inputs that make backtracking engines explode on ambiguous or overlapping repetitions. */
const ADVERSARIAL = ['a', '1', 'ab', ' ', 'a1', 'aa1'].flatMap((unit) =>
  [12, 28, 2000].flatMap((n) => [unit.repeat(n), `${unit.repeat(n)}!`, `!${unit.repeat(n)}`]),
);

/**
 * True when the native engine (what the browser runs) answers each
 * adversarial input within `ms`. Quadratic work on 2,000 characters (`.+x`,
 * any unanchored search) takes a few milliseconds and passes; exponential or
 * cubic work does not.
 */
const sandbox = createContext({ re: /x/, input: '' });
const matchOnce = new Script('re.test(input)');
/**
 * A catastrophic backtrack on the 2,000-character inputs runs for minutes; a sound pattern takes milliseconds. The
 * bound sits far from both, so a machine busy with other tests (a sound pattern once took over 200 ms there) does
 * not fail the property, and a real catastrophe still does.
 */
const BACKTRACK_LIMIT_MS = 2000;

function fastInBrowserEngine(source: string, ms: number): boolean {
  sandbox.re = new RegExp(source, 'u');
  return ADVERSARIAL.every((input) => {
    sandbox.input = input;
    try {
      // vm's timeout interrupts V8 inside a backtracking match: a hang fails the property instead of the run.
      matchOnce.runInContext(sandbox, { timeout: ms });
      return true;
    } catch {
      return false;
    }
  });
}

/** A validation still running after this long does not end: minutes, where a sound one takes milliseconds. */
const HANG_MS = 5000;
const validating = createContext({ validate: (_data: unknown): unknown => undefined, data: undefined as unknown });
const validateOnce = new Script('validate(data)');
/**
 * Characters of validation code ajv may write per character of schema. The policy's limits keep the code in
 * proportion to the schema; a construct that multiplied it (a reference expanded in place at every use, say)
 * would cost compile time in the same proportion, and fails this bound first.
 */
const CODE_PER_SCHEMA_CHARACTER = 60;
/** What any validator holds whatever its schema (its function, its error list): counted as schema characters. */
const FIXED_CODE = 100;

const isFrench = (message: string) =>
  /[éèàçêô’«]|\b(le|la|les|un|une|des|du|est|sont|au plus|motif|schéma|mot-clé|clé)\b/i.test(message);

describe('safe schema policy under fuzzing', () => {
  it('never throws, and locates every refusal in French (3,000 runs)', () => {
    fc.assert(
      fc.property(fc.oneof(schema, fc.jsonValue()), (input) => {
        const errors = checkSchemaPolicy(input);
        for (const e of errors) {
          expect(e.pointer!.startsWith('/schema')).toBe(true);
          expect(() => parseJsonPointer(e.pointer!)).not.toThrow();
          expect(e.code).toMatch(/^[a-z_]+$/);
          expect(isFrench(e.message)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('what it accepts compiles to code of bounded size and validates any answers without throwing or hanging (300 runs)', () => {
    let accepted = 0;
    let compiled = 0;
    let largestCode = 0;
    fc.assert(
      fc.property(
        tamePatterns,
        fc.array(fc.jsonValue({ maxDepth: 4 }), { minLength: 1, maxLength: 3 }),
        (s, answers) => {
          if (checkSchemaPolicy(s).length > 0) return;
          accepted++;
          let validate: ((data: unknown) => boolean) | undefined;
          try {
            validate = createAjv({ code: { source: true } }).compile(s as object);
          } catch (error) {
            // ajv's strict mode may still refuse it: checkDefinition answers schema_invalid, a 422.
            expect(error).toBeInstanceOf(Error);
            expect((error as Error).name).not.toBe('RangeError');
          }
          if (!validate) return;
          compiled++;
          // What compiling costs grows with the code ajv writes: counted in characters, not timed.
          const source = (validate as { source?: { validateCode: string } }).source!.validateCode;
          largestCode = Math.max(largestCode, source.length / (JSON.stringify(s).length + FIXED_CODE));
          for (const data of answers) {
            // A validation that never ends is interrupted and fails the property (a hang, not a slow machine).
            validating.validate = validate;
            validating.data = data;
            expect(typeof validateOnce.runInContext(validating, { timeout: HANG_MS })).toBe('boolean');
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(30);
    expect(compiled).toBeGreaterThan(15);
    expect(largestCode).toBeGreaterThan(0);
    expect(largestCode).toBeLessThan(CODE_PER_SCHEMA_CHARACTER);
  });

  it('a pattern it accepts compiles for the server and the browser and never backtracks catastrophically (1,000 runs)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(pattern, (p) => {
        if (checkSchemaPolicy({ type: 'string', pattern: p }).length > 0) return;
        accepted++;
        expect(() => RE2JS.compile(p)).not.toThrow();
        expect(fastInBrowserEngine(p, BACKTRACK_LIMIT_MS)).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('whatever an annotation holds, it is kept with one warning and never refused, and ajv ignores it (200 runs)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.constantFrom('errorMessage', 'x-vendor', 'enumNames', 'maxLenght'),
        (value, key) => {
          const schema = { type: 'object', properties: { a: { type: 'string', [key]: value } } };
          const { errors, warnings } = inspectSchema(schema);
          expect(errors).toEqual([]);
          expect(warnings).toEqual([
            expect.objectContaining({ code: 'annotation', pointer: `/schema/properties/a/${key}` }),
          ]);
          expect(createAjv().compile(schema)({ a: 'x' })).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['(a|a)*$', 'ambiguous alternation under a star'],
    ['^(\\w|\\d)+$', 'overlapping alternatives'],
    ['\\d*\\d*\\d*\\d*x', 'adjacent overlapping repetitions'],
    ['[[:alpha:]]+', 'RE2 syntax the browser cannot compile'],
    ['\\pL+', 'RE2 syntax the browser cannot compile'],
  ])('refuses %s (%s), which the fuzzing found accepted before', (p) => {
    expect(checkSchemaPolicy({ type: 'string', pattern: p })).toEqual([
      expect.objectContaining({ code: 'unsafe_pattern', pointer: '/schema/pattern' }),
    ]);
  });

  it.each([
    [{ $ref: '#' }, '/schema/$ref'],
    [{ allOf: [{ $ref: '#' }] }, '/schema/allOf/0/$ref'],
    [
      { $defs: { a: { $ref: '#/$defs/b' }, b: { not: { $ref: '#/$defs/a' } } }, $ref: '#/$defs/a' },
      '/schema/$defs/a/$ref',
    ],
  ])('refuses the $ref loop %j, on which ajv overflowed its stack', (s, pointer) => {
    expect(checkSchemaPolicy(s)).toEqual([expect.objectContaining({ code: 'ref_loop', pointer })]);
  });

  it('refuses a group that contains itself through its fields (validation ends, but the form would draw it without end)', () => {
    expect(
      checkSchemaPolicy({
        type: 'object',
        $defs: { person: { type: 'object', properties: { parent: { $ref: '#/$defs/person' } } } },
        properties: { me: { $ref: '#/$defs/person' } },
      }),
    ).toEqual([
      expect.objectContaining({ code: 'recursive_group', pointer: '/schema/$defs/person/properties/parent/$ref' }),
    ]);
    expect(checkSchemaPolicy({ type: 'object', properties: { conjoint: { allOf: [{ $ref: '#' }] } } })).toEqual([
      expect.objectContaining({ code: 'recursive_group', pointer: '/schema/properties/conjoint/allOf/0/$ref' }),
    ]);
  });

  it('accepts recursion that goes through the answers and is drawn only when answered, and real-world patterns', () => {
    for (const through of [
      { type: 'array', items: { $ref: '#/$defs/person' } },
      { oneOf: [{ type: 'null' }, { $ref: '#/$defs/person' }] },
    ])
      expect(
        checkSchemaPolicy({
          type: 'object',
          $defs: { person: { type: 'object', properties: { parents: through } } },
          properties: { me: { $ref: '#/$defs/person' } },
        }),
      ).toEqual([]);
    expect(
      checkSchemaPolicy({ type: 'object', properties: { parents: { type: 'array', items: { $ref: '#' } } } }),
    ).toEqual([]);
    for (const p of [
      '^W[0-9]{9}$',
      '^[0-9]{7,8}$',
      '^(\\+33|0)[1-9][0-9]{8}$',
      "^[A-Za-zÀ-ÿ' -]+$",
      // Bounded repetitions the star-height test refused and redos-detector calls safe.
      '^\\d{5}(?:-\\d{4})?$',
      '^(?:(?:\\+|00)33|0)\\s*[1-9](?:[\\s.-]*\\d{2}){4}$',
      '^FR\\d{2}(?: ?\\d{4}){5} ?\\d{3}$',
    ]) {
      expect(checkSchemaPolicy({ type: 'string', pattern: p })).toEqual([]);
      // …and they do run in linear time on the browser's engine.
      expect(fastInBrowserEngine(p, BACKTRACK_LIMIT_MS)).toBe(true);
    }
  });
});
