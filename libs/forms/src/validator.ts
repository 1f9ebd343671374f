import type { ValidateFunction } from 'ajv';
import {
  dropHidden,
  evaluate,
  hiddenPointers,
  parseJsonPointer,
  readPointer,
  type ErrorItem,
  type Locale,
  type ServiceDefinition,
} from '@guichet/shared';
import { createAjv } from './ajv';
import { definitionHash } from './check-definition';
import { toErrorItems } from './messages';

/** A draft may be incomplete: what is there must be valid, what is missing is not an error yet. */
const COMPLETENESS_KEYWORDS = new Set(['required', 'minItems', 'minContains', 'dependentRequired', 'minProperties']);

export type ValidationMode = 'draft' | 'submit';

export interface ValidateOptions {
  mode: ValidationMode;
  claims?: Readonly<Record<string, unknown>>;
  locale?: Locale;
}

export interface ValidationOutcome {
  valid: boolean;
  errors: ErrorItem[];
  /** The data to store: the values of hidden fields removed. */
  data: unknown;
}

/**
 * Validation of submissions against one published version: compiled once,
 * then the same rules as the browser (hidden fields dropped and excused),
 * ajv on what remains, and the eligibility rules at submit.
 */
export class FormValidator {
  private readonly validateFn: ValidateFunction;

  constructor(readonly definition: ServiceDefinition) {
    this.validateFn = createAjv().compile(definition.schema);
  }

  validate(input: unknown, options: ValidateOptions): ValidationOutcome {
    const locale = options.locale ?? 'fr';
    const visibility = { definition: this.definition, data: input, claims: options.claims };
    const hidden = new Set(input !== null && typeof input === 'object' ? hiddenPointers(visibility) : []);
    const data = input !== null && typeof input === 'object' && !Array.isArray(input) ? dropHidden(visibility) : input;

    const ok = this.validateFn(data);
    let errors = ok ? [] : toErrorItems(this.validateFn.errors ?? [], locale);
    errors = errors.filter((e) => {
      if (options.mode === 'draft' && COMPLETENESS_KEYWORDS.has(e.code)) return false;
      // A hidden field is never required: its page or condition is not shown.
      return !(e.code === 'required' && [...hidden].some((h) => e.pointer === h || e.pointer!.startsWith(`${h}/`)));
    });

    errors.push(...this.lockedPrefillErrors(data, options));

    if (options.mode === 'submit' && errors.length === 0) {
      for (const rule of this.definition.rules?.eligibility ?? []) {
        if (evaluate(rule.blockWhen, { data, claims: options.claims })) {
          errors.push({ pointer: '', code: `eligibility:${rule.id}`, message: rule.message });
        }
      }
    }
    return { valid: errors.length === 0, errors, data };
  }

  /**
   * A locked prefilled value (a FranceConnect claim the designer locked) must
   * be exactly the claim of the signed-in person: the browser cannot change it.
   */
  private lockedPrefillErrors(data: unknown, options: ValidateOptions): ErrorItem[] {
    const errors: ErrorItem[] = [];
    for (const mapping of this.definition.settings.prefill ?? []) {
      if (!mapping.locked || !options.claims || !Object.prototype.hasOwnProperty.call(options.claims, mapping.claim))
        continue;
      const value = readPointer(data, mapping.pointer);
      if (value !== undefined && value !== options.claims[mapping.claim]) {
        errors.push({
          pointer: mapping.pointer,
          code: 'prefill_locked',
          message:
            options.locale === 'en'
              ? 'This information comes from FranceConnect and cannot be changed.'
              : 'Cette information vient de FranceConnect et ne peut pas être modifiée.',
        });
      }
    }
    return errors;
  }
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
  private readonly entries = new Map<string, FormValidator>();

  constructor(private readonly capacity = 200) {}

  get(definition: ServiceDefinition, hash = definitionHash(definition)): FormValidator {
    let validator = this.entries.get(hash);
    if (validator) {
      this.entries.delete(hash);
    } else {
      validator = new FormValidator(definition);
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(hash, validator);
    return validator;
  }

  get size(): number {
    return this.entries.size;
  }
}
