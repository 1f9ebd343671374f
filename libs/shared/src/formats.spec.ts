import { CUSTOM_FORMATS, FORMAT_HINTS_EN, FORMAT_HINTS_FR, type FormatName } from './formats';

// Reference checksums written independently of formats.ts (BigInt, left-to-right Luhn) so that a shared
// mistake cannot make a fixture and the validator agree.
const luhnValid = (digits: string): boolean =>
  [...digits].reduce((sum, ch, i) => {
    const doubled = (digits.length - i) % 2 === 0;
    const d = Number(ch) * (doubled ? 2 : 1);
    return sum + Math.floor(d / 10) + (d % 10);
  }, 0) %
    10 ===
  0;

const digitSum = (digits: string): number => [...digits].reduce((sum, ch) => sum + Number(ch), 0);

/** Appends the Luhn check digit. */
const withLuhn = (digits: string): string => {
  const check = [...'0123456789'].find((c) => luhnValid(digits + c));
  return digits + check;
};

const ibanNumber = (text: string): bigint =>
  BigInt([...text].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join(''));

const ibanValid = (iban: string): boolean => ibanNumber(iban.slice(4) + iban.slice(0, 4)) % 97n === 1n;

/** Builds an IBAN with correct check digits, whatever its length. */
const makeIban = (country: string, bban: string): string => {
  const check = 98n - (ibanNumber(bban + country + '00') % 97n);
  return country + String(check).padStart(2, '0') + bban;
};

/** Appends the NIR key; `corsica` says how 2A/2B are read, to build deliberately wrong keys too. */
const withNirKey = (body: string, corsica: Record<string, string> = { '2A': '19', '2B': '18' }): string => {
  const numeric = body.replace(/2[AB]/, (d) => corsica[d] ?? d);
  return body + String(97n - (BigInt(numeric) % 97n)).padStart(2, '0');
};

const compact = (value: string): string => value.replace(/ /g, '');

/** Every variant of `value` with one digit (from index `from`) changed by one of `steps`, wrapping around. */
const oneDigitOff = (value: string, from = 0, steps = [1, 9]): string[] =>
  [...value].flatMap((ch, i) =>
    i >= from && /[0-9]/.test(ch)
      ? steps.map((step) => value.slice(0, i) + String((Number(ch) + step) % 10) + value.slice(i + 1))
      : [],
  );

const FORMATS = Object.keys(CUSTOM_FORMATS) as FormatName[];

describe('CUSTOM_FORMATS', () => {
  it('covers exactly the documented formats, immutably', () => {
    expect(FORMATS.sort()).toEqual(
      ['fr-phone', 'fr-postal-code', 'iban', 'insee-commune-code', 'nir', 'siren', 'siret'].sort(),
    );
    expect(Object.isFrozen(CUSTOM_FORMATS)).toBe(true);
  });

  const hostile: unknown[] = [
    '',
    ' ',
    '     ',
    '\t\n',
    '\u00A0',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'undefined',
    'null',
    '٣٣٣٣٣',
    '٠٦١٢٣٤٥٦٧٨',
    '７５００１',
    '7'.repeat(10_000),
    ' '.repeat(10_000),
    '73282932000074'.repeat(715),
    null,
    undefined,
    75001,
    732829320,
    {},
    [],
    Object.create(null),
    Symbol('x'),
  ];

  describe.each(FORMATS)('%s', (format) => {
    it.each(hostile.map((v) => [v]))('rejects %p without throwing', (value) => {
      expect(CUSTOM_FORMATS[format](value as string)).toBe(false);
    });

    it('rejects anything over 64 characters, even made of valid characters', () => {
      expect(CUSTOM_FORMATS[format]('1 '.repeat(32) + '1')).toBe(false);
      expect(CUSTOM_FORMATS[format]('0'.repeat(65))).toBe(false);
    });
  });
});

describe('fr-postal-code', () => {
  const valid = CUSTOM_FORMATS['fr-postal-code'];

  it.each(['75001', '20000', '20090', '01000', '13001', '95000', '97100', '97411', '97600', '98714', '98800'])(
    'accepts %s',
    (code) => expect(valid(code)).toBe(true),
  );

  it.each([
    '00100', // no department 00
    '96000',
    '99000',
    '97000', // overseas is 971-976 only
    '97700',
    '98000', // Monaco: not France
    '98300',
    '98900',
    '7500',
    '750011',
    '75 001',
    ' 75001',
    '75001 ',
    '2A004', // an INSEE code, not a postal code
    '7500a',
    '-7500',
  ])('rejects %p', (code) => expect(valid(code)).toBe(false));
});

describe('insee-commune-code', () => {
  const valid = CUSTOM_FORMATS['insee-commune-code'];

  it.each(['75056', '2A004', '2B033', '2a004', '01001', '13055', '95690', '97101', '97411', '97611'])(
    'accepts %s',
    (code) => expect(valid(code)).toBe(true),
  );

  it.each([
    '00001',
    '20004', // Corsica is 2A/2B in INSEE codes
    '96001',
    '97056', // overseas is 971-976 only
    '97701',
    '98818', // COM codes are not accepted
    '99100',
    '2C004',
    '7505',
    '750560',
    '2A 004',
    '75056 ',
    '75O56',
  ])('rejects %p', (code) => expect(valid(code)).toBe(false));
});

describe('fr-phone', () => {
  const valid = CUSTOM_FORMATS['fr-phone'];

  it.each([
    '01 23 45 67 89',
    '0123456789',
    '06.12.34.56.78',
    '06-12-34-56-78',
    '06\u00A012\u00A034\u00A056\u00A078',
    '09 87 65 43 21',
    '0 800 123 456',
    '+33 6 12 34 56 78',
    '+33612345678',
    '+33 1.23.45.67.89',
    '0033 6 12 34 56 78',
    '+262 692 12 34 56',
    '+590 690 12 34 56',
    '+594 694 12 34 56',
    '+596 696 12 34 56',
    '+269 639 12 34 56',
    '00262 262 12 34 56',
  ])('accepts %p', (phone) => expect(valid(phone)).toBe(true));

  it.each([
    '00 12 34 56 78', // 0 then 0 is not a national number
    '1234567890',
    '01 23 45 67 8',
    '01 23 45 67 890',
    '+33 06 12 34 56 78', // the trunk 0 is dropped after +33
    '+33 0 12 34 56 78',
    '+33 6 12 34 56 7',
    '+44 7911 123456',
    '+1 202 555 0123',
    '+508 41 23 45',
    '06 12 34 56 7a',
    '06/12/34/56/78',
    '(01) 23 45 67 89',
    '+33 (0)6 12 34 56 78',
    '06  12 34 56 78',
    '06..12.34.56.78',
    ' 0612345678',
    '0612345678 ',
    '-0612345678',
    '+ 33 6 12 34 56 78',
    '++33612345678',
    '33612345678',
    '+33 6 12 34 56 78 poste 12',
    '０６１２３４５６７８',
  ])('rejects %p', (phone) => expect(valid(phone)).toBe(false));
});

describe('siren', () => {
  const valid = CUSTOM_FORMATS.siren;
  const fixtures = ['732829320', '356000000', '552100554', withLuhn('12345678'), withLuhn('90000001')];

  it('uses fixtures whose Luhn checksum is right', () => {
    for (const siren of fixtures) expect(luhnValid(siren)).toBe(true);
  });

  it.each([...fixtures, '732 829 320', '732\u202F829\u202F320'])('accepts %p', (siren) =>
    expect(valid(siren)).toBe(true),
  );

  it.each(fixtures.flatMap((siren) => oneDigitOff(siren)))('rejects %s (one digit off)', (siren) =>
    expect(valid(siren)).toBe(false),
  );

  it.each(['73282932', '7328293200', '732-829-320', '732.829.320', '732  829 320', ' 732829320', 'ABCDEFGHI'])(
    'rejects %p',
    (siren) => expect(valid(siren)).toBe(false),
  );
});

describe('siret', () => {
  const valid = CUSTOM_FORMATS.siret;
  const regular = ['73282932000074', withLuhn('5521005540003'), withLuhn('1234567800001')];
  // La Poste establishments: digit sum a multiple of 5, and here deliberately not Luhn-valid.
  const laPoste = ['35600000012346', '35600000098761'];
  // Luhn-valid La Poste numbers whose digit sum is not a multiple of 5: the wrong rule for them.
  const laPosteLuhnOnly = ['356000000', '3560000001234']
    .map((prefix) => withLuhn(prefix.padEnd(13, '0')))
    .filter((siret) => siret !== '35600000000048' && digitSum(siret) % 5 !== 0);

  it('uses fixtures that exercise the La Poste exception', () => {
    for (const siret of regular) expect(luhnValid(siret)).toBe(true);
    for (const siret of laPoste) {
      expect(digitSum(siret) % 5).toBe(0);
      expect(luhnValid(siret)).toBe(false);
    }
    expect(laPosteLuhnOnly.length).toBeGreaterThan(0);
    for (const siret of laPosteLuhnOnly) expect(luhnValid(siret)).toBe(true);
    // The head office follows Luhn, not the digit-sum rule.
    expect(luhnValid('35600000000048')).toBe(true);
    expect(digitSum('35600000000048') % 5).not.toBe(0);
  });

  it.each([...regular, ...laPoste, '35600000000048', '732 829 320 00074', '356 000 000 00048'])('accepts %p', (siret) =>
    expect(valid(siret)).toBe(true),
  );

  it.each(laPosteLuhnOnly)('rejects La Poste %s, Luhn-valid but not a multiple of 5', (siret) =>
    expect(valid(siret)).toBe(false),
  );

  it.each([
    ...regular.flatMap((siret) => oneDigitOff(siret)),
    // Only the NIC: changing the SIREN could leave La Poste and land on a Luhn-valid number.
    ...laPoste.flatMap((siret) => oneDigitOff(siret, 9)),
    // Head office minus one somewhere has a digit sum of 25: a valid La Poste establishment number.
    ...oneDigitOff('35600000000048', 9, [1]),
  ])('rejects %s (one digit off)', (siret) => expect(valid(siret)).toBe(false));

  it.each([
    '7328293200007',
    '732829320000740',
    '732829320',
    '732-829-320-00074',
    '732 829 320 00074 ',
    '732829320OOO74',
    'ABCDEFGHIJKLMN',
  ])('rejects %p', (siret) => expect(valid(siret)).toBe(false));
});

describe('iban', () => {
  const valid = CUSTOM_FORMATS.iban;
  const fixtures = [
    'FR76 3000 6000 0112 3456 7890 189',
    'DE89 3704 0044 0532 0130 00',
    'GB82 WEST 1234 5698 7654 32',
    'BE68 5390 0754 7034',
    'NL91 ABNA 0417 1643 00',
    'ES91 2100 0418 4502 0005 1332',
    'IT60 X054 2811 1010 0000 0123 456',
    'CH93 0076 2011 6238 5295 7',
    'LU28 0019 4006 4475 0000',
    'PT50 0002 0123 1234 5678 9015 4',
    'MC58 1122 2000 0101 2345 6789 030',
    'NO93 8601 1117 947',
    'MT84 MALT 0110 0001 2345 MTLC AST0 01S',
  ];

  it('uses fixtures whose mod-97 is 1', () => {
    for (const iban of fixtures) expect(ibanValid(compact(iban))).toBe(true);
  });

  it.each([
    ...fixtures,
    ...fixtures.map(compact),
    'fr76 3000 6000 0112 3456 7890 189',
    'Gb82WeSt12345698765432',
    'FR7630006000011234567890189',
    'FR76\u00A03000\u00A06000\u00A00112\u00A03456\u00A07890\u00A0189',
    makeIban('SA', '80000000608010167519'),
  ])('accepts %p', (iban) => expect(valid(iban)).toBe(true));

  it.each(fixtures.map(compact).flatMap((iban) => oneDigitOff(iban)))('rejects %s (one digit off)', (iban) =>
    expect(valid(iban)).toBe(false),
  );

  // Right checksum, wrong length: only the length rule can reject these.
  const wrongLength = [
    makeIban('FR', '3000600001123456789018'),
    makeIban('FR', '300060000112345678901890'),
    makeIban('DE', '3704004405320130001'),
    makeIban('BE', '53900754703'),
    makeIban('GB', 'WEST123456987654321'),
    makeIban('XX', '12345678901'.slice(0, 10)),
    makeIban('XX', '1'.repeat(31)),
  ];

  it.each(wrongLength)('rejects %s (checksum right, length wrong)', (iban) => {
    expect(ibanValid(iban)).toBe(true);
    expect(valid(iban)).toBe(false);
  });

  it('rejects a 34-character IBAN spread over more than 64 characters', () => {
    const longest = makeIban('XX', 'A1'.repeat(15));
    expect(valid(longest.match(/.{1,2}/g)!.join(' '))).toBe(true);
    expect(valid([...longest].join(' '))).toBe(false);
  });

  it.each([
    'FR76 3000 6000 0112 3456 7890 188',
    'FR76-3000-6000-0112-3456-7890-189',
    'FR76  3000 6000 0112 3456 7890 189',
    ' FR7630006000011234567890189',
    'F176 3000 6000 0112 3456 7890 189',
    'FRX6 3000 6000 0112 3456 7890 189',
    'FR76 3000 6000 0112 3456 7890 18٩',
    'FR76 3000 6000 0112 3456 7890 18_',
    'FR76',
  ])('rejects %p', (iban) => expect(valid(iban)).toBe(false));
});

describe('nir', () => {
  const valid = CUSTOM_FORMATS.nir;
  const fixtures = [
    '185057800608491', // key checked by hand: 97 - 1850578006084 mod 97 = 91
    withNirKey('1850578006084'),
    withNirKey('290112A004123'), // born in Corse-du-Sud
    withNirKey('178052B033007'), // born in Haute-Corse
    withNirKey('155052000401'.padEnd(13, '7')), // born in Corsica before 1976
    withNirKey('1770499350012'), // born abroad (Morocco)
    withNirKey('2690297411732'), // born in La Réunion
    withNirKey('2693075056123'), // unknown month
    withNirKey('1925575056123'),
    withNirKey('7800175056123'), // temporary number
    withNirKey('8001275056123'),
    withNirKey('4804275056123'),
    withNirKey('1850578006078'), // a multiple of 97: the key is 97, not 00
  ];

  it('uses fixtures whose key matches', () => {
    expect(fixtures[0]).toBe(fixtures[1]);
    expect(fixtures.at(-1)).toMatch(/97$/);
  });

  it.each([
    ...fixtures,
    '1 85 05 78 006 084 91',
    fixtures[2]!.toLowerCase(),
    fixtures[2]!.replace(/^(.)(..)(..)(..)(...)(...)(..)$/, '$1 $2 $3 $4 $5 $6 $7'),
  ])('accepts %p', (nir) => expect(valid(nir)).toBe(true));

  it.each(fixtures.flatMap((nir) => oneDigitOff(nir)))('rejects %s (one digit off)', (nir) =>
    expect(valid(nir)).toBe(false),
  );

  it.each([
    // The key must be computed with 2A as 19 and 2B as 18, not the other way round.
    withNirKey('290112A004123', { '2A': '18' }),
    withNirKey('178052B033007', { '2B': '19' }),
    withNirKey('290112A004123', { '2A': '20' }),
    withNirKey('5850578006084'), // sex 5, 6, 9, 0 do not exist
    withNirKey('6850578006084'),
    withNirKey('0850578006084'),
    withNirKey('1850078006084'), // month 00, 13-19, 43-49
    withNirKey('1851378006084'),
    withNirKey('1851978006084'),
    withNirKey('1854378006084'),
    withNirKey('1854978006084'),
    withNirKey('1850500006084'), // department 00 and unknown letters
    ...Array.from({ length: 98 }, (_, key) => `185052C006084${String(key).padStart(2, '0')}`),
    ...Array.from({ length: 98 }, (_, key) => `18505A2006084${String(key).padStart(2, '0')}`),
    '18505780060849', // 14 characters
    '1850578006084910',
    '1850578006084',
    '1 85 05 78 006 084 9 1 0',
    '1-85-05-78-006-084-91',
    '1.85.05.78.006.084.91',
    '185057800608491 ',
    '18505780060849A',
  ])('rejects %p', (nir) => expect(valid(nir)).toBe(false));
});

describe('hints', () => {
  // Each hint shows an example a citizen can copy, so it must be valid itself.
  const examples: Record<FormatName, string> = {
    'fr-postal-code': '75001',
    'fr-phone': '06 12 34 56 78',
    siret: '732 829 320 00074',
    siren: '732 829 320',
    iban: 'FR76 3000 6000 0112 3456 7890 189',
    nir: '1 85 05 78 006 084 91',
    'insee-commune-code': '75056',
  };

  it.each(FORMATS)('%s has both hints, with a valid example', (format) => {
    expect(Object.keys(FORMAT_HINTS_FR).sort()).toEqual([...FORMATS].sort());
    expect(Object.keys(FORMAT_HINTS_EN).sort()).toEqual([...FORMATS].sort());
    expect(FORMAT_HINTS_FR[format]).toContain(`(exemple : ${examples[format]}`);
    expect(FORMAT_HINTS_EN[format]).toContain(`(example: ${examples[format]}`);
    expect(CUSTOM_FORMATS[format](examples[format])).toBe(true);
    expect(FORMAT_HINTS_FR[format]).toMatch(/^[A-ZÀ-Ý].{20,}\.$/);
    expect(FORMAT_HINTS_EN[format]).toMatch(/^[A-Z].{20,}\.$/);
  });
});
