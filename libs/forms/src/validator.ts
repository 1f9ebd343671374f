import type { ValidateFunction } from 'ajv';
import {
  checkAnswers,
  LruCache,
  parseJsonPointer,
  type JsonSchema,
  type SchemaValidateFunction,
  type ServiceDefinition,
  type ValidateOptions,
  type ValidationOutcome,
} from '@guichet/shared';
import { createAjv } from './ajv';
import { definitionHash } from './check-definition';
import { cachedValidator, type ValidatorCodeStore } from './compiled-validators';
import { draftSchema } from './draft-schema';
import { ErrorEstimate } from './error-budget';

export type { ValidationMode, ValidateOptions, ValidationOutcome } from '@guichet/shared';

/**
 * The most errors one validation may build (about 1 µs each, then their
 * wording): past it, checking stops at the first problem. A 300-field form
 * left empty stays well under it; 20,000 list items do not.
 */
export const ERROR_BUDGET = 10_000;

interface Compiled {
  submit: ValidateFunction;
  /** Null when the schema has no draft schema this version can derive (see draftSchema). */
  draft: ValidateFunction | null;
}

/**
 * Validation of submissions against one published version: compiled once,
 * then `checkAnswers`, the same rules the browser runs (hidden fields dropped
 * and excused, locked prefill, eligibility at submit). Two schemas: the
 * published one at submit, its draft schema for drafts (see draftSchema).
 * Each answer's possible error count is bounded before validating: within
 * ERROR_BUDGET every problem is listed, past it the fail-fast twins
 * (compiled on first need) report the first one only.
 */
export class FormValidator {
  private readonly complete: Compiled;
  private failFast?: Compiled;
  private readonly draftSource: JsonSchema | null;
  private readonly estimates: { submit: ErrorEstimate; draft: ErrorEstimate | null };

  /**
   * `store`: where compiled code is kept across processes and restarts
   * (compiled-validators.ts); without it, ajv compiles here each time.
   */
  constructor(
    readonly definition: ServiceDefinition,
    private readonly store?: ValidatorCodeStore,
  ) {
    this.draftSource = draftSchema(definition.schema);
    this.complete = compile(definition.schema, this.draftSource, true, store);
    this.estimates = {
      submit: new ErrorEstimate(definition.schema),
      draft: this.complete.draft && this.draftSource !== null ? new ErrorEstimate(this.draftSource) : null,
    };
  }

  validate(input: unknown, options: ValidateOptions): ValidationOutcome {
    const draft = options.mode === 'draft' && this.complete.draft !== null;
    const estimate = draft ? this.estimates.draft! : this.estimates.submit;
    const compiled = estimate.fits(input, ERROR_BUDGET) ? this.complete : this.failFastValidators();
    return checkAnswers(withDraft(compiled), this.definition, input, options);
  }

  /** True when this version validates drafts with a derived draft schema (not by ignoring completeness errors). */
  get hasDraftSchema(): boolean {
    return this.complete.draft !== null;
  }

  private failFastValidators(): Compiled {
    return (this.failFast ??= compile(
      this.definition.schema,
      this.complete.draft ? this.draftSource : null,
      false,
      this.store,
    ));
  }
}

function compile(
  schema: ServiceDefinition['schema'],
  draft: unknown,
  allErrors: boolean,
  store: ValidatorCodeStore | undefined,
): Compiled {
  return {
    // The published schema passed checkDefinition; the draft schema is derived here, so ajv still checks it.
    submit: compileOne(schema, allErrors, store, true),
    draft: draft === null ? null : compileDraft(draft, allErrors, store),
  };
}

function compileOne(
  schema: unknown,
  allErrors: boolean,
  store: ValidatorCodeStore | undefined,
  checked: boolean,
): ValidateFunction {
  return store
    ? cachedValidator(schema, allErrors, store, checked)
    : createAjv({ allErrors, checked }).compile(schema as object);
}

/** A draft schema that ajv refuses (it should not happen) falls back to ignoring completeness errors. */
function compileDraft(
  schema: unknown,
  allErrors: boolean,
  store: ValidatorCodeStore | undefined,
): ValidateFunction | null {
  try {
    return compileOne(schema, allErrors, store, false);
  } catch {
    return null;
  }
}

/** The submit validator carrying its draft twin, the shape checkAnswers takes on both sides. */
function withDraft(compiled: Compiled): SchemaValidateFunction {
  const submit = compiled.submit as unknown as SchemaValidateFunction;
  if (compiled.draft) submit.draft = compiled.draft as unknown as SchemaValidateFunction;
  return submit;
}

/** Fills the fields mapped to identity claims (all of them: locked or not) where the person has that claim. */
export function applyPrefill(
  definition: ServiceDefinition,
  data: Record<string, unknown>,
  claims: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const copy = structuredClone(data);
  for (const mapping of definition.settings.prefill ?? []) {
    const value = claims[mapping.claim];
    if (typeof value !== 'string' || value === '') continue;
    const segments = parseJsonPointer(mapping.pointer);
    const last = segments.pop()!;
    let node: Record<string, unknown> = copy;
    for (const s of segments) {
      if (node[s] === null || typeof node[s] !== 'object' || Array.isArray(node[s])) node[s] = {};
      node = node[s] as Record<string, unknown>;
    }
    if (mapping.locked || node[last] === undefined) node[last] = value;
  }
  return copy;
}

/**
 * Compiled validators by definition hash. Compiling costs milliseconds;
 * validating, microseconds: each published version is compiled once per
 * process. Bounded, least recently used out first.
 */
export class ValidatorCache {
  private readonly entries: LruCache<string, FormValidator>;

  /** `store`: compiled code kept across processes (see FormValidator). */
  constructor(
    capacity = 200,
    private readonly store?: ValidatorCodeStore,
  ) {
    this.entries = new LruCache(capacity);
  }

  get(definition: ServiceDefinition, hash = definitionHash(definition)): FormValidator {
    let validator = this.entries.get(hash);
    if (!validator) {
      validator = new FormValidator(definition, this.store);
      this.entries.set(hash, validator);
    }
    return validator;
  }

  get size(): number {
    return this.entries.size;
  }
}
