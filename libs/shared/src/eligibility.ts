import type { ValidateOptions } from './answers';
import type { ServiceDefinition } from './definition';
import type { ErrorItem } from './errors';
import { evaluate } from './rules';

/**
 * The eligibility rules that block this submission now, as errors without a pointer into the data. Apart from
 * ./answers.ts, which brings every error message: the form page's store reads these rules as the citizen answers,
 * while the check and its messages load once the form is open (apps/web/src/form/check.ts).
 */
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
