import { AppError } from './errors';

/** A UUID as PostgreSQL writes it (any version): ids in paths are checked before they reach a query. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/**
 * An organisation's id (the tenant), as a type of its own: a repository
 * method that takes one cannot be handed a request's, a service's or an
 * agent's id by mistake, nor a string nobody checked. Still a string at run
 * time, so it goes into queries and comparisons as one.
 */
export type OrganisationId = string & { readonly __brand: 'OrganisationId' };

/**
 * The one way to make an `OrganisationId`: a UUID, written in lower case as
 * PostgreSQL writes it (so two ids of one organisation compare equal).
 * Anything else names no organisation: « not found », as for any id.
 */
export function organisationId(value: string): OrganisationId {
  if (!isUuid(value)) throw new AppError('NOT_FOUND');
  return value.toLowerCase() as OrganisationId;
}
