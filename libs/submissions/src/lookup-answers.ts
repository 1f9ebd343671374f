import type {
  AddressDirectory,
  AssociationRegistry,
  CompanyDirectory,
  FamilyQuotientProvider,
  QuotientIdentity,
} from '@guichet/forms';
import { AppError, type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { checkedAddresses, prefetchedAddresses } from './address-answers';
import { checkedCommunes } from './commune-answers';
import { checkedQuotients, prefetchedQuotient } from './quotient-answers';
import { checkedRnas, prefetchedRegistry } from './rna-answers';
import { checkedSirets, prefetchedDirectory } from './siret-answers';

/**
 * The providers behind the fields that fill themselves (issue 23). A process
 * without one keeps its fields' values as typed, unverified.
 */
export interface LookupProviders {
  /** SIRET fields: API Recherche d'entreprises. */
  companies?: CompanyDirectory;
  /** RNA fields: the associations' registry. */
  associations?: AssociationRegistry;
  /** Family quotient fields: API Particulier, for a FranceConnect citizen who consented. */
  quotients?: FamilyQuotientProvider;
  /** Address fields: the Base Adresse Nationale. */
  addresses?: AddressDirectory;
}

/**
 * The providers' answers for `data`, asked before a submit's transaction, all
 * at once: the checks inside it (`checkedLookups`) read these and never wait
 * on the network while the request's row is locked. A provider that does not
 * answer counts as down: its fields are kept as typed.
 */
export async function prefetchLookups(
  definition: ServiceDefinition,
  data: unknown,
  providers: LookupProviders,
  identity: QuotientIdentity | null,
): Promise<LookupProviders> {
  const [companies, associations, quotients, addresses] = await Promise.all([
    prefetchedDirectory(definition, data, providers.companies),
    prefetchedRegistry(definition, data, providers.associations),
    prefetchedQuotient(definition, data, providers.quotients, identity),
    prefetchedAddresses(definition, data, providers.addresses),
  ]);
  return { companies, associations, quotients, addresses };
}

/**
 * Every submit-time check of the lookup fields, after the schema's own
 * validation: communes against the bundled list, then SIRET, address, RNA and
 * family quotient against the prefetched answers. Each check completes the
 * answers it verifies and records their provenance. The refusals of all of
 * them are reported together (one 422 with every pointer), so that a citizen
 * sees every altered value at once. Returns the answers, completed.
 */
export async function checkedLookups<T>(
  definition: ServiceDefinition,
  data: T,
  prefetched: LookupProviders,
  identity: QuotientIdentity | null,
): Promise<T> {
  const checks: Array<(current: unknown) => Promise<unknown>> = [
    (current) => checkedCommunes(definition, current),
    (current) => checkedSirets(definition, current, prefetched.companies),
    (current) => checkedAddresses(definition, current, prefetched.addresses),
    (current) => checkedRnas(definition, current, prefetched.associations),
    (current) => checkedQuotients(definition, current, prefetched.quotients, identity),
  ];
  const errors: ErrorItem[] = [];
  let current: unknown = data;
  for (const check of checks) {
    try {
      current = await check(current);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'SUBMISSION_INVALID' || !error.errors) throw error;
      errors.push(...error.errors);
    }
  }
  if (errors.length) throw new AppError('SUBMISSION_INVALID', { errors });
  return current as T;
}
