import { trimText, withoutBlankAnswers } from './blank-answers';
import { eligibilityErrors } from './eligibility';
import type { ServiceDefinition } from './definition';
import type { ErrorItem, Locale } from './errors';
import { readPointer } from './rules';
import { CHOICE_CODES, listErrors, type SchemaError } from './validation-messages';
import { dropHidden, hiddenPointers } from './visibility';

/**
 * A compiled JSON Schema validator: ajv's on the server, the precompiled
 * module in the browser. A version's submit validator carries its `draft`
 * twin, compiled from the draft schema (the published one without its
 * completeness rules); without one, drafts are checked with the submit
 * schema and its completeness errors ignored.
 */
export interface SchemaValidateFunction {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
  draft?: SchemaValidateFunction | null;
}

export type ValidationMode = 'draft' | 'submit';

export interface ValidateOptions {
  mode: ValidationMode;
  claims?: Readonly<Record<string, unknown>>;
  locale?: Locale;
}

/** The most errors an outcome lists; the others are counted in `moreErrors`. */
export const MAX_LISTED_ERRORS = 100;

export interface ValidationOutcome {
  valid: boolean;
  /** At most MAX_LISTED_ERRORS. */
  errors: ErrorItem[];
  /** How many more fields have a problem than `errors` lists (0 when it lists them all). */
  moreErrors: number;
  /** The data to store: the values of hidden fields removed. */
  data: unknown;
}

/**
 * Without a draft schema (a module compiled before there were any, a schema
 * whose draft could not be derived), a draft is checked against the submit
 * schema with these errors ignored: what is missing is not an error yet.
 */
const COMPLETENESS_CODES: ReadonlySet<string> = new Set([
  'required',
  'minItems',
  'minContains',
  'dependentRequired',
  'minProperties',
  ...CHOICE_CODES,
]);

/**
 * The answers of one submission checked against its version, the same way on
 * both sides: texts trimmed and blank ones unanswered (blank-answers.ts),
 * hidden fields dropped and excused, the schema on what remains,
 * locked prefilled values compared with the identity's claims, and at submit
 * the eligibility rules. The browser runs it before each step; the server
 * runs it on every save and answers 422 with exactly these errors, and stores
 * `data`.
 */
export function checkAnswers(
  validate: SchemaValidateFunction,
  definition: Pick<ServiceDefinition, 'pages' | 'rules' | 'settings'> & { schema?: unknown },
  raw: unknown,
  options: ValidateOptions,
): ValidationOutcome {
  const locale = options.locale ?? 'fr';
  const input = withoutBlankAnswers(raw, definition.schema);
  const visibility = { definition, data: input, claims: options.claims };
  // Computed once: the same pointers excuse missing answers and drop hidden ones.
  const hiddenList = input !== null && typeof input === 'object' ? hiddenPointers(visibility) : [];
  const hidden = new Set(hiddenList);
  const data =
    input !== null && typeof input === 'object' && !Array.isArray(input) ? dropHidden(visibility, hiddenList) : input;

  const draftTwin = options.mode === 'draft' ? validate.draft : undefined;
  const schemaValidate = draftTwin ?? validate;
  const ignoreCompleteness = options.mode === 'draft' && !draftTwin;
  const ok = schemaValidate(data);
  const listed: { items: ErrorItem[]; more: number } = ok
    ? { items: [], more: 0 }
    : listErrors(schemaValidate.errors ?? [], locale, {
        limit: MAX_LISTED_ERRORS,
        keep: (pointer, code) => {
          if (ignoreCompleteness && COMPLETENESS_CODES.has(code)) return false;
          // A hidden field is never required: its page or condition is not shown.
          return !(code === 'required' && hidden.size > 0 && underAny(pointer, hidden));
        },
      });
  const errors = listed.items;
  let moreErrors = listed.more;

  errors.push(...lockedPrefillErrors(definition, data, options));
  if (errors.length > MAX_LISTED_ERRORS) moreErrors += errors.splice(MAX_LISTED_ERRORS).length;

  if (options.mode === 'submit' && errors.length === 0) errors.push(...eligibilityErrors(definition, data, options));
  return { valid: errors.length === 0, errors, moreErrors, data };
}

/** True when `pointer` is one of `pointers` or inside one of them: a walk up its ancestors, not a scan of the set. */
function underAny(pointer: string, pointers: ReadonlySet<string>): boolean {
  for (let end = pointer.length; end > 0; end = pointer.lastIndexOf('/', end - 1)) {
    if (pointers.has(pointer.slice(0, end))) return true;
  }
  return false;
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
    const claim = options.claims[mapping.claim];
    // The answer was trimmed (blank-answers.ts): so is the claim it is compared with.
    if (value !== undefined && value !== (typeof claim === 'string' ? trimText(claim) : claim)) {
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
