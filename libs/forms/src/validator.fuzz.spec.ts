import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseJsonPointer, readPointer, type JsonSchema, type ServiceDefinition } from '@guichet/shared';
import { checkDefinition } from './check-definition';
import { FormValidator } from './validator';

/**
 * Submission validation fuzzed against every example service in forms/:
 * answers shaped like each form (right and wrong types, missing and extra
 * fields, hostile keys) and plain random JSON, in draft and submit modes,
 * with and without identity claims. It never throws, and every error points
 * (RFC 6901) at a place that exists in the stored answers, or at a missing
 * property of an object that does, with a non-empty French message.
 */
const FORMS_DIR = join(__dirname, '../../../forms');
const RUNS_PER_FORM = 400;

const definitions = readdirSync(FORMS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((file) => {
    const { definition } = JSON.parse(readFileSync(join(FORMS_DIR, file), 'utf8')) as { definition: unknown };
    const checked = checkDefinition(definition);
    if (!checked.ok) throw new Error(`${file} does not pass checkDefinition`);
    return { file, definition: checked.definition };
  });

const anyValue = fc.jsonValue({ maxDepth: 2 });
const hostileKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'a/b', 'c~d', '', 'x');

/** Answers shaped by `schema`: usually the right type (often a valid-looking value), sometimes anything. */
function answersFor(schema: JsonSchema | boolean | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || typeof schema !== 'object' || depth > 6) return anyValue;
  const s = schema as Record<string, unknown>;
  const shaped = (): fc.Arbitrary<unknown> => {
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    if (s.const !== undefined) return fc.constant(s.const);
    if (s['x-file']) return fc.oneof(fc.uuid(), fc.string());
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (type === 'object' || s.properties) {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const shapedKeys = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, sub]) => [k, answersFor(sub, depth + 1)])),
        { requiredKeys: [] },
      );
      return fc
        .tuple(shapedKeys, fc.dictionary(hostileKey, anyValue, { maxKeys: 1 }), fc.nat(99))
        .map(([known, extra, dice]) => (dice < 85 ? known : Object.assign(extra, known)));
    }
    if (type === 'array') return fc.array(answersFor(s.items as JsonSchema, depth + 1), { maxLength: 4 });
    if (type === 'boolean') return fc.boolean();
    if (type === 'integer') return fc.integer({ min: -10, max: 1_000_000 });
    if (type === 'number') return fc.double();
    if (type === 'string') {
      const samples: Record<string, string[]> = {
        email: ['nom@exemple.fr', 'pas-une-adresse', 'a@b'],
        date: ['2024-09-02', '2024-02-30', '02/09/2024'],
        'fr-postal-code': ['45000', '96000', '2A004'],
        'fr-phone': ['0612345678', '+33612345678', '12'],
        siret: ['73282932000074', '12345678901234'],
      };
      const known = typeof s.format === 'string' ? samples[s.format] : undefined;
      return known ? fc.oneof(fc.constantFrom(...known), fc.string()) : fc.string({ maxLength: 40 });
    }
    return anyValue;
  };
  return fc.oneof({ weight: 6, arbitrary: shaped() }, { weight: 1, arbitrary: anyValue });
}

const claims = fc.option(
  fc.record(
    {
      given_name: fc.oneof(fc.constant('Hélène'), fc.string()),
      family_name: fc.oneof(fc.constant('GÉRARD'), fc.string()),
      birthdate: fc.constant('1954-01-15'),
      email: fc.constant('helene.gerard@example.fr'),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

const isFrench = (message: string) =>
  /[éèàçêôùû’«]|\b(le|la|les|un|une|des|du|au|ce|cette|votre|vos|est|pas|saisissez|choisissez|ajoutez|valeur|réponse|champ)\b/i.test(
    message,
  );

/** True when the pointer names a place in `data`, or a missing property of an object that is there. */
function pointsIntoData(data: unknown, pointer: string): boolean {
  const segments = parseJsonPointer(pointer);
  if (readPointer(data, pointer) !== undefined) return true;
  if (segments.length === 0) return false;
  const parent = readPointer(data, pointer.slice(0, pointer.lastIndexOf('/')));
  return parent !== null && typeof parent === 'object' && !Array.isArray(parent);
}

describe.each(definitions)('validation of $file under fuzzing', ({ definition }) => {
  const validator = new FormValidator(definition as ServiceDefinition);
  const shaped = answersFor(definition.schema);

  it(`never throws; every error points into the answers with a French message (${RUNS_PER_FORM} runs)`, () => {
    let invalid = 0;
    fc.assert(
      fc.property(
        fc.oneof({ weight: 5, arbitrary: shaped }, { weight: 1, arbitrary: fc.jsonValue() }),
        fc.constantFrom('draft' as const, 'submit' as const),
        claims,
        (input, mode, who) => {
          const outcome = validator.validate(input, { mode, claims: who });
          expect(typeof outcome.valid).toBe('boolean');
          expect(outcome.valid).toBe(outcome.errors.length === 0);
          if (!outcome.valid) invalid++;
          for (const e of outcome.errors) {
            expect(typeof e.pointer).toBe('string');
            expect(pointsIntoData(outcome.data, e.pointer!)).toBe(true);
            expect(e.message.trim().length).toBeGreaterThan(0);
            expect(isFrench(e.message)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS_PER_FORM },
    );
    // The generator reaches both sides of the validator.
    expect(invalid).toBeGreaterThan(RUNS_PER_FORM / 10);
  });
});
