/**
 * RJSF's schema semantics behind our own renderer: which fields a schema
 * shows for given answers (`if`/`then`/`else`, `dependencies`, `allOf`,
 * `$ref`), which branch of a `oneOf`/`anyOf` the answers fit, the defaults
 * (`default`, `const`) and what is kept when a citizen switches branch. All of
 * it is `@rjsf/utils`, so a form behaves here as in RJSF's playground.
 *
 * `@rjsf/utils` asks a validator whether answers fit a subschema. The page
 * has no `unsafe-eval`, so that validator is @cfworker/json-schema, which
 * interprets schemas instead of compiling them; the server's verdict on a
 * submission stays ajv's. This module is heavy: the web app loads it only for
 * definitions where `needsSemantics` says so.
 */
import {
  getClosestMatchingOption,
  getDefaultFormState,
  retrieveSchema,
  sanitizeDataForNewSchema,
  type RJSFSchema,
  type ValidatorType,
} from '@rjsf/utils';
import { Validator } from '@cfworker/json-schema';
import type { Schema } from './field-model';

export interface SchemaSemantics {
  /** The schema as it applies to these answers: conditions decided, `allOf` merged, `$ref`s followed. */
  retrieve(schema: Schema, data: unknown): Schema;
  /** The index of the `oneOf`/`anyOf` branch these answers fit best (`selected` wins a tie). */
  matchOption(branches: Schema[], data: unknown, selected?: number): number;
  /** The answers with the schema's `default`s and `const`s filled in where nothing is answered. */
  withDefaults(schema: Schema, data: unknown): unknown;
  /** The answers kept when the citizen switches from one branch to another: those that still apply. */
  switchBranch(next: Schema, previous: Schema, data: unknown): unknown;
}

const MAX_CACHED_VALIDATORS = 500;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Our stored schemas are 2020-12; RJSF reads draft-07's spelling of two of its
 * keywords. The view it gets says `dependencies` for `dependentSchemas` and
 * `dependentRequired`, and `items: [...]` + `additionalItems` for
 * `prefixItems` + `items`. The stored definition is never changed.
 */
export function toRjsfView(node: unknown, seen = new WeakMap<object, unknown>()): unknown {
  if (Array.isArray(node)) return node.map((n) => toRjsfView(n, seen));
  if (!isObject(node)) return node;
  const cached = seen.get(node);
  if (cached) return cached;
  const out: Record<string, unknown> = {};
  seen.set(node, out);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'dependentSchemas' || key === 'dependentRequired') {
      const dependencies = (out.dependencies ?? {}) as Record<string, unknown>;
      if (isObject(value)) for (const [k, v] of Object.entries(value)) dependencies[k] = toRjsfView(v, seen);
      out.dependencies = dependencies;
    } else if (key === 'prefixItems') {
      out.items = toRjsfView(value, seen);
      if (node.items !== undefined) out.additionalItems = toRjsfView(node.items, seen);
    } else if (key === 'items' && node.prefixItems !== undefined) {
      continue;
    } else if (key === 'properties' || key === '$defs' || key === 'definitions' || key === 'patternProperties') {
      out[key] = isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toRjsfView(v, seen)]))
        : value;
    } else out[key] = typeof value === 'object' ? toRjsfView(value, seen) : value;
  }
  return out;
}

/** The validator `@rjsf/utils` asks "do these answers fit this subschema?", without compiling code. */
export function createInterpretingValidator(): ValidatorType {
  const cache = new Map<string, Validator>();
  const validatorFor = (schema: RJSFSchema, rootSchema: RJSFSchema): Validator => {
    // Local references point into the root: the subschema is checked with the root's definitions beside it.
    const withDefs = { ...schema, $defs: rootSchema.$defs, definitions: rootSchema.definitions } as RJSFSchema;
    const key = JSON.stringify(withDefs);
    let validator = cache.get(key);
    if (!validator) {
      validator = new Validator(withDefs as never, '2020-12', true);
      if (cache.size >= MAX_CACHED_VALIDATORS) cache.delete(cache.keys().next().value as string);
      cache.set(key, validator);
    }
    return validator;
  };
  const isValid = (schema: RJSFSchema, formData: unknown, rootSchema: RJSFSchema): boolean => {
    try {
      return validatorFor(schema, rootSchema).validate(formData).valid;
    } catch {
      // An unresolvable reference: this branch does not apply.
      return false;
    }
  };
  return {
    isValid,
    validateFormData: () => ({ errors: [], errorSchema: {} }),
    rawValidation: () => ({ errors: [] }),
  } as ValidatorType;
}

/**
 * RJSF's defaults as RJSF's Form computes them, `const` included, with one
 * deliberate difference: a choice written as `oneOf` of `const`s is not
 * answered in advance with its first value (RJSF's `constAsDefaults:
 * "always"`), since a citizen could send a choice they never made.
 */
const DEFAULTS_BEHAVIOUR = {
  emptyObjectFields: 'populateAllDefaults',
  allOf: 'populateDefaults',
  constAsDefaults: 'skipOneOf',
  mergeDefaultsIntoFormData: 'useFormDataIfPresent',
  arrayMinItems: { populate: 'never' },
} as const;

/** Where a `const` is a test on the answers, not a value to give them. */
const CONDITION_KEYWORDS = new Set(['if', 'not', 'contains', 'propertyNames']);

/**
 * The schema as defaults read it: a yes/no that only `true` satisfies (a
 * consent, an acknowledgement) keeps its `const` as a check but gives no
 * default. RJSF ticks such a box in advance (`constAsDefaults`); a citizen's
 * consent is an act, so here it starts unticked.
 */
export function withoutConsentDefaults(node: unknown, seen = new WeakMap<object, unknown>()): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutConsentDefaults(n, seen));
  if (!isObject(node)) return node;
  const cached = seen.get(node);
  if (cached) return cached;
  const out: Record<string, unknown> = {};
  seen.set(node, out);
  const consent =
    node.type === 'boolean' &&
    (node.const === true || (Array.isArray(node.enum) && node.enum.length === 1 && node.enum[0] === true));
  for (const [key, value] of Object.entries(node)) {
    if (consent && (key === 'const' || key === 'enum')) continue;
    out[key] = CONDITION_KEYWORDS.has(key) ? value : withoutConsentDefaults(value, seen);
  }
  return out;
}

/**
 * RJSF's defaults with the tuples nobody answered left out: RJSF gives an optional tuple (draft-07's `items: [...]`)
 * one `undefined` per fixed item, `[null, null]` once sent, which its own validator then refuses (« must be string »):
 * a citizen who left « Période d'absence » empty could never send the form. **A departure on purpose**: such a tuple
 * is not answered. A tuple with a default in one of its places is RJSF's, as is an item the citizen adds to a list.
 */
export function withoutUntouchedTuples(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(withoutUntouchedTuples);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (!isObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, child] of Object.entries(value)) {
    const untouched = Array.isArray(child) && child.length > 0 && child.every((item) => item === undefined);
    const next = untouched ? undefined : withoutUntouchedTuples(child);
    if (next === child) continue;
    out ??= { ...value };
    if (untouched) delete out[key];
    else out[key] = next;
  }
  return out ?? value;
}

export function createSchemaSemantics(root: Schema): SchemaSemantics {
  const validator = createInterpretingValidator();
  const views = new WeakMap<object, unknown>();
  const rootView = toRjsfView(root, views) as RJSFSchema;
  const view = (schema: Schema) => toRjsfView(schema, views) as RJSFSchema;
  const defaultsViews = new WeakMap<object, unknown>();
  const defaultsRoot = withoutConsentDefaults(rootView, defaultsViews) as RJSFSchema;
  const defaultsView = (schema: Schema) => withoutConsentDefaults(view(schema), defaultsViews) as RJSFSchema;
  return {
    retrieve: (schema, data) => retrieveSchema(validator, view(schema), rootView, data) as Schema,
    matchOption: (branches, data, selected) =>
      getClosestMatchingOption(validator, rootView, data, branches.map(view), selected ?? -1),
    withDefaults: (schema, data) =>
      withoutUntouchedTuples(
        getDefaultFormState(
          validator,
          defaultsView(schema),
          data,
          defaultsRoot,
          false,
          DEFAULTS_BEHAVIOUR as unknown as Parameters<typeof getDefaultFormState>[5],
        ),
      ),
    switchBranch: (next, previous, data) =>
      sanitizeDataForNewSchema(validator, rootView, view(next), view(previous), data),
  };
}
