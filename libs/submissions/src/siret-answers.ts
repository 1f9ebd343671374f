import { LookupUnavailableError, checkSirets, siretFields, type Company, type CompanyDirectory } from '@guichet/forms';
import { AppError, type ServiceDefinition } from '@guichet/shared';

/**
 * The SIRET fields' answers checked against the company directory at submit
 * (after the schema's validation; libs/forms/src/lookups/siret-check.ts): a
 * locked value that is not the directory's is refused with a pointer; when
 * the directory does not answer the values are kept as typed, unverified.
 * Forms without a SIRET field, or a process without a directory, skip it.
 * The lookup usually hits the cache the field's own lookup filled.
 */
export async function checkedSirets<T>(
  definition: ServiceDefinition,
  data: T,
  directory: CompanyDirectory | undefined,
): Promise<T> {
  if (!directory || siretFields(definition).length === 0) return data;
  const result = await checkSirets(definition, data, directory);
  if (result.errors.length) throw new AppError('SUBMISSION_INVALID', { errors: result.errors });
  return result.data as T;
}

/**
 * The directory's answers for the SIRETs of `data`, asked before the submit's
 * transaction: the check inside it (`checkedSirets`) reads these and never
 * waits on the network while holding the request's row lock. A SIRET that was
 * not asked (the answers changed in between) counts as the directory not
 * answering: kept as typed, unverified, as when it is down.
 */
export async function prefetchedDirectory(
  definition: ServiceDefinition,
  data: unknown,
  directory: CompanyDirectory | undefined,
): Promise<CompanyDirectory | undefined> {
  if (!directory || siretFields(definition).length === 0) return undefined;
  const answers = new Map<string, Company | null | LookupUnavailableError>();
  const recording: CompanyDirectory = {
    async findBySiret(siret) {
      try {
        const company = await directory.findBySiret(siret);
        answers.set(siret, company);
        return company;
      } catch (error) {
        if (error instanceof LookupUnavailableError) answers.set(siret, error);
        throw error;
      }
    },
  };
  // The same walk as the check itself, on the stored answers; its verdict is the transaction's to give.
  await checkSirets(definition, data, recording);
  return {
    async findBySiret(siret) {
      const answer = answers.get(siret);
      if (answer === undefined) throw new LookupUnavailableError('open');
      if (answer instanceof LookupUnavailableError) throw answer;
      return answer;
    },
  };
}
