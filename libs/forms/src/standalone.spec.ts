import Ajv2020 from 'ajv/dist/2020';
import { fullFormats } from 'ajv-formats/dist/formats';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { CUSTOM_FORMATS, type ServiceDefinition } from '@guichet/shared';
import { canteenDefinition, validCanteenData } from '../../../test/fixtures/canteen';
import { createAjv } from './ajv';
import { browserValidatorModule } from './standalone';

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; keyword: string }> | null };

/** Loads the module text as the browser would, with the runtime the web app passes in. */
function load(source: string): Validate {
  // Test-only evaluation of the generated module; the browser imports it as a same-origin module instead.
  const createValidator = new Function(`${source.replace('export default function', 'return function')}`)() as (
    runtime: unknown,
  ) => Validate;
  return createValidator({ ucs2length, equal, formats: { ...fullFormats, ...CUSTOM_FORMATS } });
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
    expect(source.startsWith('// Guichet: validator of the definition test-hash.')).toBe(true);
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
