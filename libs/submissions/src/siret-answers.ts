import { checkSirets, siretFields, type CompanyDirectory } from '@guichet/forms';
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
