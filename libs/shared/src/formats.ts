/**
 * Custom string formats for French administrative identifiers, checked as a
 * citizen types them. Browser-safe and dependency-free: the web app and the
 * API must agree on what is valid.
 *
 * Accepted separators, only ever one between two groups, never leading or
 * trailing (the caller trims; a stored value must not start with a space):
 * - spaces (including the no-break and narrow no-break spaces French pages
 *   use to group digits, which come along on copy-paste): SIRET, SIREN, IBAN, NIR;
 * - spaces, dots and hyphens: phone numbers;
 * - none: postal and INSEE codes, always written as 5 characters.
 * Only ASCII digits count as digits. Letters are case-insensitive where allowed
 * (IBAN, the 2A/2B of a NIR or an INSEE code).
 */
export type FormatName = 'fr-postal-code' | 'fr-phone' | 'siret' | 'siren' | 'iban' | 'nir' | 'insee-commune-code';

// Longer than any valid value with its separators: bounds the work on hostile input.
const MAX_LENGTH = 64;

const SPACES = /[ \u00A0\u202F]/g;
const PHONE_SEPARATORS = /[ .\-\u00A0\u202F]/g;
const DIGIT_GROUPS = /^[0-9]+(?:[ \u00A0\u202F][0-9]+)*$/;
const ALNUM_GROUPS = /^[0-9A-Za-z]+(?:[ \u00A0\u202F][0-9A-Za-z]+)*$/;
const PHONE_GROUPS = /^\+?[0-9]+(?:[ .\-\u00A0\u202F][0-9]+)*$/;

// Callers in plain JS (or a JSON Schema validator) may pass anything: never throw.
function bounded(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_LENGTH;
}

/** The value without its separators, or null when it is not separator-delimited groups. */
function compact(value: unknown, groups: RegExp, separators: RegExp): string | null {
  return bounded(value) && groups.test(value) ? value.replace(separators, '') : null;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 7064 mod 97 of digits and uppercase letters (A = 10 … Z = 35), one character at a time to stay in safe integers. */
function mod97(text: string): number {
  let rest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    rest = c <= 57 ? (rest * 10 + c - 48) % 97 : (rest * 100 + c - 55) % 97;
  }
  return rest;
}

// Metropolitan departments (20 included: Corsica kept it in postal codes), then DOM and the Pacific COM.
const POSTAL_CODE = /^(?:(?:0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|97[1-6][0-9]{2}|98[4-8][0-9]{2})$/;

// National numbers never start with 0 after a country code: that 0 is the trunk prefix, dropped internationally.
const PHONE = /^(?:0[1-9][0-9]{8}|(?:\+|00)(?:33|262|269|590|594|596)[1-9][0-9]{8})$/;

// Corsica is 2A/2B, never 20, in INSEE codes; DOM departments have three digits.
const INSEE_COMMUNE = /^(?:(?:0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5])[0-9]{3}|97[1-6][0-9]{2})$/;

// Sex, year, month (20–42 and 50–99 are given when the month is unknown), department (20 for Corsica births
// before 1976, 96–99 abroad and overseas), commune, order, key.
const NIR = /^[1-478][0-9]{2}(?:0[1-9]|1[0-2]|[23][0-9]|4[0-2]|[5-9][0-9])(?:0[1-9]|[1-9][0-9]|2[AB])[0-9]{8}$/;

// La Poste numbers its establishments with a digit sum multiple of 5 instead of Luhn; its head office is the
// exception to the exception (Luhn-valid, digit sum 26).
const LA_POSTE_SIREN = '356000000';
const LA_POSTE_HEAD_OFFICE = '35600000000048';

// Lengths that must match exactly; other countries only get the ISO 13616 bounds.
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['FR', 27],
  ['MC', 27],
  ['DE', 22],
  ['BE', 16],
  ['ES', 24],
  ['IT', 27],
  ['LU', 20],
  ['CH', 21],
  ['GB', 22],
  ['NL', 18],
  ['PT', 25],
]);

function isPostalCode(value: string): boolean {
  return bounded(value) && POSTAL_CODE.test(value);
}

function isPhone(value: string): boolean {
  const phone = compact(value, PHONE_GROUPS, PHONE_SEPARATORS);
  return phone !== null && PHONE.test(phone);
}

function isSiren(value: string): boolean {
  const siren = compact(value, DIGIT_GROUPS, SPACES);
  return siren !== null && siren.length === 9 && luhn(siren);
}

function isSiret(value: string): boolean {
  const siret = compact(value, DIGIT_GROUPS, SPACES);
  if (siret === null || siret.length !== 14) return false;
  if (siret.startsWith(LA_POSTE_SIREN) && siret !== LA_POSTE_HEAD_OFFICE) {
    let sum = 0;
    for (let i = 0; i < siret.length; i++) sum += siret.charCodeAt(i) - 48;
    return sum % 5 === 0;
  }
  return luhn(siret);
}

function isIban(value: string): boolean {
  const iban = compact(value, ALNUM_GROUPS, SPACES)?.toUpperCase();
  if (iban === undefined || !/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const length = IBAN_LENGTHS.get(iban.slice(0, 2));
  if (length !== undefined && iban.length !== length) return false;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1;
}

function isNir(value: string): boolean {
  const nir = compact(value, ALNUM_GROUPS, SPACES)?.toUpperCase();
  if (nir === undefined || !NIR.test(nir)) return false;
  const department = nir.slice(5, 7);
  const body =
    nir.slice(0, 5) + (department === '2A' ? '19' : department === '2B' ? '18' : department) + nir.slice(7, 13);
  return 97 - mod97(body) === Number(nir.slice(13));
}

function isInseeCommuneCode(value: string): boolean {
  return bounded(value) && INSEE_COMMUNE.test(value.toUpperCase());
}

export const CUSTOM_FORMATS: Readonly<Record<FormatName, (value: string) => boolean>> = Object.freeze({
  'fr-postal-code': isPostalCode,
  'fr-phone': isPhone,
  siret: isSiret,
  siren: isSiren,
  iban: isIban,
  nir: isNir,
  'insee-commune-code': isInseeCommuneCode,
});

export const FORMAT_HINTS_FR: Readonly<Record<FormatName, string>> = Object.freeze({
  'fr-postal-code': 'Le code postal comporte 5 chiffres (exemple : 75001).',
  'fr-phone':
    'Le numéro de téléphone comporte 10 chiffres commençant par 0, ou l’indicatif du pays suivi de 9 chiffres (exemple : 06 12 34 56 78).',
  siret: 'Le numéro SIRET comporte 14 chiffres (exemple : 732 829 320 00074).',
  siren: 'Le numéro SIREN comporte 9 chiffres (exemple : 732 829 320).',
  iban: 'L’IBAN commence par 2 lettres (le pays) et 2 chiffres ; un IBAN français compte 27 caractères (exemple : FR76 3000 6000 0112 3456 7890 189).',
  nir: 'Le numéro de sécurité sociale comporte 13 chiffres suivis d’une clé de 2 chiffres ; 2A ou 2B pour une naissance en Corse (exemple : 1 85 05 78 006 084 91).',
  'insee-commune-code':
    'Le code INSEE de la commune comporte 5 caractères et diffère souvent du code postal (exemple : 75056 pour Paris).',
});

export const FORMAT_HINTS_EN: Readonly<Record<FormatName, string>> = Object.freeze({
  'fr-postal-code': 'A French postal code has 5 digits (example: 75001).',
  'fr-phone':
    'A French phone number has 10 digits starting with 0, or the country code followed by 9 digits (example: 06 12 34 56 78).',
  siret: 'A SIRET number has 14 digits (example: 732 829 320 00074).',
  siren: 'A SIREN number has 9 digits (example: 732 829 320).',
  iban: 'An IBAN starts with 2 letters (the country) and 2 digits; a French IBAN has 27 characters (example: FR76 3000 6000 0112 3456 7890 189).',
  nir: 'A French social security number has 13 digits followed by a 2-digit key; 2A or 2B for people born in Corsica (example: 1 85 05 78 006 084 91).',
  'insee-commune-code':
    'An INSEE commune code has 5 characters and often differs from the postal code (example: 75056 for Paris).',
});

/*
 * Two formats read as RJSF's validator (@rjsf/validator-ajv8) reads them, so
 * a form written for RJSF gets the same verdict here:
 * - `time`: `HH:MM:SS`, fractions and a zone optional (ajv-formats 3's own
 *   `time` demands a zone, which no time input gives);
 * - `data-url`: a file carried in the answer, `data:<type>;name=<name>;base64,<data>`.
 */
const TIME = /^(\d\d):(\d\d):(\d\d)(\.\d{1,9})?(z|[+-]\d\d(?::?\d\d)?)?$/i;

function isTime(value: string): boolean {
  if (typeof value !== 'string' || value.length > 32) return false;
  const match = TIME.exec(value);
  if (!match) return false;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // A leap second (23:59:60) is a valid RFC 3339 time.
  return hours <= 23 && minutes <= 59 && (seconds <= 59 || (seconds === 60 && hours === 23 && minutes === 59));
}

const DATA_URL_HEAD = /^data:([a-z]+\/[a-z0-9\-+.]+)?;(?:name=([^;,]*);)?base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isDataUrl(value: string): boolean {
  if (typeof value !== 'string') return false;
  const head = DATA_URL_HEAD.exec(value.slice(0, 1024));
  return head !== null && BASE64.test(value.slice(head[0].length));
}

// RJSF's own `color` format (validator-ajv8's COLOR_FORMAT_REGEX): a hexadecimal colour, a basic colour name, rgb().
// Linear: every repeated part ends on a character the next cannot start with.
const COLOR =
  /^(#?([0-9A-Fa-f]{3}){1,2}\b|aqua|black|blue|fuchsia|gray|green|lime|maroon|navy|olive|orange|purple|red|silver|teal|white|yellow|(rgb\(\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*\))|(rgb\(\s*(\d?\d%|100%)+\s*,\s*(\d?\d%|100%)+\s*,\s*(\d?\d%|100%)+\s*\)))$/;

const isColor = (value: string) => typeof value !== 'string' || COLOR.test(value);

export const RJSF_FORMATS: Readonly<Record<'time' | 'data-url' | 'color', (value: string) => boolean>> = Object.freeze({
  time: isTime,
  'data-url': isDataUrl,
  color: isColor,
});
