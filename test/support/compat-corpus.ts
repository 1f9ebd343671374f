/**
 * The compatibility corpus (test/fixtures/compat): forms of our own that use
 * every keyword and uiSchema option of RJSF's playground samples. What the
 * e2e and browser suites share: loading the forms, RJSF's verdict on an
 * answer (the reference), generated wrong answers, the key-order check, and
 * the result lines that scripts/compat-table.ts turns into the table.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { customizeValidator, type CustomValidatorOptionsType } from '@rjsf/validator-ajv8';
import { getDefaultFormState, retrieveSchema, type RJSFSchema, type ValidatorType } from '@rjsf/utils';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json';
import AjvDraft04 from 'ajv-draft-04';
import { ROOT } from './processes';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CompatForm {
  /** File name without `.json`: the service's slug is `compat-<name>`. */
  name: string;
  title: string;
  schema: JsonObject;
  uiSchema: JsonObject;
  formData: Json;
  notes: string;
}

export const CORPUS_DIR = join(ROOT, 'test/fixtures/compat');
export const RESULTS_FILE = join(ROOT, 'var/test-results/compat.jsonl');

export function loadCorpus(): CompatForm[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -5), ...(JSON.parse(readFileSync(join(CORPUS_DIR, f), 'utf8')) as object) }))
    .map((f) => f as CompatForm);
}

export const slugOf = (form: CompatForm) => `compat-${form.name}`;

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * RJSF's validator for the form's dialect: draft-07 (RJSF's default, and what
 * a schema without `$schema` means to the playground), or 2019-09 / 2020-12
 * when the form says so, as RJSF's documentation tells its users to set it up
 * (`customizeValidator({ AjvClass })`) — a draft-07 Ajv would ignore
 * `prefixItems` or `dependentSchemas`, and fails on a `$schema` it does not know.
 */
export function rjsfValidator(schema: JsonObject): ValidatorType {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  // Ajv2019/Ajv2020 are Ajv subclasses; their declared types lack the namespace re-exports customizeValidator's type names.
  if (dialect.includes('2020-12'))
    return customizeValidator({ AjvClass: Ajv2020 as unknown as CustomValidatorOptionsType['AjvClass'] });
  if (dialect.includes('2019-09'))
    return customizeValidator({ AjvClass: Ajv2019 as unknown as CustomValidatorOptionsType['AjvClass'] });
  // Draft-06: RJSF's documentation adds Ajv's draft-06 meta-schema (`additionalMetaSchemas`); draft-04: Ajv's own
  // draft-04 class (`ajv-draft-04`), whose boolean `exclusiveMinimum` a draft-07 Ajv refuses as a schema error.
  if (dialect.includes('draft-06')) return customizeValidator({ additionalMetaSchemas: [draft06MetaSchema] });
  if (dialect.includes('draft-04'))
    return customizeValidator({ AjvClass: AjvDraft04 as unknown as CustomValidatorOptionsType['AjvClass'] });
  return customizeValidator();
}

export interface Verdict {
  valid: boolean;
  /** JSON pointers (or RJSF property paths) of the problems found, for the report. */
  errors: string[];
}

/** What `@rjsf/validator-ajv8` says of `formData`: the reference every server verdict is held to. */
export function rjsfVerdict(schema: JsonObject, formData: Json): Verdict {
  const { errors } = rjsfValidator(schema).validateFormData(formData, schema as RJSFSchema);
  return { valid: errors.length === 0, errors: errors.map((e) => `${e.property ?? ''} ${e.name ?? ''}`.trim()) };
}

/**
 * What RJSF would submit for `formData`: the form's state after defaults and `const`s are applied. One documented
 * departure (docs/definition-format.md): an optional tuple nobody answered, which RJSF starts as one `undefined` per
 * place and its own validator then refuses, is left out (`withoutUntouchedTuples` in @guichet/shared).
 */
export function rjsfSubmitted(schema: JsonObject, formData: Json): Json {
  return withoutUntouchedTuples(
    getDefaultFormState(rjsfValidator(schema), schema as RJSFSchema, formData, schema as RJSFSchema),
  ) as Json;
}

function withoutUntouchedTuples(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUntouchedTuples);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => !(Array.isArray(child) && child.length > 0 && child.every((item) => item === undefined)))
      .map(([key, child]) => [key, withoutUntouchedTuples(child)]),
  );
}

/**
 * The schema as RJSF's drawing code reads conditions: `dependentSchemas` and
 * `dependentRequired` (2019-09's names) under draft-07's `dependencies`,
 * which RJSF resolves and its `retrieveSchema` does not know by the newer
 * names (the validator does). Same meaning, as the specification says.
 */
function withDependencies(node: Json): Json {
  if (Array.isArray(node)) return node.map(withDependencies);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'dependentSchemas' || key === 'dependentRequired') && isObject(value)) {
      const dependencies = (isObject(out.dependencies) ? out.dependencies : {}) as JsonObject;
      for (const [k, v] of Object.entries(value)) dependencies[k] = withDependencies(v);
      out.dependencies = dependencies;
    } else out[key] = withDependencies(value);
  }
  return out;
}

/** The schema RJSF draws for `data` at the root: `$ref`, `allOf`, `if/then/else`, dependencies resolved. */
export function resolved(schema: JsonObject, sub: JsonObject, data: Json): JsonObject {
  const root = withDependencies(schema) as JsonObject;
  return retrieveSchema(
    rjsfValidator(schema),
    withDependencies(sub) as RJSFSchema,
    root as RJSFSchema,
    data,
  ) as JsonObject;
}

// Not structuredClone: under jest its objects come from another realm, and deep-equality checks then fail.
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The JSON text of `value` with object keys sorted: equal answers, whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** Same answers (key order does not matter in answers; it does in definitions). */
export const sameAnswers = (a: unknown, b: unknown) => canonical(a) === canonical(b);

interface Leaf {
  path: Array<string | number>;
  schema: JsonObject;
  value: Json;
}

/** Leaves of `data` with the schema RJSF resolves for each, in the data's order. */
function leaves(root: JsonObject, schema: JsonObject, data: Json, path: Array<string | number> = []): Leaf[] {
  const here = resolved(root, schema, data);
  if (isObject(data) && !(Array.isArray(here.enum) || 'const' in here)) {
    const props = isObject(here.properties) ? here.properties : {};
    return Object.entries(data).flatMap(([k, v]) =>
      isObject(props[k]) ? leaves(root, props[k] as JsonObject, v, [...path, k]) : [],
    );
  }
  if (Array.isArray(data) && here.type === 'array') {
    return data.flatMap((v, i) => {
      const prefix = (Array.isArray(here.prefixItems) ? here.prefixItems : Array.isArray(here.items) ? here.items : [])[
        i
      ];
      const item = isObject(prefix)
        ? prefix
        : isObject(here.items)
          ? here.items
          : isObject(here.additionalItems)
            ? here.additionalItems
            : undefined;
      return item ? leaves(root, item, v, [...path, i]) : [];
    });
  }
  return [{ path, schema: here, value: data }];
}

function setAt(data: Json, path: Array<string | number>, value: Json | undefined): Json {
  if (path.length === 0) return value as Json;
  const out = clone(data);
  let node = out as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return out;
}

/** A value of the wrong type for `schema` (text for a number, a number for a text…). */
function wrongType(schema: JsonObject): Json {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('number') || types.includes('integer')) return 'douze';
  if (types.includes('boolean')) return 'oui';
  if (types.includes('string')) return 12345;
  return 'valeur inattendue';
}

export interface Variant {
  name: string;
  data: Json;
}

/**
 * Deliberately wrong answers, generated from the schema and the sample:
 * a required answer dropped, a format or pattern broken, a value of the wrong
 * type, a value a `not` rules out, a date past its bound. Each is compared, not assumed invalid: the point is that the server
 * and RJSF agree on it.
 */
export function wrongVariants(form: CompatForm): Variant[] {
  const variants: Variant[] = [];
  const root = form.schema;
  // 1. A required answer dropped: the first one RJSF requires that the sample gives, at any depth.
  const dropRequired = (schema: JsonObject, data: Json, path: Array<string | number>): boolean => {
    if (!isObject(data)) return false;
    const here = resolved(root, schema, data);
    const required = Array.isArray(here.required) ? (here.required as string[]) : [];
    const key = required.find((k) => k in data);
    if (key !== undefined) {
      variants.push({
        name: `sans « ${[...path, key].join('/')} » (obligatoire)`,
        data: setAt(form.formData, [...path, key], undefined),
      });
      return true;
    }
    const props = isObject(here.properties) ? here.properties : {};
    return Object.entries(data).some(
      ([k, v]) => isObject(props[k]) && dropRequired(props[k] as JsonObject, v, [...path, k]),
    );
  };
  dropRequired(root, form.formData, []);
  const all = leaves(root, root, form.formData);
  // 2. A format or pattern broken.
  const formatted = all.find((l) => typeof l.value === 'string' && (l.schema.format || l.schema.pattern));
  if (formatted)
    variants.push({
      name: `« ${formatted.path.join('/')} » au mauvais format`,
      data: setAt(form.formData, formatted.path, 'valeur invalide !'),
    });
  // 3. A value of the wrong type (the first leaf not already broken above).
  const typed = all.find((l) => l !== formatted && l.schema.type !== undefined && l.value !== null);
  if (typed)
    variants.push({
      name: `« ${typed.path.join('/') || '(racine)'} » du mauvais type`,
      data: setAt(form.formData, typed.path, wrongType(typed.schema)),
    });
  // 4. A value a `not` rules out (its `const`, or the first value of its `enum`).
  const ruledOut = all.find(
    (l) => isObject(l.schema.not) && ('const' in l.schema.not || Array.isArray(l.schema.not.enum)),
  );
  if (ruledOut) {
    const not = ruledOut.schema.not as JsonObject;
    variants.push({
      name: `« ${ruledOut.path.join('/')} » exclu par « not »`,
      data: setAt(form.formData, ruledOut.path, 'const' in not ? not.const! : (not.enum as Json[])[0]!),
    });
  }
  // 5. A date past its bound (`formatMinimum` and its kin, ajv-formats' keywords that RJSF's validator enforces).
  const bounded = all.find(
    (l) =>
      typeof l.value === 'string' &&
      (l.schema.format === 'date' || l.schema.format === 'date-time') &&
      ['formatMinimum', 'formatExclusiveMinimum', 'formatMaximum', 'formatExclusiveMaximum'].some((k) => k in l.schema),
  );
  if (bounded) {
    const below = 'formatMinimum' in bounded.schema || 'formatExclusiveMinimum' in bounded.schema;
    const day = below ? '1900-01-01' : '2999-12-31';
    variants.push({
      name: `« ${bounded.path.join('/')} » hors de ses bornes`,
      data: setAt(form.formData, bounded.path, bounded.schema.format === 'date' ? day : `${day}T12:00:00Z`),
    });
  }
  // Forms whose rules sit in compositions RJSF does not merge (a root oneOf): the empty answer.
  if (variants.length < 2 && isObject(form.formData)) variants.push({ name: 'réponse vide', data: {} });
  const seen = new Set([JSON.stringify(form.formData)]);
  return variants.filter((v) => !seen.has(JSON.stringify(v.data)) && seen.add(JSON.stringify(v.data)));
}

/** PostgreSQL's jsonb key order (shorter keys first, then bytewise): what storage does to an object. */
export function jsonbOrder(keys: string[]): string[] {
  return [...keys].sort((a, b) => {
    const la = Buffer.byteLength(a);
    const lb = Buffer.byteLength(b);
    return la !== lb ? la - lb : Buffer.compare(Buffer.from(a), Buffer.from(b));
  });
}

/** Pointers of the objects whose authored key order jsonb would change: the order check can fail there. */
export function reorderedByJsonb(value: Json, pointer = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => reorderedByJsonb(v, `${pointer}/${i}`));
  if (!isObject(value)) return [];
  const keys = Object.keys(value);
  const here = keys.join('\u0000') !== jsonbOrder(keys).join('\u0000') ? [pointer] : [];
  return [...here, ...keys.flatMap((k) => reorderedByJsonb(value[k]!, `${pointer}/${k}`))];
}

/**
 * Older-draft keywords the import converts, and where their content lands:
 * the authored order is then checked at the new place.
 */
const ALIASES: Record<string, string[]> = {
  definitions: ['$defs'],
  dependencies: ['dependentRequired', 'dependentSchemas'],
};

/**
 * Where `stored` does not keep the authored order: at every depth, the keys
 * the two share must come in the same order. Keys the import adds, renames or
 * drops are not order errors (the conversion has its own tests); a reordering is.
 */
export function orderDifferences(authored: Json, stored: Json, pointer = ''): string[] {
  if (Array.isArray(authored) && Array.isArray(stored))
    return authored.flatMap((a, i) => (i < stored.length ? orderDifferences(a, stored[i]!, `${pointer}/${i}`) : []));
  if (!isObject(authored) || !isObject(stored)) return [];
  // A draft-07 tuple is stored as 2020-12 writes it, each keyword where it was: `items: [ … ]` → `prefixItems`,
  // `additionalItems` → `items`. Compared under the names they got, or a `minItems` written between the two would
  // read as moved (and the tuple's places would not be compared at all).
  const tuple = Array.isArray(authored.items) && Array.isArray(stored.prefixItems);
  const renamed: Record<string, string> = tuple ? { items: 'prefixItems', additionalItems: 'items' } : {};
  const nameOf = (k: string) => renamed[k] ?? k;
  const problems: string[] = [];
  const shared = Object.keys(authored)
    .map(nameOf)
    .filter((k) => k in stored);
  const storedShared = Object.keys(stored).filter((k) => shared.includes(k));
  if (shared.join('\u0000') !== storedShared.join('\u0000'))
    problems.push(`${pointer || '/'} : attendu ${JSON.stringify(shared)}, lu ${JSON.stringify(storedShared)}`);
  for (const written of Object.keys(authored)) {
    const child = authored[written]!;
    const key = nameOf(written);
    if (key in stored) problems.push(...orderDifferences(child, stored[key]!, `${pointer}/${key}`));
    else
      for (const alias of ALIASES[key] ?? [])
        if (isObject(stored[alias]) && isObject(child)) {
          const target = stored[alias] as JsonObject;
          const part = Object.fromEntries(Object.entries(child).filter(([k]) => k in target));
          problems.push(...orderDifferences(part, target, `${pointer}/${alias}`));
        }
  }
  return problems;
}

/** Key sequences at every depth, for an exact comparison between two routes' copies. */
export function keyPaths(value: Json, pointer = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keyPaths(v, `${pointer}/${i}`));
  if (!isObject(value)) return [];
  return [
    `${pointer}: ${Object.keys(value).join(',')}`,
    ...Object.entries(value).flatMap(([k, v]) => keyPaths(v, `${pointer}/${k}`)),
  ];
}

export interface CompatResult {
  form: string;
  suite: 'e2e' | 'browser';
  imported?: boolean;
  refused?: string;
  keyOrder?: boolean;
  drawn?: boolean;
  sent?: boolean;
  storedEqual?: boolean;
  /** The review page and the receipt read the answers back as RJSF’s semantics imply. */
  readBack?: boolean;
  agrees?: boolean;
  detail?: string;
}

/** One JSON line per form and suite, read by scripts/compat-table.ts. */
export function recordResult(result: CompatResult): void {
  mkdirSync(join(ROOT, 'var/test-results'), { recursive: true });
  appendFileSync(RESULTS_FILE, `${JSON.stringify({ ...result, at: new Date().toISOString() })}\n`);
}
