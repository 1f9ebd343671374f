import type { OrganisationRole } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';
import type { OrganisationRepository } from './organisation-repository';

/** Who changes access: an actor (session or token), or the operator's command line. */
export interface ChangedBy {
  id: string;
  onBehalfOf?: string | null;
}

export const OPERATOR: ChangedBy = { id: 'cli' };

export type AccessEventType = 'membership_added' | 'membership_removed' | 'token_revoked';

export interface MembershipScope {
  role: OrganisationRole;
  serviceId: string | null;
  groupKey: string | null;
}

/** Appends one line to the organisation's record of access changes, in the repository's transaction. */
export function recordAccessEvent(
  repository: OrganisationRepository,
  organisationId: OrganisationId,
  by: ChangedBy,
  type: AccessEventType,
  subject: string,
  details: Record<string, unknown>,
): Promise<void> {
  return repository.addAccessEvent(organisationId, { actor: by.id, type, subject, details });
}

/** A role given or taken back, as the record keeps it. */
export function recordMembership(
  repository: OrganisationRepository,
  organisationId: OrganisationId,
  by: ChangedBy,
  type: 'membership_added' | 'membership_removed',
  email: string,
  scope: MembershipScope,
): Promise<void> {
  return recordAccessEvent(repository, organisationId, by, type, email, {
    role: scope.role,
    serviceId: scope.serviceId,
    group: scope.groupKey,
  });
}

/**
 * Once `email` is no longer an admin of the whole organisation (the only role
 * that creates tokens), the API tokens created on their behalf — by their
 * session, or by a token they created — are revoked (kept, with
 * `revoked_at`, and recorded), in the same transaction as the change of role.
 * An integration that must outlive its creator gets a new token from another
 * admin. Returns how many were revoked.
 */
export async function revokeTokensOfFormerAdmin(
  repository: OrganisationRepository,
  organisationId: OrganisationId,
  email: string,
  by: ChangedBy,
): Promise<number> {
  const rows = await repository.revokeTokensUnlessAdmin(organisationId, email);
  for (const token of rows) {
    await recordAccessEvent(repository, organisationId, by, 'token_revoked', `token:${token.id}`, {
      tokenId: token.id,
      name: token.name,
      reason: 'creator_removed',
      creator: email,
    });
  }
  return rows.length;
}
