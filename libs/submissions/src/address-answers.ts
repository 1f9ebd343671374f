import {
  LookupUnavailableError,
  addressFields,
  checkAddresses,
  type Address,
  type AddressDirectory,
} from '@guichet/forms';
import { AppError, type ServiceDefinition } from '@guichet/shared';

/**
 * The address fields' answers checked against the Base Adresse Nationale at
 * submit (libs/forms/src/lookups/address-check.ts): an address claiming a
 * BAN id whose label or coordinates are not the BAN's is refused with a
 * pointer; when the BAN does not answer the address is kept as typed,
 * unverified. Forms without an address field, or a process without a
 * directory, skip it.
 */
export async function checkedAddresses<T>(
  definition: ServiceDefinition,
  data: T,
  directory: AddressDirectory | undefined,
): Promise<T> {
  if (!directory || addressFields(definition).length === 0) return data;
  const result = await checkAddresses(definition, data, directory);
  if (result.errors.length) throw new AppError('SUBMISSION_INVALID', { errors: result.errors });
  return result.data as T;
}

/**
 * The BAN's answers for the addresses of `data`, asked before the submit's
 * transaction (as `prefetchedDirectory` does for SIRETs): the check inside it
 * reads these and never waits on the network while holding the row lock. A
 * query not asked here counts as the BAN not answering: kept as typed.
 */
export async function prefetchedAddresses(
  definition: ServiceDefinition,
  data: unknown,
  directory: AddressDirectory | undefined,
): Promise<AddressDirectory | undefined> {
  if (!directory || addressFields(definition).length === 0) return undefined;
  const answers = new Map<string, Address[] | LookupUnavailableError>();
  const key = (query: string, limit?: number) => `${limit ?? 5} ${query}`;
  const recording: AddressDirectory = {
    async search(query, limit) {
      try {
        const found = await directory.search(query, limit);
        answers.set(key(query, limit), found);
        return found;
      } catch (error) {
        if (error instanceof LookupUnavailableError) answers.set(key(query, limit), error);
        throw error;
      }
    },
  };
  await checkAddresses(definition, data, recording);
  return {
    async search(query, limit) {
      const answer = answers.get(key(query, limit));
      if (answer === undefined) throw new LookupUnavailableError('open');
      if (answer instanceof LookupUnavailableError) throw answer;
      return answer;
    },
  };
}
