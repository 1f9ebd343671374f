import Ajv2020 from 'ajv/dist/2020';
import { fullFormats } from 'ajv-formats/dist/formats';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CUSTOM_FORMATS, checkAnswers, type SchemaValidateFunction, type ServiceDefinition } from '@guichet/shared';
import { canteenDefinition, validCanteenData } from '../../../test/fixtures/canteen';
import { choiceDefinition } from '../../../test/fixtures/choice';
import { createAjv } from './ajv';
import { checkDefinition } from './check-definition';
import { browserValidatorModule } from './standalone';
import { FormValidator } from './validator';

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; keyword: string }> | null };

/** Loads the module text as the browser would, with the runtime the web app passes in: both exports. */
function loadBoth(source: string): { submit: Validate; draft: Validate | null } {
  // Test-only evaluation of the generated module; the browser imports it as a same-origin module instead.
  const factories = new Function(
    `${source
      .replace('export default function createValidator', 'function createValidator')
      .replace(
        'export function createDraftValidator',
        'function createDraftValidator',
      )}\nreturn { createValidator, createDraftValidator };`,
  )() as Record<'createValidator' | 'createDraftValidator', (runtime: unknown) => Validate | null>;
  const runtime = { ucs2length, equal, formats: { ...fullFormats, ...CUSTOM_FORMATS } };
  return { submit: factories.createValidator(runtime)!, draft: factories.createDraftValidator(runtime) };
}

function load(source: string): Validate {
  return loadBoth(source).submit;
}

const outcome = (validate: Validate, data: unknown) => {
  const valid = validate(data);
  return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`).sort() };
};

function definitionWithEverything(): ServiceDefinition {
  const d = canteenDefinition();
  const props = d.schema.properties as Record<string, Record<string, unknown>>;
  props.rna = { type: 'string', pattern: '^W[0-9]{9}$', 'x-hint': 'W suivi de 9 chiffres.' };
  props.when = { type: 'string', format: 'date' };
  props.site = { type: 'string', format: 'uri' };
  props.iban = { type: 'string', format: 'iban' };
  d.pages[0]!.fields.push('rna', 'when', 'site', 'iban');
  return d;
}

describe('browser validator module', () => {
  const definition = definitionWithEverything();
  const source = browserValidatorModule(definition, 'test-hash');
  const browser = load(source);
  const server = createAjv().compile(definition.schema) as Validate;

  it('loads nothing and evaluates nothing', () => {
    expect(source).not.toMatch(/\brequire\(|\beval\(|\bFunction\(|\bimport\(/);
    expect(source.startsWith('// Guichet: validators of the definition test-hash.')).toBe(true);
  });

  const base = validCanteenData();
  it.each<[string, unknown]>([
    [
      'a valid submission',
      {
        ...base,
        rna: 'W123456789',
        when: '2024-09-02',
        site: 'https://www.mairie.fr',
        iban: 'FR7630006000011234567890189',
      },
    ],
    ['an empty object', {}],
    ['wrong types everywhere', { parent: 3, children: 'x', hasAllergy: true }],
    [
      'bad formats and patterns',
      { ...base, rna: 'W12', when: '2024-02-30', site: 'pas une adresse', iban: 'FR7630006000011234567890180' },
    ],
    [
      'a bad postal code and phone',
      { ...base, parent: { ...(base.parent as object), postalCode: '00000', phone: 'abc' } },
    ],
    [
      'an attachment that is not an id',
      { ...base, hasAllergy: 'oui', allergyDetails: 'arachide', certificate: '../../etc/passwd' },
    ],
    ['an extra field', { ...base, isAdmin: true }],
    [
      'too many children',
      {
        ...base,
        children: Array.from({ length: 6 }, () => ({ firstName: 'A', school: 'jules-ferry', eatsPork: true })),
      },
    ],
    ['not an object', [1, 2, 3]],
  ])('agrees with the server on %s', (_name, data) => {
    expect(outcome(browser, data)).toEqual(outcome(server, data));
  });

  it('refuses what the server engine refuses on every example service', () => {
    // Sanity: the raw ajv (no Guichet engine) would accept a bad RNA; both Guichet engines refuse it.
    const raw = new Ajv2020({ strict: false }).compile({ type: 'string', pattern: '^W[0-9]{9}$' });
    expect(raw('W12')).toBe(false);
    expect(outcome(browser, { rna: 'W12' }).errors).toContain('/rna pattern');
  });
});

/**
 * The browser's two validators (the module's default export for submit, its
 * createDraftValidator for saves) give the same verdict and the same errors
 * as the server's, on every example service and the "at least one of" form,
 * for answers shaped like each form and for any JSON.
 */
describe('both exports agree with the server under fuzzing', () => {
  const FORMS_DIR = join(__dirname, '../../../forms');
  const definitions: Array<[string, ServiceDefinition]> = [
    ['choice', choiceDefinition()],
    ['canteen', canteenDefinition()],
    ...readdirSync(FORMS_DIR)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((file): [string, ServiceDefinition] => {
        const { definition } = JSON.parse(readFileSync(join(FORMS_DIR, file), 'utf8')) as { definition: unknown };
        const checked = checkDefinition(definition);
        if (!checked.ok) throw new Error(`${file} does not pass checkDefinition`);
        return [file, checked.definition];
      }),
  ];

  const scalar = fc.oneof(
    fc.constantFrom('oui', 'non', '', 'a@b.fr', '0612345678', '45000', '2024-09-02', 'x'.repeat(120)),
    fc.integer({ min: -5, max: 2000 }),
    fc.boolean(),
  );
  /** Answers with the form's own property names (at two levels), often of the right kind. */
  function shaped(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
    const s = (schema ?? {}) as Record<string, unknown>;
    if (depth > 3) return scalar;
    if (Array.isArray(s.enum)) return fc.oneof(fc.constantFrom(...(s.enum as unknown[])), scalar);
    if (s.type === 'array') return fc.array(shaped(s.items, depth + 1), { maxLength: 3 });
    const properties = s.properties as Record<string, unknown> | undefined;
    if (properties)
      return fc.record(Object.fromEntries(Object.entries(properties).map(([k, sub]) => [k, shaped(sub, depth + 1)])), {
        requiredKeys: [],
      });
    return scalar;
  }

  it.each(definitions)('%s', (_name, definition) => {
    const server = new FormValidator(definition);
    const browser = loadBoth(browserValidatorModule(definition, 'test-hash'));
    expect(browser.draft === null).toBe(!server.hasDraftSchema);
    const page = Object.assign(browser.submit, { draft: browser.draft }) as unknown as SchemaValidateFunction;
    const answers = fc.oneof(
      { weight: 5, arbitrary: shaped(definition.schema) },
      { weight: 1, arbitrary: fc.jsonValue() },
    );
    fc.assert(
      fc.property(answers, fc.constantFrom('draft' as const, 'submit' as const), (data, mode) => {
        const { valid, errors, moreErrors } = checkAnswers(page, definition, data, { mode });
        expect({ valid, errors, moreErrors }).toEqual(pick(server.validate(data, { mode })));
      }),
      { numRuns: 300 },
    );
  });

  const pick = ({ valid, errors, moreErrors }: { valid: boolean; errors: unknown[]; moreErrors: number }) => ({
    valid,
    errors,
    moreErrors,
  });
});
