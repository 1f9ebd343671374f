import { fullFormats } from 'ajv-formats/dist/formats';
import { STANDARD_FUNCTION_FORMATS } from './standard-formats';

type Definition = ((value: unknown) => boolean) | { validate: (value: unknown) => boolean; compare?: unknown };
const table = STANDARD_FUNCTION_FORMATS as unknown as Record<string, Definition>;
const reference = fullFormats as unknown as Record<string, Definition | RegExp | true>;

// Not registered by the server (libs/forms/src/ajv.ts, STANDARD_FORMATS), so never looked up by a validator module:
// `regex` would compile citizens' input, `iso-*` came with ajv-formats 3 (RJSF does not check them), `time` is RJSF's.
const NOT_REGISTERED = new Set(['regex', 'iso-time', 'iso-date-time', 'time']);

const validateOf = (d: Definition) => (typeof d === 'function' ? d : d.validate);

const SAMPLES: unknown[] = [
  '',
  '2024-02-29',
  '2023-02-29',
  '2024-13-01',
  '2024-1-01',
  '2024-04-31',
  '2000-02-29',
  '1900-02-29',
  '2024-09-02T14:30:00Z',
  '2024-09-02t14:30:00.123+02:00',
  '2024-09-02 14:30:00+0200',
  '2024-09-02T14:30:00',
  '2024-09-02T24:00:00Z',
  '2016-12-31T23:59:60Z',
  '2016-12-31T22:59:60-01:00',
  '2024-09-02T14:30:00+24:00',
  'https://www.exemple.fr/page?q=1#haut',
  'mailto:nom@exemple.fr',
  'urn:isbn:0451450523',
  'http://[2001:db8::1]:8080/',
  '/relatif',
  'exemple.fr',
  'https://exemple.fr/a b',
  'SGVsbG8=',
  'SGVsbG8',
  'SGVs\nbG8=',
  '12:30:00',
  0,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  1.5,
  2 ** 53,
];

describe('the standard formats the page passes to validator modules', () => {
  it('are every ajv-formats format that is a function and that the server registers, and no other', () => {
    const functions = Object.keys(reference).filter(
      (name) => !(reference[name] instanceof RegExp) && reference[name] !== true && !NOT_REGISTERED.has(name),
    );
    expect(Object.keys(table).sort()).toEqual(functions.sort());
  });

  it.each(Object.keys(STANDARD_FUNCTION_FORMATS))('%s gives ajv-formats’ verdicts and comparisons', (name) => {
    const ours = table[name]!;
    const theirs = reference[name] as Definition;
    expect(typeof ours === 'function' ? undefined : (ours as { type?: string }).type).toBe(
      typeof theirs === 'function' ? undefined : (theirs as { type?: string }).type,
    );
    const kind = typeof theirs === 'function' ? 'string' : ((theirs as { type?: string }).type ?? 'string');
    const values = SAMPLES.filter((v) => typeof v === kind);
    expect(values.length).toBeGreaterThan(5);
    for (const value of values) expect([value, validateOf(ours)(value)]).toEqual([value, validateOf(theirs)(value)]);
    const compare = (d: Definition) =>
      (typeof d === 'function' ? undefined : d.compare) as ((a: unknown, b: unknown) => number | undefined) | undefined;
    expect(typeof compare(ours)).toBe(typeof compare(theirs));
    const ourCompare = compare(ours);
    const theirCompare = compare(theirs);
    if (ourCompare && theirCompare)
      for (const a of values)
        for (const b of values) expect([a, b, ourCompare(a, b)]).toEqual([a, b, theirCompare(a, b)]);
  });
});
