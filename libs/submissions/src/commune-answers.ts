import { checkCommunes, communeDirectory, communeFields } from '@guichet/forms';
import { AppError, type ServiceDefinition } from '@guichet/shared';

/**
 * The commune fields' answers checked against the official list at submit
 * (after the schema's validation): an altered commune is refused with a
 * pointer, one typed by hand is completed when it designates one commune
 * (libs/forms/src/communes/check.ts). Forms without a commune field never
 * load the list.
 */
export async function checkedCommunes<T>(definition: ServiceDefinition, data: T): Promise<T> {
  if (communeFields(definition).length === 0) return data;
  const result = checkCommunes(definition, data, await communeDirectory());
  if (result.errors.length) throw new AppError('SUBMISSION_INVALID', { errors: result.errors });
  return result.data as T;
}
