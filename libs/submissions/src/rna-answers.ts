import {
  LookupUnavailableError,
  checkRnas,
  rnaFields,
  type Association,
  type AssociationRegistry,
} from '@guichet/forms';
import { AppError, type ServiceDefinition } from '@guichet/shared';

/**
 * The RNA fields' answers checked against the associations' registry at
 * submit (after the schema's validation; libs/forms/src/lookups/rna-check.ts),
 * as the SIRET fields' are (siret-answers.ts): a locked value that is not the
 * registry's is refused with a pointer; when the registry does not answer the
 * values are kept as typed, unverified.
 */
export async function checkedRnas<T>(
  definition: ServiceDefinition,
  data: T,
  registry: AssociationRegistry | undefined,
): Promise<T> {
  if (!registry || rnaFields(definition).length === 0) return data;
  const result = await checkRnas(definition, data, registry);
  if (result.errors.length) throw new AppError('SUBMISSION_INVALID', { errors: result.errors });
  return result.data as T;
}

/**
 * The registry's answers for the RNA numbers of `data`, asked before the
 * submit's transaction, so that the check inside it never waits on the
 * network while holding the request's row lock. A number that was not asked
 * counts as the registry not answering (kept as typed, unverified).
 */
export async function prefetchedRegistry(
  definition: ServiceDefinition,
  data: unknown,
  registry: AssociationRegistry | undefined,
): Promise<AssociationRegistry | undefined> {
  if (!registry || rnaFields(definition).length === 0) return undefined;
  const answers = new Map<string, Association | null | LookupUnavailableError>();
  const recording: AssociationRegistry = {
    async findByRna(rna) {
      try {
        const association = await registry.findByRna(rna);
        answers.set(rna, association);
        return association;
      } catch (error) {
        if (error instanceof LookupUnavailableError) answers.set(rna, error);
        throw error;
      }
    },
  };
  await checkRnas(definition, data, recording);
  return {
    async findByRna(rna) {
      const answer = answers.get(rna);
      if (answer === undefined) throw new LookupUnavailableError('open');
      if (answer instanceof LookupUnavailableError) throw answer;
      return answer;
    },
  };
}
