import type { ErrorItem, Locale } from './errors';
import { FORMAT_HINTS_EN, FORMAT_HINTS_FR } from './formats';
import { parseJsonPointer, toJsonPointer } from './json-pointer';

/**
 * What a JSON Schema validator reports, in ajv's shape (ajv's `ErrorObject`
 * without importing ajv): the server's compiled validators and the browser's
 * precompiled modules both produce it, and both go through `toErrorItems`, so
 * a citizen reads the same message whichever side found the problem.
 */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  parentSchema?: unknown;
  message?: string;
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
  uri: {
    fr: 'Saisissez une adresse web complète (exemple : https://www.exemple.fr).',
    en: 'Enter a full web address (for example https://www.example.com).',
  },
  uuid: { fr: 'Identifiant invalide.', en: 'Invalid identifier.' },
};

const FR: Record<string, Message> = {
  required: () => 'Ce champ est obligatoire.',
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
  additionalProperties: () => 'Ce champ n’est pas prévu par le formulaire.',
  unevaluatedProperties: () => 'Ce champ n’est pas prévu par le formulaire.',
  oneOf: () => 'Répondez à l’une des options proposées.',
  anyOf: () => 'Répondez à l’une des options proposées.',
  'x-file': () => 'Joignez le fichier à nouveau : la pièce jointe est introuvable.',
};
const EN: Record<string, Message> = {
  required: () => 'This field is required.',
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

/** Where an error belongs: the missing or extra property itself, not its parent. */
export function errorPointer(error: SchemaError): string {
  const segments = parseJsonPointer(error.instancePath);
  const p = error.params as Params;
  if (error.keyword === 'required' && typeof p.missingProperty === 'string') segments.push(p.missingProperty);
  const extra =
    error.keyword === 'additionalProperties'
      ? p.additionalProperty
      : error.keyword === 'unevaluatedProperties'
        ? p.unevaluatedProperty
        : undefined;
  if (typeof extra === 'string') segments.push(extra);
  return toJsonPointer(segments);
}

/**
 * ajv's errors as the API's `{ pointer, code, message }`: one per field (the
 * first), in the citizen's language; a field's own `x-hint` or the format's
 * hint says what a valid answer looks like.
 */
export function toErrorItems(errors: SchemaError[], locale: Locale = 'fr'): ErrorItem[] {
  const seen = new Set<string>();
  const items: ErrorItem[] = [];
  for (const error of errors) {
    // if/then and combinator wrappers repeat what the inner errors already say.
    if (error.keyword === 'if' || error.keyword === 'not') continue;
    const pointer = errorPointer(error);
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    items.push({ pointer, code: error.keyword, message: messageFor(error, locale) });
  }
  return items;
}

function messageFor(error: SchemaError, locale: Locale): string {
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
  return message ? message(error.params as Params) : locale === 'fr' ? 'Réponse invalide.' : 'Invalid answer.';
}
