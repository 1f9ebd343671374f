import { fullFormats } from 'ajv-formats/dist/formats';
import { parseJsonPointer, toJsonPointer, type ErrorItem } from '@guichet/shared';
import { ALLOWED_FORMATS, EXTENSION_KEYWORDS, ORDERED_FORMATS } from './ajv';
import { VALIDATION_KEYWORDS } from './keywords';
import { POLICY_LIMITS } from './policy-limits';
import { PatternBudget, patternProblem } from './policy-patterns';
import { drawnLoop, refLoop } from './ref-loop';

export { POLICY_LIMITS } from './policy-limits';

const SUBSCHEMA = new Set([
  'additionalProperties',
  'items',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SUBSCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const VALUES = new Set<string>([
  ...VALIDATION_KEYWORDS,
  'title',
  'description',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
  '$comment',
  'contentMediaType',
  'contentEncoding',
  // An annotation in 2020-12: ajv checks that it is a schema, never applies it.
  'contentSchema',
  // OpenAPI's, which ajv applies (null is accepted besides the declared type).
  'nullable',
  '$ref',
  '$schema',
  '$id',
  ...EXTENSION_KEYWORDS,
]);

/**
 * Keywords of older drafts that ajv would read with another meaning, or
 * refuse, in a 2020-12 schema. The import converts them (import.ts); a draft
 * saved with them is refused, with the 2020-12 way to write them.
 */
const LEGACY: Readonly<Record<string, string>> = {
  definitions:
    '« definitions » est l’ancien nom de « $defs » (draft-07) : renommez-le, et ses références « #/definitions/… » en « #/$defs/… ». L’import de fichiers le fait pour vous.',
  dependencies:
    '« dependencies » (draft-07) s’écrit maintenant « dependentRequired » (listes de champs) et « dependentSchemas » (schémas). L’import de fichiers le convertit.',
  additionalItems:
    '« additionalItems » (draft-07) s’écrit maintenant « items », à côté de « prefixItems ». L’import de fichiers le convertit.',
  id: '« id » (draft-04) s’écrit « $id », permis seulement à la racine. L’import de fichiers résout les « id » internes.',
};

/**
 * Keywords ajv would act on, that Guichet does not support: refused with
 * `unknown_keyword` (the code older versions gave every keyword they did not
 * know). Any other keyword is an annotation: kept, and a warning.
 */
const REFUSED: Readonly<Record<string, string>> = {
  $async:
    '« $async » (validation asynchrone propre à ajv) n’est pas permis : la validation des réponses est synchrone.',
  $anchor:
    'Les ancres (« $anchor ») ne sont pas prises en charge : référencez le schéma par son chemin (« #/$defs/… »). L’import de fichiers les convertit.',
  $dynamicRef: 'Les références dynamiques (« $dynamicRef ») ne sont pas prises en charge : utilisez « $ref ».',
  $dynamicAnchor: 'Les ancres dynamiques (« $dynamicAnchor ») ne sont pas prises en charge : utilisez « $ref ».',
  $recursiveRef: '« $recursiveRef » (draft 2019-09) n’est pas pris en charge : utilisez « $ref ».',
  $recursiveAnchor: '« $recursiveAnchor » (draft 2019-09) n’est pas pris en charge : utilisez « $ref ».',
  $vocabulary: 'Les vocabulaires personnalisés (« $vocabulary ») ne sont pas pris en charge.',
};

const FORMAT_LIMITS = ['formatMinimum', 'formatMaximum', 'formatExclusiveMinimum', 'formatExclusiveMaximum'] as const;

/** Whether `value` is a valid answer for `format` (one ajv-formats compares), as the validators read it. */
function validFormatValue(format: string, value: string): boolean {
  const definition = (fullFormats as Record<string, unknown>)[format];
  const validate =
    definition && typeof definition === 'object' ? (definition as { validate?: unknown }).validate : undefined;
  return typeof validate === 'function' && (validate as (s: string) => boolean)(value);
}

/** Every keyword the policy knows, for the typo hint of an annotation. */
const KNOWN = [...SUBSCHEMA, ...SUBSCHEMA_LIST, ...SUBSCHEMA_MAP, ...VALUES];
/** Keys that would reach an object's prototype if some code used them as property names. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether `items` admits only scalars: then duplicates are found with a key per item, in linear time, by any tool. */
function scalarItems(items: unknown, root: unknown, depth = 0): boolean {
  if (!isObject(items) || depth > 8) return false;
  // A local `$ref` (RJSF's samples share their choices through `definitions`): what it points to decides.
  if (typeof items.$ref === 'string' && items.$ref.startsWith('#')) {
    let target: unknown = root;
    try {
      for (const segment of parseJsonPointer(decodeURIComponent(items.$ref.slice(1))))
        target = isObject(target) ? target[segment] : undefined;
    } catch {
      return false;
    }
    if (!scalarItems(target, root, depth + 1)) return false;
    const { $ref: _ref, ...siblings } = items;
    return !('type' in siblings) || scalarItems(siblings, root, depth + 1);
  }
  if (items.type !== undefined) {
    const types = Array.isArray(items.type) ? items.type : [items.type];
    return types.length > 0 && types.every((t) => typeof t === 'string' && SCALAR_TYPES.has(t));
  }
  // No type: a list of scalar values, or alternatives that are all scalars.
  const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  if (Array.isArray(items.enum)) return items.enum.every(scalar);
  if ('const' in items) return scalar(items.const);
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const list = items[keyword];
    if (Array.isArray(list) && list.length > 0) return list.every((b) => scalarItems(b, root, depth + 1));
  }
  return false;
}

/** Edit distance of at most `limit`, for "did you mean": small strings only. */
function close(a: string, b: string, limit = 2): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]! <= limit;
}

function annotationMessage(key: string): string {
  if (key === 'enumNames')
    return '« enumNames » (ancienne extension de RJSF) est conservé sans effet sur la validation ; les libellés des choix s’écrivent « oneOf » de « const » + « title » (l’import de fichiers les convertit), ou « ui:enumNames » dans l’uiSchema.';
  const near =
    key.length >= 4 ? KNOWN.find((k) => k.length >= 4 && close(key.toLowerCase(), k.toLowerCase())) : undefined;
  const typo = near ? ` Vouliez-vous écrire « ${near} » ?` : '';
  return `Mot-clé « ${key} » inconnu de JSON Schema 2020-12 : conservé comme annotation, il ne change pas la validation.${typo}`;
}

export interface SchemaInspection {
  /** What makes the schema unsafe or unusable: the definition is refused. */
  errors: ErrorItem[];
  /** What is kept but has no effect in Guichet (annotations, unknown formats): said, never refused. */
  warnings: ErrorItem[];
}

/**
 * The safe schema policy: what a designer (or an imported file) may put in a
 * schema. Every violation comes back with a JSON pointer into the definition
 * (`at` is where the schema sits in it). Runs before ajv ever sees the schema.
 */
export function checkSchemaPolicy(schema: unknown, at: ReadonlyArray<string | number> = ['schema']): ErrorItem[] {
  return inspectSchema(schema, at).errors;
}

/** The policy's refusals, and its warnings about what is kept without effect. */
export function inspectSchema(schema: unknown, at: ReadonlyArray<string | number> = ['schema']): SchemaInspection {
  const errors: ErrorItem[] = [];
  const warnings: ErrorItem[] = [];
  let nodes = 0;
  const patterns = new Set<string>();
  const patternBudget = new PatternBudget();
  /** Every subschema's place, relative to the schema's root: where a $ref may lead, and the $ref loop check. */
  const locations: Array<ReadonlyArray<string | number>> = [];
  /** Every local JSON-pointer $ref: where it sits, and the place it names (relative to the root). */
  const refs: Array<{ path: ReadonlyArray<string | number>; ref: string }> = [];
  const fail = (path: ReadonlyArray<string | number>, code: string, message: string) => {
    if (errors.length < 200) errors.push({ pointer: toJsonPointer(path), code, message });
  };
  const warn = (path: ReadonlyArray<string | number>, code: string, message: string) => {
    if (warnings.length < 200) warnings.push({ pointer: toJsonPointer(path), code, message });
  };

  const visit = (node: unknown, path: ReadonlyArray<string | number>, depth: number, isRoot: boolean): void => {
    if (typeof node === 'boolean' || isObject(node)) locations.push(path.slice(at.length));
    if (++nodes > POLICY_LIMITS.schemaNodes) {
      if (nodes === POLICY_LIMITS.schemaNodes + 1)
        fail(at, 'schema_too_large', `Schéma trop grand (${POLICY_LIMITS.schemaNodes} éléments au plus).`);
      return;
    }
    if (depth > POLICY_LIMITS.depth)
      return fail(path, 'schema_too_deep', `Schéma trop imbriqué (${POLICY_LIMITS.depth} niveaux au plus).`);
    if (typeof node === 'boolean') return;
    if (!isObject(node)) return fail(path, 'schema_shape', 'Un schéma est un objet JSON (ou true / false).');

    for (const [key, value] of Object.entries(node)) {
      const here = [...path, key];
      if (FORBIDDEN_KEYS.has(key)) {
        fail(here, 'forbidden_key', `La clé « ${key} » est interdite.`);
        continue;
      }
      if (key === 'items' && Array.isArray(value))
        fail(
          here,
          'legacy_keyword',
          '« items » en liste (draft-07) s’écrit maintenant « prefixItems » (et « additionalItems » devient « items »). L’import de fichiers le convertit.',
        );
      else if (SUBSCHEMA.has(key)) visit(value, here, depth + 1, false);
      else if (SUBSCHEMA_LIST.has(key)) {
        if (!Array.isArray(value) || value.length === 0)
          fail(here, 'schema_shape', `« ${key} » attend une liste de schémas.`);
        else value.forEach((sub, i) => visit(sub, [...here, i], depth + 1, false));
      } else if (SUBSCHEMA_MAP.has(key)) {
        if (!isObject(value)) {
          fail(here, 'schema_shape', `« ${key} » attend un objet.`);
          continue;
        }
        const entries = Object.entries(value);
        if (key === 'properties' && entries.length > POLICY_LIMITS.propertiesPerObject) {
          fail(
            here,
            'too_many_properties',
            `Trop de champs dans un même groupe (${POLICY_LIMITS.propertiesPerObject} au plus).`,
          );
        }
        for (const [name, sub] of entries) {
          if (FORBIDDEN_KEYS.has(name))
            fail([...here, name], 'forbidden_key', `Le nom de champ « ${name} » est interdit.`);
          else {
            if (key === 'patternProperties') checkPattern(name, [...here, name]);
            visit(sub, [...here, name], depth + 1, false);
          }
        }
      } else if (VALUES.has(key)) {
        checkValue(key, value, here, isRoot);
      } else if (Object.prototype.hasOwnProperty.call(LEGACY, key)) {
        fail(here, 'legacy_keyword', LEGACY[key]!);
      } else if (Object.prototype.hasOwnProperty.call(REFUSED, key)) {
        fail(here, 'unknown_keyword', REFUSED[key]!);
      } else {
        warn(here, 'annotation', annotationMessage(key));
      }
    }
    if (node.uniqueItems === true) checkUniqueItems(node, path);
    checkFormatLimits(node, path);
    checkNullable(node, path);
  };

  /**
   * `formatMinimum` and its kin bound a `date` or `date-time` answer (ajv-formats, as RJSF's validator has them).
   * ajv would refuse to compile one without `format` or on a format it cannot compare, and would let every answer
   * pass against a bound that is not a date: each is said here, in French, where it is written.
   */
  const checkFormatLimits = (node: Record<string, unknown>, path: ReadonlyArray<string | number>) => {
    for (const key of FORMAT_LIMITS) {
      if (!(key in node)) continue;
      const value = node[key];
      const format = node.format;
      const here = [...path, key];
      if (typeof value !== 'string')
        fail(
          here,
          'format_limit',
          `« ${key} » attend une date écrite en texte (exemple : "2024-01-01") ; une référence à une autre réponse (« $data ») n’est pas prise en charge.`,
        );
      else if (typeof format !== 'string' || !ORDERED_FORMATS.has(format))
        fail(
          here,
          'format_limit',
          `« ${key} » borne une date : il n’a d’effet qu’à côté de « "format": "date" » ou « "format": "date-time" » dans le même schéma${typeof format === 'string' ? ` (ici « ${format} »)` : ''}.`,
        );
      else if (!validFormatValue(format, value))
        fail(
          here,
          'format_limit',
          format === 'date'
            ? `« ${key} » : « ${value} » n’est pas une date valide ; écrivez-la AAAA-MM-JJ (exemple : "2024-01-01").`
            : `« ${key} » : « ${value} » n’est pas une date et heure valide ; écrivez-la comme RFC 3339 (exemple : "2024-01-01T09:00:00+01:00").`,
        );
    }
  };

  /**
   * `uniqueItems` compares items with one another. Over scalars, any tool
   * does it with one key per item; over objects or arrays, most compare every
   * pair, so the list needs a small `maxItems`, in the same schema (where
   * every validator, ours included, sees it).
   */
  const checkUniqueItems = (node: Record<string, unknown>, path: ReadonlyArray<string | number>) => {
    if (scalarItems(node.items, schema)) return;
    const max = node.maxItems;
    const tuple = node.items === false && Array.isArray(node.prefixItems) ? node.prefixItems.length : Infinity;
    if (Math.min(typeof max === 'number' ? max : Infinity, tuple) <= POLICY_LIMITS.uniqueItemsMax) return;
    fail(
      [...path, 'uniqueItems'],
      'unbounded_unique_items',
      `« uniqueItems » sur une liste dont les éléments peuvent être des objets ou des listes : chaque élément est comparé à tous les autres, un coût qui croît comme le carré du nombre d’éléments. Fixez « maxItems » (${POLICY_LIMITS.uniqueItemsMax} au plus) dans ce même schéma, ou donnez aux éléments un type simple (« "items": { "type": "string" } »).`,
    );
  };

  const checkPattern = (pattern: unknown, path: ReadonlyArray<string | number>) => {
    const problem = patternProblem(pattern, patterns, patternBudget);
    if (problem) fail(path, problem.code, problem.message);
  };

  const checkValue = (key: string, value: unknown, path: ReadonlyArray<string | number>, isRoot: boolean) => {
    switch (key) {
      case '$ref':
        if (typeof value !== 'string' || !value.startsWith('#')) {
          fail(path, 'remote_ref', 'Seules les références internes au schéma (« #/$defs/… ») sont permises.');
        } else if (value !== '#' && !value.startsWith('#/')) {
          fail(
            path,
            'ref_unresolved',
            `Référence par ancre (« ${value} ») non prise en charge : écrivez le chemin du schéma (« #/$defs/… »). L’import de fichiers convertit les ancres.`,
          );
        } else refs.push({ path, ref: value });
        break;
      case '$schema':
        if (!isRoot || value !== DIALECT)
          fail(path, 'schema_dialect', `Seul le dialecte ${DIALECT} est accepté, à la racine du schéma.`);
        break;
      case '$id':
        if (!isRoot) fail(path, 'schema_id', '« $id » n’est permis qu’à la racine du schéma.');
        break;
      case 'pattern':
        checkPattern(value, path);
        break;
      case 'format':
        if (typeof value !== 'string') fail(path, 'schema_shape', '« format » attend un texte.');
        else if (!ALLOWED_FORMATS.has(value))
          warn(
            path,
            'unknown_format',
            `Format inconnu de Guichet : « ${value} ». Il est conservé mais pas vérifié, et le champ est une simple zone de texte. Formats vérifiés : ${[...ALLOWED_FORMATS].join(', ')}.`,
          );
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        if (typeof value === 'boolean')
          fail(
            path,
            'legacy_keyword',
            `« ${key} » vaut un nombre depuis draft-06 : écrivez « "${key}": 3 » plutôt que « "${key === 'exclusiveMinimum' ? 'minimum' : 'maximum'}": 3, "${key}": true ». L’import de fichiers le convertit.`,
          );
        break;
      case 'enum':
        if (Array.isArray(value) && value.length > POLICY_LIMITS.enumLength)
          fail(path, 'enum_too_long', `Trop de choix (${POLICY_LIMITS.enumLength} au plus).`);
        // ajv refuses it without saying where; no answer could ever be given.
        else if (Array.isArray(value) && value.length === 0)
          fail(
            path,
            'schema_shape',
            '« enum » sans aucune valeur : aucune réponse ne serait jamais acceptée. Donnez au moins une valeur, ou retirez « enum ».',
          );
        break;
    }
  };

  /**
   * OpenAPI 3.0's `nullable: true` adds null to the schema's `type` (ajv and RJSF's validator read it so); without a
   * `type` ajv refuses to compile, without saying where. Said here, where it is written, with what to write.
   */
  const checkNullable = (node: Record<string, unknown>, path: ReadonlyArray<string | number>) => {
    if (!('nullable' in node)) return;
    const here = [...path, 'nullable'];
    if (typeof node.nullable !== 'boolean')
      fail(here, 'schema_shape', '« nullable » (OpenAPI 3.0) vaut true ou false.');
    else if (node.nullable && node.type === undefined)
      fail(
        here,
        'schema_shape',
        '« nullable: true » (OpenAPI 3.0) ajoute « null » au « type » du même schéma, qui n’en a pas : ajoutez « type » (exemple : « "type": "string" »), ou écrivez « "type": ["string", "null"] » (JSON Schema) à la place de « nullable ».',
      );
  };

  visit(schema, at, 0, true);
  if (errors.length === 0) {
    // A $ref may only lead to a place the policy has checked as a schema, never into an annotation it has not.
    const schemaPlaces = new Set(locations.map((l) => toJsonPointer(l)));
    for (const { path, ref } of refs) {
      let target: string | undefined;
      try {
        target = toJsonPointer(parseJsonPointer(decodeURIComponent(ref.slice(1))));
      } catch {
        target = undefined;
      }
      if (target === undefined || !schemaPlaces.has(target))
        fail(
          path,
          'ref_unresolved',
          `Référence introuvable : « ${ref} » ne désigne aucun schéma de ce document (les annotations ne peuvent pas être référencées).`,
        );
    }
  }
  if (errors.length === 0) {
    const loop = refLoop(schema, locations);
    if (loop)
      fail(
        [...at, ...loop, '$ref'],
        'ref_loop',
        'Référence circulaire : ce « $ref » ramène au même schéma sans passer par un champ, la vérification ne finirait jamais.',
      );
    const drawn = loop ? undefined : drawnLoop(schema, locations);
    if (drawn)
      fail(
        [...at, ...drawn, '$ref'],
        'recursive_group',
        'Groupe qui se contient lui-même : par ce « $ref », un groupe inclut le même groupe dans ses champs, et le formulaire le dessinerait sans fin. Placez la répétition dans une liste (« items ») ou dans un choix (« oneOf » avec une option vide).',
      );
  }
  return { errors, warnings };
}
