import { addOutbox, JobTopic } from '@guichet/queue';
import { AppError, organisationId, trimText } from '@guichet/shared';
import { clearAwaitingReply } from '../message-files';
import { MessageRepository } from '../message-repository';
import type { CitizenDeps } from './deps';
import { ownerEvent } from './events';
import { actorOf, loadOwned, type Owner } from './owner';

/** A message from the citizen to the caseworkers, once the request is submitted. */
export class PostMessage {
  constructor(private readonly deps: Pick<CitizenDeps, 'dataSource' | 'submissions'>) {}

  async execute(id: string, owner: Owner, body: unknown): Promise<{ id: string; at: string }> {
    const text = typeof body === 'string' ? trimText(body) : '';
    if (text.length === 0 || text.length > 5000) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/body', code: 'length', message: 'Écrivez un message de 1 à 5 000 caractères.' }],
      });
    }
    return this.deps.dataSource.transaction(async (manager) => {
      const submission = await loadOwned(this.deps.submissions, manager, id, owner);
      if (submission.status === 'draft') throw new AppError('NOT_SUBMITTED');
      const message = await new MessageRepository(manager).add(organisationId(submission.organisationId), {
        submissionId: submission.id,
        authorKind: 'citizen',
        author: actorOf(owner),
        body: text,
      });
      const eventId = await ownerEvent(manager, submission, owner, 'message_sent', null, null);
      await clearAwaitingReply(manager, submission, actorOf(owner));
      await addOutbox(manager, {
        organisationId: submission.organisationId,
        topic: JobTopic.NotifyAgents,
        payload: { submissionId: submission.id, eventId, kind: 'citizen_message' },
      });
      return { id: message.id, at: message.createdAt.toISOString() };
    });
  }
}
