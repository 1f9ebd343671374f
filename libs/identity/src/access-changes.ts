import type { EntityManager } from 'typeorm';
import type { OrganisationRole } from '@guichet/persistence';

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

/** Appends one line to the organisation's record of access changes, in the caller's transaction. */
export async function recordAccessEvent(
  manager: EntityManager,
  organisationId: string,
  by: ChangedBy,
  type: AccessEventType,
  subject: string,
  details: Record<string, unknown>,
): Promise<void> {
  await manager.query(
    `INSERT INTO organisation_event (organisation_id, actor, type, subject, details) VALUES ($1, $2, $3, $4, $5)`,
    [organisationId, by.id, type, subject, JSON.stringify(details)],
  );
}

/** A role given or taken back, as the record keeps it. */
export function recordMembership(
  manager: EntityManager,
  organisationId: string,
  by: ChangedBy,
  type: 'membership_added' | 'membership_removed',
  email: string,
  scope: MembershipScope,
): Promise<void> {
  return recordAccessEvent(manager, organisationId, by, type, email, {
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
  manager: EntityManager,
  organisationId: string,
  email: string,
  by: ChangedBy,
): Promise<number> {
  const revoked = (await manager.query(
    `UPDATE api_token t SET revoked_at = now()
      WHERE t.organisation_id = $1 AND t.created_by_email = $2 AND t.revoked_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM agent_membership m
                         WHERE m.organisation_id = $1 AND m.email = $2 AND m.role = 'admin'
                           AND m.service_id IS NULL AND m.group_key IS NULL)
      RETURNING t.id, t.name`,
    [organisationId, email],
  )) as [Array<{ id: string; name: string }>, number];
  const rows = revoked[0];
  for (const token of rows) {
    await recordAccessEvent(manager, organisationId, by, 'token_revoked', `token:${token.id}`, {
      tokenId: token.id,
      name: token.name,
      reason: 'creator_removed',
      creator: email,
    });
  }
  return rows.length;
}
