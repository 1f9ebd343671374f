import type { EntityManager } from 'typeorm';
import { JobTopic, addOutbox } from '@guichet/queue';
import { organisationId, type OrganisationId } from '@guichet/shared';

/** A request whose deletion is near and whose notice is not recorded yet. */
export interface DueNotice {
  id: string;
  organisationId: OrganisationId;
  /** It has an email address to send the notice to. */
  reachable: boolean;
}

/** A request past its retention date. */
export interface ExpiredRequest {
  id: string;
  organisationId: OrganisationId;
}

/**
 * The statements of retention (`Retention`): which requests are near or past
 * their deletion date, the notice recorded in a request's history, and the
 * deletion itself.
 *
 * Tenant: the two reads are sweeps over every organisation (the worker's
 * hourly housekeeping starts from none) and say so in their names; the rows
 * they answer carry their organisation, and the writes that follow take it and
 * scope their statements by it. Each method makes the round trips the code
 * before it made, or fewer: a notice is one statement where it was two.
 */
export class RetentionRepository {
  constructor(private readonly manager: EntityManager) {}

  transaction<T>(work: (repository: RetentionRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new RetentionRepository(manager)));
  }

  /**
   * Requests deleted within `days` whose notice is not recorded, soonest first, locked (SKIP LOCKED: workers
   * running the sweep at once share the rows). In a transaction, so that the locks last until the notices are.
   */
  async dueForNoticeInAnyOrganisation(days: number, batch: number): Promise<DueNotice[]> {
    const rows = (await this.manager.query(
      `SELECT id, organisation_id, contact_email IS NOT NULL AS reachable FROM submission
        WHERE purge_at IS NOT NULL AND purge_at < now() + make_interval(days => $1)
          AND retention_notice_at IS NULL
        ORDER BY purge_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [days, batch],
    )) as Array<{ id: string; organisation_id: string; reachable: boolean }>;
    return rows.map((row) => ({
      id: row.id,
      organisationId: organisationId(row.organisation_id),
      reachable: row.reachable,
    }));
  }

  /**
   * The request marked noticed, with the public « retention_notice » event `eventId` in its history, in one
   * statement; then, when it has an address (`emailed`), the notice email owed through the outbox. Answers whether
   * the request was found in that organisation (nothing is written otherwise).
   */
  async recordNotice(
    organisation: OrganisationId,
    submissionId: string,
    eventId: string,
    emailed: boolean,
  ): Promise<boolean> {
    const marked = (await this.manager.query(
      `WITH marked AS (
         UPDATE submission SET retention_notice_at = now() WHERE id = $3 AND organisation_id = $2
         RETURNING id, organisation_id
       )
       INSERT INTO submission_event (id, organisation_id, submission_id, actor, type, visibility)
       SELECT $1, organisation_id, id, 'system', 'retention_notice', 'public' FROM marked
       RETURNING submission_id`,
      [eventId, organisation, submissionId],
    )) as unknown[];
    if (marked.length === 0) return false;
    if (emailed)
      await addOutbox(this.manager, {
        organisationId: organisation,
        topic: JobTopic.NotifyEmail,
        payload: { submissionId, eventId, template: 'retention_notice' },
      });
    return true;
  }

  /** Requests past their deletion date, the longest past first. */
  async expiredInAnyOrganisation(batch: number): Promise<ExpiredRequest[]> {
    const rows = (await this.manager.query(
      `SELECT id, organisation_id FROM submission WHERE purge_at IS NOT NULL AND purge_at < now()
        ORDER BY purge_at LIMIT $1`,
      [batch],
    )) as Array<{ id: string; organisation_id: string }>;
    return rows.map((row) => ({ id: row.id, organisationId: organisationId(row.organisation_id) }));
  }

  /**
   * Deletes the request (its events, notes, messages… go with it by their foreign keys) if it is still past its
   * date, and the idempotency keys of its submit and of the agents' messages and notes, which name it in their
   * scope.
   */
  async deleteExpired(organisation: OrganisationId, submissionId: string): Promise<void> {
    await this.manager.query(`DELETE FROM idempotency_key WHERE scope IN ($1, $2, $3)`, [
      `submit:${submissionId}`,
      `message:${submissionId}`,
      `note:${submissionId}`,
    ]);
    await this.manager.query(`DELETE FROM submission WHERE id = $1 AND organisation_id = $2 AND purge_at < now()`, [
      submissionId,
      organisation,
    ]);
  }
}
