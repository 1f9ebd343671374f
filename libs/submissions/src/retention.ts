import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Attachments } from './attachments';
import { RetentionRepository } from './retention-repository';

const NOTICE_DAYS = 14;

/**
 * Retention of decided requests: each is deleted at its `purge_at` (the
 * service's retention after the decision, 12 months by default), with its
 * files; the citizen is emailed two weeks before. Both steps are idempotent
 * and batched, so several workers may run them at once.
 */
export class Retention {
  private readonly requests: RetentionRepository;

  constructor(
    dataSource: DataSource,
    private readonly attachments?: Attachments,
  ) {
    this.requests = new RetentionRepository(dataSource.manager);
  }

  /** Queues the notice email (through the outbox) for requests deleted within two weeks. Returns how many. */
  async sendNotices(batch = 500): Promise<number> {
    return this.requests.transaction(async (requests) => {
      const due = await requests.dueForNoticeInAnyOrganisation(NOTICE_DAYS, batch);
      for (const row of due) {
        // No email address (a request filed without one): the history says it, no email is owed.
        await requests.recordNotice(row.organisationId, row.id, randomUUID(), row.reachable);
      }
      return due.length;
    });
  }

  /** Deletes decided requests past their date, files first. Returns how many. */
  async purgeExpired(batch = 500): Promise<number> {
    const expired = await this.requests.expiredInAnyOrganisation(batch);
    for (const { id, organisationId } of expired) {
      // The files' bytes first: once the rows are gone nothing would find them again.
      await this.attachments?.deleteAllOf(id);
      await this.requests.deleteExpired(organisationId, id);
    }
    return expired.length;
  }
}
