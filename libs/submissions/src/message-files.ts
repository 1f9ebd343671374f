import { In, type EntityManager } from 'typeorm';
import { Attachment, SubmissionEvent, type SubmissionMessage } from '@guichet/persistence';

import type { MessageView } from '@guichet/shared';

export type { MessageView };

/** The messages of a request, each with its file (one query for all the files). */
export async function messageViews(
  manager: Pick<EntityManager, 'getRepository'>,
  messages: readonly SubmissionMessage[],
): Promise<MessageView[]> {
  const ids = messages.map((m) => m.attachmentId).filter((id): id is string => !!id);
  const files = ids.length
    ? await manager.getRepository(Attachment).find({
        where: { id: In(ids) },
        select: { id: true, filename: true, mediaType: true, bytes: true },
      })
    : [];
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
  const [rows] = (await manager.query(
    `UPDATE submission SET awaiting_reply_since = NULL WHERE id = $1 AND awaiting_reply_since IS NOT NULL RETURNING id`,
    [submission.id],
  )) as [Array<{ id: string }>, number];
  if (rows.length === 0) return false;
  await manager.getRepository(SubmissionEvent).insert({
    organisationId: submission.organisationId,
    submissionId: submission.id,
    actor,
    type: 'awaiting_reply_cleared',
    transition: null,
    fromStatus: null,
    toStatus: null,
    comment: null,
    visibility: 'internal',
  });
  return true;
}
