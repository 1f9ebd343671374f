import type { EntityManager } from 'typeorm';
import { SubmissionEvent } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';

/**
 * An event of a request's history that fires no transition: a message, a
 * note, a reading, an assignment. Internal unless said otherwise (only a
 * message to the citizen is public).
 */
export interface HistoryEvent {
  submissionId: string;
  /** owner, anonymous, account:<id> or token:<id>. */
  actor: string;
  type: string;
  comment?: string | null;
  /** Given when an outbox row must name the event. */
  id?: string;
  visibility?: 'internal' | 'public';
}

/**
 * Appends the event within the request's organisation, in one statement on
 * the caller's manager (its transaction). The one writer behind
 * `MessageRepository.addEvent` (the citizen's side) and
 * `DeskRepository.addEvent` (the caseworkers').
 */
export async function insertHistoryEvent(
  manager: EntityManager,
  organisationId: OrganisationId,
  event: HistoryEvent,
): Promise<void> {
  const { id, visibility = 'internal', comment = null, ...rest } = event;
  await manager.getRepository(SubmissionEvent).insert({
    organisationId,
    ...rest,
    transition: null,
    fromStatus: null,
    toStatus: null,
    comment,
    visibility,
    ...(id === undefined ? {} : { id }),
  });
}
