import type { ServiceDefinition } from './definition';
import type { ErrorItem, Locale } from './errors';
import { readPointer, evaluate } from './rules';
import { toErrorItems, type SchemaError } from './validation-messages';
import { dropHidden, hiddenPointers } from './visibility';

/** A compiled JSON Schema validator: ajv's on the server, the precompiled module in the browser. */
export interface SchemaValidateFunction {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

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

/** A draft may be incomplete: what is there must be valid, what is missing is not an error yet. */
const COMPLETENESS_KEYWORDS = new Set(['required', 'minItems', 'minContains', 'dependentRequired', 'minProperties']);

/**
 * The answers of one submission checked against its version, the same way on
 * both sides: hidden fields dropped and excused, the schema on what remains,
 * locked prefilled values compared with the identity's claims, and at submit
 * the eligibility rules. The browser runs it before each step; the server
 * runs it on every save and answers 422 with exactly these errors.
 */
export function checkAnswers(
  validate: SchemaValidateFunction,
  definition: Pick<ServiceDefinition, 'pages' | 'rules' | 'settings'>,
  input: unknown,
  options: ValidateOptions,
): ValidationOutcome {
  const locale = options.locale ?? 'fr';
  const visibility = { definition, data: input, claims: options.claims };
  // Computed once: the same pointers excuse missing answers and drop hidden ones.
  const hiddenList = input !== null && typeof input === 'object' ? hiddenPointers(visibility) : [];
  const hidden = new Set(hiddenList);
  const data =
    input !== null && typeof input === 'object' && !Array.isArray(input) ? dropHidden(visibility, hiddenList) : input;

  const ok = validate(data);
  let errors = ok ? [] : toErrorItems(validate.errors ?? [], locale);
  errors = errors.filter((e) => {
    if (options.mode === 'draft' && COMPLETENESS_KEYWORDS.has(e.code)) return false;
    // A hidden field is never required: its page or condition is not shown.
    return !(e.code === 'required' && [...hidden].some((h) => e.pointer === h || e.pointer!.startsWith(`${h}/`)));
  });

  errors.push(...lockedPrefillErrors(definition, data, options));

  if (options.mode === 'submit' && errors.length === 0) errors.push(...eligibilityErrors(definition, data, options));
  return { valid: errors.length === 0, errors, data };
}

/** The eligibility rules that block this submission now, as errors without a pointer into the data. */
export function eligibilityErrors(
  definition: Pick<ServiceDefinition, 'rules'>,
  data: unknown,
  options: Pick<ValidateOptions, 'claims'> = {},
): ErrorItem[] {
  const errors: ErrorItem[] = [];
  for (const rule of definition.rules?.eligibility ?? []) {
    if (evaluate(rule.blockWhen, { data, claims: options.claims })) {
      errors.push({ pointer: '', code: `eligibility:${rule.id}`, message: rule.message });
    }
  }
  return errors;
}

/**
 * A locked prefilled value (a FranceConnect claim the designer locked) must
 * be exactly the claim of the signed-in person: the browser cannot change it.
 */
function lockedPrefillErrors(
  definition: Pick<ServiceDefinition, 'settings'>,
  data: unknown,
  options: ValidateOptions,
): ErrorItem[] {
  const errors: ErrorItem[] = [];
  for (const mapping of definition.settings.prefill ?? []) {
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
