import type { DataSource } from 'typeorm';
import { Submission, SubmissionMessage } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';

/**
 * What `FollowLinks` reads and writes: the request a link names, the files
 * its service sent, the link's generation, the browser that holds it.
 *
 * Tenant: a link carries a request's id and nothing else, so its first read,
 * `linkedInAnyOrganisation`, cannot take the organisation (it says so); the
 * row it answers gives it, and every other method takes it first and scopes
 * its statement by it. Each method is one round trip, as the code before it was.
 */
export class FollowLinkRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Any organisation (a link names an id only): the request with this id, or null. */
  linkedInAnyOrganisation(id: string): Promise<Submission | null> {
    return this.dataSource.getRepository(Submission).findOneBy({ id });
  }

  /** Whether the service sent this file with one of its messages on the request. */
  sentByService(organisationId: OrganisationId, submissionId: string, attachmentId: string): Promise<boolean> {
    return this.dataSource
      .getRepository(SubmissionMessage)
      .existsBy({ submissionId, attachmentId, authorKind: 'caseworker', organisationId });
  }

  /**
   * Raises the request's link generation if it is still `generation` (voiding
   * every link given so far); the new one, or null when another renewal came first.
   */
  async renew(
    organisationId: OrganisationId,
    id: string,
    generation: number,
  ): Promise<{ id: string; followGeneration: number } | null> {
    const [[row]] = (await this.dataSource.query(
      `UPDATE submission SET follow_generation = follow_generation + 1
        WHERE id = $1 AND follow_generation = $2 AND organisation_id = $3 RETURNING id, follow_generation`,
      [id, generation, organisationId],
    )) as [Array<{ id: string; follow_generation: number }>, number];
    return row ? { id: row.id, followGeneration: row.follow_generation } : null;
  }

  /** Hands a request filed without an account to this anonymous session (by the hash of its token). */
  async giveToSession(organisationId: OrganisationId, id: string, anonymousOwner: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE submission SET anonymous_owner = $2 WHERE id = $1 AND owner_account_id IS NULL AND organisation_id = $3`,
      [id, anonymousOwner, organisationId],
    );
  }
}
