import {
  LookupUnavailableError,
  checkQuotients,
  quotientConsented,
  quotientFields,
  type FamilyQuotient,
  type FamilyQuotientProvider,
  type QuotientIdentity,
} from '@guichet/forms';
import { AppError, type ServiceDefinition } from '@guichet/shared';

/**
 * The family quotient fields' answers checked against API Particulier at
 * submit, for the submitting citizen signed in with FranceConnect who
 * consented (libs/forms/src/lookups/quotient-check.ts): a locked value that
 * is not the API's is refused with a pointer; otherwise the values are kept
 * as typed, « Déclaré par l’usager ».
 */
export async function checkedQuotients<T>(
  definition: ServiceDefinition,
  data: T,
  provider: FamilyQuotientProvider | undefined,
  identity: QuotientIdentity | null,
): Promise<T> {
  if (quotientFields(definition).length === 0) return data;
  const result = await checkQuotients(definition, data, provider, identity);
  if (result.errors.length) throw new AppError('SUBMISSION_INVALID', { errors: result.errors });
  return result.data as T;
}

/**
 * The API's answer for the submitting citizen, asked before the submit's
 * transaction (so that the check inside it never waits on the network while
 * holding the request's row lock), and only when a quotient field's consent
 * is ticked. Not asked, or failing: the values are kept as typed.
 */
export async function prefetchedQuotient(
  definition: ServiceDefinition,
  data: unknown,
  provider: FamilyQuotientProvider | undefined,
  identity: QuotientIdentity | null,
): Promise<FamilyQuotientProvider | undefined> {
  if (!provider || !identity || !quotientConsented(definition, data)) return undefined;
  let answer: FamilyQuotient | null | LookupUnavailableError;
  try {
    answer = await provider.findByIdentity(identity);
  } catch (error) {
    if (!(error instanceof LookupUnavailableError)) throw error;
    answer = error;
  }
  return {
    async findByIdentity() {
      if (answer instanceof LookupUnavailableError) throw answer;
      return answer;
    },
  };
}
