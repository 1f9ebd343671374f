import { isSafePattern } from 'redos-detector';
import safeRegex from 'safe-regex2';
import { RE2JS } from 're2js';
import { parseJsonPointer, toJsonPointer, type ErrorItem } from '@guichet/shared';
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
  /** Distinct patterns in one schema: each costs up to ~100 ms of backtracking analysis (see browserSafe). */
  patterns: 100,
  enumLength: 2000,
} as const;

/**
 * Whether the browser's backtracking engine runs `pattern` in time linear
 * enough, whatever the input: redos-detector walks every way the pattern can
 * match the same text, and a pattern with too many (ambiguous alternation
 * under a quantifier, adjacent overlapping repetitions) is refused. A step
 * budget, not a clock, so that the verdict does not depend on the machine's
 * load. Verdicts are kept: definitions are checked on every save.
 */
const verdicts = new Map<string, boolean>();
function browserSafe(pattern: string): boolean {
  let safe = verdicts.get(pattern);
  if (safe === undefined) {
    try {
      safe = isSafePattern(pattern, { unicode: true, maxSteps: 1000 }).safe;
    } catch {
      safe = false;
    }
    if (verdicts.size >= 5000) verdicts.clear();
    verdicts.set(pattern, safe);
  }
  return safe;
}

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
  const patterns = new Set<string>();
  /** Every subschema's place, relative to the schema's root, for the $ref loop check. */
  const locations: Array<ReadonlyArray<string | number>> = [];
  const fail = (path: ReadonlyArray<string | number>, code: string, message: string) => {
    if (errors.length < 200) errors.push({ pointer: toJsonPointer(path), code, message });
  };

  const visit = (node: unknown, path: ReadonlyArray<string | number>, depth: number, isRoot: boolean): void => {
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) locations.push(path.slice(at.length));
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
    // The browser validates with its own engine (ajv's standalone code, flag u): the pattern must compile there.
    try {
      new RegExp(pattern, 'u');
    } catch {
      return fail(path, 'unsafe_pattern', 'Motif refusé : les navigateurs ne le comprennent pas.');
    }
    // Linear on the server (RE2); the browser's engine backtracks, so nested quantifiers are refused too.
    if (!safeRegex(pattern))
      return fail(
        path,
        'unsafe_pattern',
        'Motif refusé : ses répétitions imbriquées peuvent bloquer le navigateur (par exemple « (a+)+ »).',
      );
    patterns.add(pattern);
    if (patterns.size > POLICY_LIMITS.patterns)
      return fail(path, 'unsafe_pattern', `Trop de motifs différents (${POLICY_LIMITS.patterns} au plus).`);
    if (!browserSafe(pattern))
      fail(
        path,
        'unsafe_pattern',
        'Motif refusé : il peut reconnaître un même texte de trop de façons (par exemple « (a|a)* » ou « \\d*\\d* »), ce qui peut bloquer le navigateur. Simplifiez-le, ou utilisez un format (« email »…).',
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
  if (errors.length === 0) {
    const loop = refLoop(schema, locations);
    if (loop)
      fail(
        [...at, ...loop, '$ref'],
        'ref_loop',
        'Référence circulaire : ce « $ref » ramène au même schéma sans passer par un champ, la vérification ne finirait jamais.',
      );
  }
  return errors;
}

/** Keywords whose subschemas apply to the same value as their parent (no step into the answers). */
const SAME_VALUE = ['not', 'if', 'then', 'else'];
const SAME_VALUE_LIST = ['allOf', 'anyOf', 'oneOf'];
const SAME_VALUE_MAP = ['dependentSchemas'];

/**
 * A cycle of `$ref`s (through allOf, not, if…) that comes back to a schema
 * without descending into the data makes ajv recurse until the stack
 * overflows on the first answer, or while compiling: found here, iteratively,
 * as a cycle in the graph of "applies to the same value" edges. Returns the
 * place of the `$ref` that closes it.
 */
function refLoop(
  schema: unknown,
  locations: ReadonlyArray<ReadonlyArray<string | number>>,
): ReadonlyArray<string | number> | undefined {
  const nodeAt = (path: ReadonlyArray<string | number>): Record<string, unknown> | undefined => {
    let node: unknown = schema;
    for (const key of path) {
      if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return;
      node = (node as Record<string, unknown>)[key];
    }
    return node !== null && typeof node === 'object' && !Array.isArray(node)
      ? (node as Record<string, unknown>)
      : undefined;
  };
  const next = (path: ReadonlyArray<string | number>): Array<ReadonlyArray<string | number>> => {
    const node = nodeAt(path);
    if (!node) return [];
    const out: Array<ReadonlyArray<string | number>> = [];
    for (const key of SAME_VALUE) if (Object.prototype.hasOwnProperty.call(node, key)) out.push([...path, key]);
    for (const key of SAME_VALUE_LIST) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((_, i) => out.push([...path, key, i]));
    }
    for (const key of SAME_VALUE_MAP) {
      const map = node[key];
      if (map !== null && typeof map === 'object' && !Array.isArray(map))
        for (const name of Object.keys(map)) out.push([...path, key, name]);
    }
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#')) {
      try {
        const fragment = decodeURIComponent(ref.slice(1));
        if (fragment === '' || fragment.startsWith('/')) out.push(parseJsonPointer(fragment));
      } catch {
        // A malformed reference: ajv refuses it when compiling.
      }
    }
    return out;
  };
  const key = (path: ReadonlyArray<string | number>) => toJsonPointer(path);
  const state = new Map<string, 'open' | 'done'>();
  for (const start of locations) {
    if (state.has(key(start))) continue;
    const stack: Array<{ path: ReadonlyArray<string | number>; edges: Array<ReadonlyArray<string | number>> }> = [
      { path: start, edges: next(start) },
    ];
    state.set(key(start), 'open');
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const edge = top.edges.pop();
      if (!edge) {
        state.set(key(top.path), 'done');
        stack.pop();
        continue;
      }
      const seen = state.get(key(edge));
      if (seen === 'open') {
        // The cycle is the stack from `edge` up: name one of its $refs (structural edges alone never loop).
        const cycle = stack.slice(stack.findIndex((entry) => key(entry.path) === key(edge)));
        return (cycle.find((entry) => typeof nodeAt(entry.path)?.$ref === 'string') ?? top).path;
      }
      if (seen === 'done') continue;
      state.set(key(edge), 'open');
      stack.push({ path: edge, edges: next(edge) });
    }
  }
  return undefined;
}
