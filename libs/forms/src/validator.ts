import type { ValidateFunction } from 'ajv';
import {
  checkAnswers,
  parseJsonPointer,
  type ServiceDefinition,
  type ValidateOptions,
  type ValidationOutcome,
} from '@guichet/shared';
import { createAjv } from './ajv';
import { definitionHash } from './check-definition';

export type { ValidationMode, ValidateOptions, ValidationOutcome } from '@guichet/shared';

/**
 * Validation of submissions against one published version: compiled once,
 * then `checkAnswers`, the same rules the browser runs (hidden fields dropped
 * and excused, locked prefill, eligibility at submit).
 */
export class FormValidator {
  private readonly validateFn: ValidateFunction;

  constructor(readonly definition: ServiceDefinition) {
    this.validateFn = createAjv().compile(definition.schema);
  }

  validate(input: unknown, options: ValidateOptions): ValidationOutcome {
    return checkAnswers(this.validateFn, this.definition, input, options);
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
