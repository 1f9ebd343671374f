import type { EntityManager } from 'typeorm';
import type { SubmissionMessage } from '@guichet/persistence';
import { organisationId, type MessageView, type OrganisationId } from '@guichet/shared';
import { AttachmentRepository } from './attachment-repository';
import { MessageRepository } from './message-repository';

export type { MessageView };

/** The messages of a request of this organisation, each with its file (one query for all the files). */
export async function messageViews(
  manager: EntityManager,
  organisation: OrganisationId,
  messages: readonly SubmissionMessage[],
): Promise<MessageView[]> {
  const ids = messages.map((m) => m.attachmentId).filter((id): id is string => !!id);
  const files = ids.length ? await new AttachmentRepository(manager).messageFiles(organisation, ids) : [];
  const byId = new Map(files.map((f) => [f.id, f]));
  return messages.map((m) => {
    const file = m.attachmentId ? byId.get(m.attachmentId) : undefined;
    return {
      id: m.id,
      from: m.authorKind,
      body: m.body,
      at: m.createdAt.toISOString(),
      attachment: file ? { id: file.id, filename: file.filename, mediaType: file.mediaType, bytes: file.bytes } : null,
    };
  });
}

/**
 * The citizen wrote: a request waiting for their reply waits no more. The
 * change goes into the history (internal event `awaiting_reply_cleared`).
 */
export async function clearAwaitingReply(
  manager: EntityManager,
  submission: { id: string; organisationId: string },
  actor: string,
): Promise<boolean> {
  const messages = new MessageRepository(manager);
  const organisation = organisationId(submission.organisationId);
  if (!(await messages.clearAwaitingReply(organisation, submission.id))) return false;
  await messages.addEvent(organisation, { submissionId: submission.id, actor, type: 'awaiting_reply_cleared' });
  return true;
}
