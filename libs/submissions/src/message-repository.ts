import type { EntityManager } from 'typeorm';
import { SubmissionMessage, type SubmissionEvent } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';
import { insertHistoryEvent } from './history-event';

/** A history event as the citizen's messages write it (internal unless said otherwise). */
export type MessageEvent = Pick<SubmissionEvent, 'submissionId' | 'actor' | 'type'> & {
  visibility?: 'internal' | 'public';
};

/**
 * The citizen's side of a request's messages: the message itself, and the
 * awaiting-reply date it clears (with its history event). The files of the
 * messages are `AttachmentRepository`'s; the caseworkers' side is the desk's
 * (`DeskRepository`).
 *
 * Tenant: every method takes the request's organisation first and scopes
 * its statement by it; rows written carry it. Each method is one round trip.
 * Bound to the caller's manager: the use case keeps its transaction.
 */
export class MessageRepository {
  constructor(private readonly manager: EntityManager) {}

  add(
    organisationId: OrganisationId,
    message: Pick<SubmissionMessage, 'submissionId' | 'authorKind' | 'author' | 'body'>,
  ): Promise<SubmissionMessage> {
    const messages = this.manager.getRepository(SubmissionMessage);
    return messages.save(messages.create({ organisationId, ...message }));
  }

  /** The request awaits the citizen's reply no more; false when it did not (nothing written). */
  async clearAwaitingReply(organisationId: OrganisationId, submissionId: string): Promise<boolean> {
    const [rows] = (await this.manager.query(
      `UPDATE submission SET awaiting_reply_since = NULL
        WHERE id = $1 AND organisation_id = $2 AND awaiting_reply_since IS NOT NULL RETURNING id`,
      [submissionId, organisationId],
    )) as [Array<{ id: string }>, number];
    return rows.length > 0;
  }

  addEvent(organisationId: OrganisationId, event: MessageEvent): Promise<void> {
    return insertHistoryEvent(this.manager, organisationId, event);
  }
}
