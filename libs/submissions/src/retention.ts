import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { JobTopic, addOutbox } from '@guichet/queue';
import type { Attachments } from './attachments';

const NOTICE_DAYS = 14;

/**
 * Retention of decided requests: each is deleted at its `purge_at` (the
 * service's retention after the decision, 12 months by default), with its
 * files; the citizen is emailed two weeks before. Both steps are idempotent
 * and batched, so several workers may run them at once.
 */
export class Retention {
  constructor(
    private readonly dataSource: DataSource,
    private readonly attachments?: Attachments,
  ) {}

  /** Queues the notice email (through the outbox) for requests deleted within two weeks. Returns how many. */
  async sendNotices(batch = 500): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due = (await manager.query(
        `SELECT id, organisation_id, contact_email IS NOT NULL AS reachable FROM submission
          WHERE purge_at IS NOT NULL AND purge_at < now() + make_interval(days => $1)
            AND retention_notice_at IS NULL
          ORDER BY purge_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [NOTICE_DAYS, batch],
      )) as Array<{ id: string; organisation_id: string; reachable: boolean }>;
      for (const row of due) {
        const eventId = randomUUID();
        await manager.query(
          `INSERT INTO submission_event (id, organisation_id, submission_id, actor, type, visibility)
           VALUES ($1, $2, $3, 'system', 'retention_notice', 'public')`,
          [eventId, row.organisation_id, row.id],
        );
        // No email address (a request filed without one): the history says it, no email is owed.
        if (row.reachable)
          await addOutbox(manager, {
            organisationId: row.organisation_id,
            topic: JobTopic.NotifyEmail,
            payload: { submissionId: row.id, eventId, template: 'retention_notice' },
          });
        await manager.query(`UPDATE submission SET retention_notice_at = now() WHERE id = $1`, [row.id]);
      }
      return due.length;
    });
  }

  /** Deletes decided requests past their date, files first. Returns how many. */
  async purgeExpired(batch = 500): Promise<number> {
    const expired = (await this.dataSource.query(
      `SELECT id FROM submission WHERE purge_at IS NOT NULL AND purge_at < now() ORDER BY purge_at LIMIT $1`,
      [batch],
    )) as Array<{ id: string }>;
    for (const { id } of expired) {
      // The files' bytes first: once the rows are gone nothing would find them again.
      await this.attachments?.deleteAllOf(id);
      await this.dataSource.query(`DELETE FROM idempotency_key WHERE scope = $1`, [`submit:${id}`]);
      await this.dataSource.query(`DELETE FROM submission WHERE id = $1 AND purge_at < now()`, [id]);
    }
    return expired.length;
  }
}
