import safeRegex from 'safe-regex2';
import { RE2JS } from 're2js';
import { toJsonPointer, type ErrorItem } from '@guichet/shared';
import { ALLOWED_FORMATS, EXTENSION_KEYWORDS } from './ajv';

/** Bounds on a definition, chosen so the largest real forms (a few hundred fields) fit with room. */
export const POLICY_LIMITS = {
  definitionBytes: 512 * 1024,
  /** The whole document, schema included, with room around the schema's own 32 levels. */
  documentDepth: 64,
  depth: 32,
  schemaNodes: 20_000,
  propertiesPerObject: 500,
  patternLength: 1000,
  enumLength: 2000,
} as const;

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
const VALUES = new Set([
  'type',
  'enum',
  'const',
  'required',
  'dependentRequired',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minContains',
  'maxContains',
  'minProperties',
  'maxProperties',
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
  '$ref',
  '$schema',
  '$id',
  ...EXTENSION_KEYWORDS,
]);
/** Keys that would reach an object's prototype if some code used them as property names. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The safe schema policy: what a designer (or an imported file) may put in a
 * schema. Every violation comes back with a JSON pointer into the definition
 * (`at` is where the schema sits in it). Runs before ajv ever sees the schema.
 */
export function checkSchemaPolicy(schema: unknown, at: ReadonlyArray<string | number> = ['schema']): ErrorItem[] {
  const errors: ErrorItem[] = [];
  let nodes = 0;
  const fail = (path: ReadonlyArray<string | number>, code: string, message: string) => {
    if (errors.length < 200) errors.push({ pointer: toJsonPointer(path), code, message });
  };

  const visit = (node: unknown, path: ReadonlyArray<string | number>, depth: number, isRoot: boolean): void => {
    if (++nodes > POLICY_LIMITS.schemaNodes) {
      if (nodes === POLICY_LIMITS.schemaNodes + 1)
        fail(at, 'schema_too_large', `Schéma trop grand (${POLICY_LIMITS.schemaNodes} éléments au plus).`);
      return;
    }
    if (depth > POLICY_LIMITS.depth)
      return fail(path, 'schema_too_deep', `Schéma trop imbriqué (${POLICY_LIMITS.depth} niveaux au plus).`);
    if (typeof node === 'boolean') return;
    if (node === null || typeof node !== 'object' || Array.isArray(node))
      return fail(path, 'schema_shape', 'Un schéma est un objet JSON (ou true / false).');

    for (const [key, value] of Object.entries(node)) {
      const here = [...path, key];
      if (FORBIDDEN_KEYS.has(key)) {
        fail(here, 'forbidden_key', `La clé « ${key} » est interdite.`);
        continue;
      }
      if (SUBSCHEMA.has(key)) visit(value, here, depth + 1, false);
      else if (SUBSCHEMA_LIST.has(key)) {
        if (!Array.isArray(value) || value.length === 0)
          fail(here, 'schema_shape', `« ${key} » attend une liste de schémas.`);
        else value.forEach((sub, i) => visit(sub, [...here, i], depth + 1, false));
      } else if (SUBSCHEMA_MAP.has(key)) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
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
      } else {
        fail(
          here,
          'unknown_keyword',
          `Mot-clé inconnu : « ${key} ». Les extensions commencent par « x- » et sont listées dans la documentation.`,
        );
      }
    }
  };

  const checkPattern = (pattern: unknown, path: ReadonlyArray<string | number>) => {
    if (typeof pattern !== 'string') return fail(path, 'schema_shape', 'Un motif est un texte.');
    if (pattern.length > POLICY_LIMITS.patternLength)
      return fail(path, 'unsafe_pattern', `Motif trop long (${POLICY_LIMITS.patternLength} caractères au plus).`);
    try {
      RE2JS.compile(pattern);
    } catch {
      return fail(
        path,
        'unsafe_pattern',
        'Motif refusé : il utilise une construction non prise en charge (références arrière, assertions) ou il est invalide.',
      );
    }
    // Linear on the server (RE2); the browser's engine backtracks, so nested quantifiers are refused too.
    if (!safeRegex(pattern))
      fail(
        path,
        'unsafe_pattern',
        'Motif refusé : ses répétitions imbriquées peuvent bloquer le navigateur (par exemple « (a+)+ »).',
      );
  };

  const checkValue = (key: string, value: unknown, path: ReadonlyArray<string | number>, isRoot: boolean) => {
    switch (key) {
      case '$ref':
        if (typeof value !== 'string' || !value.startsWith('#')) {
          fail(path, 'remote_ref', 'Seules les références internes au schéma (« #/$defs/… ») sont permises.');
        }
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
        if (typeof value !== 'string' || !ALLOWED_FORMATS.has(value)) {
          fail(
            path,
            'unknown_format',
            `Format inconnu : « ${String(value)} ». Formats permis : ${[...ALLOWED_FORMATS].join(', ')}.`,
          );
        }
        break;
      case 'enum':
        if (Array.isArray(value) && value.length > POLICY_LIMITS.enumLength)
          fail(path, 'enum_too_long', `Trop de choix (${POLICY_LIMITS.enumLength} au plus).`);
        break;
    }
  };

  visit(schema, at, 0, true);
  return errors;
}
