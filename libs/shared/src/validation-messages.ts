import type { ErrorItem, Locale } from './errors';
import { FORMAT_HINTS_EN, FORMAT_HINTS_FR } from './formats';
import { toJsonPointer } from './json-pointer';

/**
 * What a JSON Schema validator reports, in ajv's shape (ajv's `ErrorObject`
 * without importing ajv): the server's compiled validators and the browser's
 * precompiled modules both produce it, and both go through `toErrorItems`, so
 * a citizen reads the same message whichever side found the problem.
 */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  /** Where the failing keyword sits in the schema (`#/anyOf/0/required`): tells a composition's own errors apart. */
  schemaPath?: string;
  params: Record<string, unknown>;
  /** The failing keyword's value (ajv's `verbose`). */
  schema?: unknown;
  parentSchema?: unknown;
  message?: string;
  /** Set by ajv on the errors of a `propertyNames` subschema: the name it refused. */
  propertyName?: string;
}

type Params = Record<string, unknown>;
type Message = (p: Params) => string;

const STANDARD_FORMAT_HINTS: Record<string, { fr: string; en: string }> = {
  email: {
    fr: 'Saisissez une adresse électronique valide (exemple : nom@exemple.fr).',
    en: 'Enter a valid email address (for example name@example.com).',
  },
  date: { fr: 'Saisissez une date valide (exemple : 2024-09-02).', en: 'Enter a valid date (for example 2024-09-02).' },
  time: { fr: 'Saisissez une heure valide (exemple : 14:30:00).', en: 'Enter a valid time (for example 14:30:00).' },
  'date-time': { fr: 'Saisissez une date et une heure valides.', en: 'Enter a valid date and time.' },
  'data-url': {
    fr: 'Joignez le fichier à nouveau : il n’a pas pu être lu.',
    en: 'Attach the file again: it could not be read.',
  },
  uri: {
    fr: 'Saisissez une adresse web complète (exemple : https://www.exemple.fr).',
    en: 'Enter a full web address (for example https://www.example.com).',
  },
  uuid: { fr: 'Identifiant invalide.', en: 'Invalid identifier.' },
  'uri-reference': {
    fr: 'Saisissez une adresse web ou un chemin (exemple : https://www.exemple.fr/page ou /page).',
    en: 'Enter a web address or a path (for example https://www.example.com/page or /page).',
  },
  hostname: {
    fr: 'Saisissez un nom de machine ou de domaine (exemple : www.exemple.fr).',
    en: 'Enter a host or domain name (for example www.example.com).',
  },
  ipv4: {
    fr: 'Saisissez une adresse IPv4 (exemple : 192.0.2.10).',
    en: 'Enter an IPv4 address (for example 192.0.2.10).',
  },
  ipv6: {
    fr: 'Saisissez une adresse IPv6 (exemple : 2001:db8::1).',
    en: 'Enter an IPv6 address (for example 2001:db8::1).',
  },
  duration: {
    fr: 'Saisissez une durée au format ISO 8601 (exemple : P1DT2H pour un jour et deux heures).',
    en: 'Enter an ISO 8601 duration (for example P1DT2H for one day and two hours).',
  },
  color: {
    fr: 'Saisissez une couleur (exemple : #1e3a8a).',
    en: 'Enter a colour (for example #1e3a8a).',
  },
};

const FR: Record<string, Message> = {
  required: () => 'Ce champ est obligatoire.',
  // A field required because another one is answered (`dependentRequired`, draft-07 `dependencies`).
  dependentRequired: () => 'Ce champ est obligatoire avec la réponse donnée plus haut.',
  type: (p) => `Valeur attendue : ${typeFr(String(p.type))}.`,
  minLength: (p) => `Saisissez au moins ${p.limit} caractère${Number(p.limit) > 1 ? 's' : ''}.`,
  maxLength: (p) => `Saisissez au plus ${p.limit} caractère${Number(p.limit) > 1 ? 's' : ''}.`,
  pattern: () => 'Le format de la réponse n’est pas valide.',
  minimum: (p) => `La valeur doit être supérieure ou égale à ${p.limit}.`,
  maximum: (p) => `La valeur doit être inférieure ou égale à ${p.limit}.`,
  exclusiveMinimum: (p) => `La valeur doit être strictement supérieure à ${p.limit}.`,
  exclusiveMaximum: (p) => `La valeur doit être strictement inférieure à ${p.limit}.`,
  multipleOf: (p) => `La valeur doit être un multiple de ${p.multipleOf}.`,
  enum: () => 'Choisissez une des réponses proposées.',
  const: () => 'Cette réponse n’est pas acceptée.',
  minItems: (p) => `Ajoutez au moins ${p.limit} élément${Number(p.limit) > 1 ? 's' : ''}.`,
  maxItems: (p) => `Ajoutez au plus ${p.limit} élément${Number(p.limit) > 1 ? 's' : ''}.`,
  uniqueItems: () => 'Chaque élément ne doit apparaître qu’une fois.',
  minProperties: (p) => `Donnez au moins ${p.limit} réponse${Number(p.limit) > 1 ? 's' : ''} dans ce groupe.`,
  maxProperties: (p) => `Donnez au plus ${p.limit} réponse${Number(p.limit) > 1 ? 's' : ''} dans ce groupe.`,
  propertyNames: (p) => `Le nom « ${String(p.propertyName)} » n’est pas accepté ici.`,
  contains: (p) =>
    p.maxContains !== undefined
      ? `La liste doit compter ${p.minContains === p.maxContains ? `exactement ${p.minContains}` : `entre ${p.minContains} et ${p.maxContains}`} élément${Number(p.maxContains) > 1 ? 's' : ''} répondant à la condition demandée.`
      : `La liste doit compter au moins ${p.minContains} élément${Number(p.minContains) > 1 ? 's' : ''} répondant à la condition demandée.`,
  not: () => 'Cette réponse n’est pas acceptée.',
  additionalProperties: () => 'Ce champ n’est pas prévu par le formulaire.',
  unevaluatedProperties: () => 'Ce champ n’est pas prévu par le formulaire.',
  oneOf: () => 'Répondez à l’une des options proposées.',
  anyOf: () => 'Répondez à l’une des options proposées.',
  'x-file': () => 'Joignez le fichier à nouveau : la pièce jointe est introuvable.',
};
const EN: Record<string, Message> = {
  required: () => 'This field is required.',
  dependentRequired: () => 'This field is required with the answer given above.',
  type: (p) => `Expected: ${String(p.type)}.`,
  minLength: (p) => `Enter at least ${p.limit} characters.`,
  maxLength: (p) => `Enter at most ${p.limit} characters.`,
  pattern: () => 'The answer is not in the expected format.',
  minimum: (p) => `The value must be at least ${p.limit}.`,
  maximum: (p) => `The value must be at most ${p.limit}.`,
  exclusiveMinimum: (p) => `The value must be greater than ${p.limit}.`,
  exclusiveMaximum: (p) => `The value must be less than ${p.limit}.`,
  multipleOf: (p) => `The value must be a multiple of ${p.multipleOf}.`,
  enum: () => 'Choose one of the answers offered.',
  const: () => 'This answer is not accepted.',
  minItems: (p) => `Add at least ${p.limit} items.`,
  maxItems: (p) => `Add at most ${p.limit} items.`,
  uniqueItems: () => 'Each item must appear only once.',
  minProperties: (p) => `Give at least ${p.limit} answers in this group.`,
  maxProperties: (p) => `Give at most ${p.limit} answers in this group.`,
  propertyNames: (p) => `The name “${String(p.propertyName)}” is not accepted here.`,
  contains: (p) =>
    p.maxContains !== undefined
      ? `The list must have between ${p.minContains} and ${p.maxContains} items meeting the condition.`
      : `The list must have at least ${p.minContains} items meeting the condition.`,
  not: () => 'This answer is not accepted.',
  additionalProperties: () => 'This field is not part of the form.',
  unevaluatedProperties: () => 'This field is not part of the form.',
  oneOf: () => 'Answer one of the options offered.',
  anyOf: () => 'Answer one of the options offered.',
  'x-file': () => 'Attach the file again: the attachment cannot be found.',
};

function typeFr(type: string): string {
  const names: Record<string, string> = {
    string: 'un texte',
    number: 'un nombre',
    integer: 'un nombre entier',
    boolean: 'oui ou non',
    array: 'une liste',
    object: 'un groupe de champs',
    null: 'aucune valeur',
  };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' ou ');
}

/**
 * Where an error belongs: the missing or extra property itself, not its
 * parent. ajv's `instancePath` is already an RFC 6901 pointer: only the
 * property name is escaped and appended (no parsing, it runs per error).
 */
export function errorPointer(error: SchemaError): string {
  const p = error.params as Params;
  const name =
    error.keyword === 'required' || error.keyword === 'dependentRequired'
      ? p.missingProperty
      : error.keyword === 'additionalProperties'
        ? p.additionalProperty
        : error.keyword === 'unevaluatedProperties'
          ? p.unevaluatedProperty
          : undefined;
  return typeof name === 'string' ? error.instancePath + toJsonPointer([name]) : error.instancePath;
}

/**
 * ajv's errors as the API's `{ pointer, code, message }`: one per field (the
 * first), in the citizen's language; a field's own `x-hint` or the format's
 * hint says what a valid answer looks like.
 */
export function toErrorItems(errors: SchemaError[], locale: Locale = 'fr'): ErrorItem[] {
  return listErrors(errors, locale).items;
}

export interface ErrorListOptions {
  /** At most this many items are worded; the others are only counted (`more`). */
  limit?: number;
  /** Whether an error (by its pointer and code) is reported at all. */
  keep?: (pointer: string, code: string) => boolean;
}

/**
 * `toErrorItems` with a bound: the first `limit` fields' errors worded, the
 * other fields counted. Counting costs a string per error, wording much more
 * (a message, a hint lookup): a long list is never worded in full.
 *
 * "At least one of" rules (`anyOf` or `oneOf` whose branches only require
 * fields) become one error naming the fields, instead of a "required" per
 * field that the citizen need not all give.
 */
export function listErrors(
  errors: SchemaError[],
  locale: Locale = 'fr',
  options: ErrorListOptions = {},
): { items: ErrorItem[]; more: number } {
  const limit = options.limit ?? Infinity;
  const choices = choiceErrors(errors);
  const byPlace = new Map<string, Choice[]>();
  for (const [error, choice] of choices)
    byPlace.set(error.instancePath, [...(byPlace.get(error.instancePath) ?? []), choice]);
  const seen = new Set<string>();
  const items: ErrorItem[] = [];
  let more = 0;
  const otherThanUnevaluated = errors.some((e) => e.keyword !== 'if' && !declaredUnevaluated(e));
  for (const error of errors) {
    // An if/then wrapper repeats what the branch's own errors already say. (A `not` has no inner errors:
    // its subschema matched. Its own error is the only one there is.)
    if (error.keyword === 'if') continue;
    // Once anything fails in an object closed by `unevaluatedProperties` whose subschemas track evaluated
    // properties at run time (a `then`, a `dependentSchemas`), ajv also reports as « not part of the form » the
    // fields the schema names: false, and it hid the real error among them. The answer is refused for that other
    // error anyway; a named field is reported alone only when it is the only problem (a condition that does not
    // hold, whose field was sent).
    if (otherThanUnevaluated && declaredUnevaluated(error)) continue;
    if (byPlace.size && insideChoice(error, byPlace)) continue;
    const choice = choices.get(error);
    // A name `propertyNames` refuses: one error at that entry, naming it, whichever check the name failed.
    const refusedName =
      typeof error.propertyName === 'string'
        ? error.propertyName
        : error.keyword === 'propertyNames' && typeof error.params.propertyName === 'string'
          ? error.params.propertyName
          : undefined;
    const code = choice ? choice.code : refusedName !== undefined ? 'propertyNames' : error.keyword;
    const pointer = refusedName !== undefined ? error.instancePath + toJsonPointer([refusedName]) : errorPointer(error);
    if (seen.has(pointer) || (options.keep && !options.keep(pointer, code))) continue;
    seen.add(pointer);
    if (items.length >= limit) more++;
    else
      items.push({
        pointer,
        code,
        message: choice
          ? choiceMessage(choice, locale)
          : refusedName !== undefined
            ? (locale === 'fr' ? FR : EN).propertyNames!({ propertyName: refusedName })
            : messageFor(error, locale),
      });
  }
  return { items, more };
}

/**
 * An `unevaluatedProperties` error about a property that the same schema names in its `properties`, or in the
 * subschemas that apply in place (`allOf`, `anyOf`, `oneOf`, `then`, `else`, `dependentSchemas`): a field of the
 * form, never « not part of it ».
 */
function declaredUnevaluated(error: SchemaError): boolean {
  if (error.keyword !== 'unevaluatedProperties') return false;
  const name = (error.params as Params).unevaluatedProperty;
  if (typeof name !== 'string') return false;
  const names = (schema: unknown, depth: number): boolean => {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema) || depth > 8) return false;
    const s = schema as Record<string, unknown>;
    const properties = s.properties;
    if (properties !== null && typeof properties === 'object' && Object.prototype.hasOwnProperty.call(properties, name))
      return true;
    const parts = [
      ...(['allOf', 'anyOf', 'oneOf'] as const).flatMap((k) => (Array.isArray(s[k]) ? (s[k] as unknown[]) : [])),
      s.then,
      s.else,
      ...(s.dependentSchemas !== null && typeof s.dependentSchemas === 'object'
        ? Object.values(s.dependentSchemas as object)
        : []),
    ];
    return parts.some((part) => names(part, depth + 1));
  };
  return names(error.parentSchema, 0);
}

/** The codes of "give at least one / exactly one of these fields" errors: completeness rules, like `required`. */
export const CHOICE_CODES = ['requiredAnyOf', 'requiredOneOf'] as const;

interface Choice {
  code: (typeof CHOICE_CODES)[number];
  /** Each branch's fields, by title. */
  groups: string[][];
  /** A oneOf met by more than one branch. */
  tooMany: boolean;
  schemaPath: string;
}

const ANNOTATION_ONLY = new Set(['required', 'title', 'description', '$comment']);

/** The anyOf/oneOf errors whose every branch only requires fields. */
function choiceErrors(errors: SchemaError[]): Map<SchemaError, Choice> {
  const choices = new Map<SchemaError, Choice>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') continue;
    const branches = error.schema;
    if (!Array.isArray(branches) || branches.length === 0 || error.schemaPath === undefined) continue;
    const requiredOnly = branches.every(
      (b) =>
        b !== null &&
        typeof b === 'object' &&
        Array.isArray((b as Params).required) &&
        ((b as Params).required as unknown[]).length > 0 &&
        Object.keys(b as object).every((k) => ANNOTATION_ONLY.has(k)),
    );
    if (!requiredOnly) continue;
    const properties = ((error.parentSchema as Params | undefined)?.properties ?? {}) as Record<string, unknown>;
    const titleOf = (name: string): string => {
      const own = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : undefined;
      const title = own !== null && typeof own === 'object' ? (own as Params).title : undefined;
      return typeof title === 'string' && title.trim() ? title : name;
    };
    choices.set(error, {
      code: error.keyword === 'anyOf' ? 'requiredAnyOf' : 'requiredOneOf',
      groups: branches.map((b) => ((b as Params).required as unknown[]).map((n) => titleOf(String(n)))),
      tooMany: error.keyword === 'oneOf' && Array.isArray((error.params as Params).passingSchemas),
      schemaPath: error.schemaPath,
    });
  }
  return choices;
}

/** An error from inside one of the choices' branches (same value, deeper in the schema): the choice's message says it. */
function insideChoice(error: SchemaError, choices: Map<string, Choice[]>): boolean {
  const here = choices.get(error.instancePath);
  if (!here || error.schemaPath === undefined) return false;
  return here.some((choice) => error.schemaPath!.startsWith(`${choice.schemaPath}/`));
}

function choiceMessage(choice: Choice, locale: Locale): string {
  const single = choice.groups.every((g) => g.length === 1);
  const and = locale === 'fr' ? ' et ' : ' and ';
  const list = single ? choice.groups.map((g) => g[0]).join(', ') : choice.groups.map((g) => g.join(and)).join(' ; ');
  if (locale === 'en') {
    const what = single ? 'these fields' : 'these sets of answers';
    if (choice.code === 'requiredAnyOf') return `Fill in at least one of ${what}: ${list}.`;
    return choice.tooMany ? `Fill in only one of ${what}: ${list}.` : `Fill in exactly one of ${what}: ${list}.`;
  }
  const what = single ? 'des champs' : 'de ces réponses';
  if (choice.code === 'requiredAnyOf')
    return single ? `Renseignez au moins un ${what} : ${list}.` : `Donnez au moins l’une ${what} : ${list}.`;
  if (choice.tooMany) return single ? `Renseignez un seul ${what} : ${list}.` : `Donnez une seule ${what} : ${list}.`;
  return single ? `Renseignez un et un seul ${what} : ${list}.` : `Donnez une et une seule ${what} : ${list}.`;
}

const MONTHS_FR = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A bound of `formatMinimum` and its kin as people write it: « 1er janvier 2024 », « 1er janvier 2024 à 09:00 (UTC+01:00) ». */
function boundText(limit: string, locale: Locale): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/.exec(
    limit,
  );
  if (!match) return limit;
  const [, year, month, day, hours, minutes, zone] = match;
  const d = Number(day);
  const name = (locale === 'fr' ? MONTHS_FR : MONTHS_EN)[Number(month) - 1];
  if (!name) return limit;
  const date = locale === 'fr' ? `${d === 1 ? '1er' : d} ${name} ${year}` : `${name} ${d}, ${year}`;
  if (hours === undefined) return date;
  const offset =
    !zone || /^[Zz]$/.test(zone) ? 'UTC' : `UTC${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  return locale === 'fr' ? `${date} à ${hours}:${minutes} (${offset})` : `${date} at ${hours}:${minutes} (${offset})`;
}

/** `formatMinimum`, `formatMaximum` and the exclusive ones (ajv-formats'): the bound in words. */
function formatLimitMessage(error: SchemaError, locale: Locale): string {
  const limit = boundText(String((error.params as Params).limit), locale);
  const withTime = (error.parentSchema as Record<string, unknown> | undefined)?.format === 'date-time';
  if (locale === 'fr') {
    const what = withTime ? 'une date et une heure' : 'une date';
    switch (error.keyword) {
      case 'formatMinimum':
        return `Saisissez ${what} à partir du ${limit}.`;
      case 'formatExclusiveMinimum':
        return `Saisissez ${what} postérieure${withTime ? 's' : ''} au ${limit}.`;
      case 'formatMaximum':
        return `Saisissez ${what} jusqu’au ${limit} au plus tard.`;
      default:
        return `Saisissez ${what} antérieure${withTime ? 's' : ''} au ${limit}.`;
    }
  }
  const what = withTime ? 'a date and time' : 'a date';
  switch (error.keyword) {
    case 'formatMinimum':
      return `Enter ${what} on or after ${limit}.`;
    case 'formatExclusiveMinimum':
      return `Enter ${what} after ${limit}.`;
    case 'formatMaximum':
      return `Enter ${what} on or before ${limit}.`;
    default:
      return `Enter ${what} before ${limit}.`;
  }
}

const FORMAT_LIMIT_KEYWORDS = new Set([
  'formatMinimum',
  'formatMaximum',
  'formatExclusiveMinimum',
  'formatExclusiveMaximum',
]);

function messageFor(error: SchemaError, locale: Locale): string {
  if (FORMAT_LIMIT_KEYWORDS.has(error.keyword)) return formatLimitMessage(error, locale);
  const hint = (error.parentSchema as Record<string, unknown> | undefined)?.['x-hint'];
  if ((error.keyword === 'pattern' || error.keyword === 'format') && typeof hint === 'string') return hint;
  if (error.keyword === 'format') {
    const format = String((error.params as Params).format);
    const custom = (locale === 'fr' ? FORMAT_HINTS_FR : FORMAT_HINTS_EN) as Record<string, string>;
    return (
      custom[format] ??
      STANDARD_FORMAT_HINTS[format]?.[locale] ??
      (locale === 'fr' ? 'Le format de la réponse n’est pas valide.' : 'Invalid format.')
    );
  }
  const table = locale === 'fr' ? FR : EN;
  const message = table[error.keyword];
  const text = message ? message(error.params as Params) : locale === 'fr' ? 'Réponse invalide.' : 'Invalid answer.';
  // A missing answer with a format says what a valid one looks like (« Le numéro SIRET comporte 14 chiffres… »).
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') {
    const expected = expectedFormat(error, locale);
    if (expected) return `${text} ${expected}`;
  }
  return text;
}

/** The x-hint or format hint of the property a `required` error names, when it has one. */
function expectedFormat(error: SchemaError, locale: Locale): string | undefined {
  const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const name = (error.params as Params).missingProperty;
  if (typeof name !== 'string' || !parent?.properties) return undefined;
  const property = parent.properties[name] as Record<string, unknown> | undefined;
  if (!property || typeof property !== 'object') return undefined;
  if (typeof property['x-hint'] === 'string') return property['x-hint'];
  if (typeof property.format !== 'string') return undefined;
  const custom = (locale === 'fr' ? FORMAT_HINTS_FR : FORMAT_HINTS_EN) as Record<string, string>;
  return custom[property.format];
}
