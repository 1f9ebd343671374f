import { randomUUID } from 'node:crypto';
import { JobTopic } from '@guichet/queue';
import { AppError, trimText } from '@guichet/shared';
import type { DeskActor } from '../access';
import type { DeskDeps } from './deps';
import { checkIdempotencyKey, requestHash as hashOf } from './idempotency';

export interface SentMessage {
  id: string;
  at: string;
  awaitingReplySince: string | null;
  attachmentId: string | null;
}

/**
 * A message to the citizen: shown in "mes démarches", and emailed to them
 * (through the outbox, so it is sent once, even if the mail server is down).
 * With `awaitingReply`, the request awaits their answer from now on, unless
 * it already did. With an `Idempotency-Key`, the same message sent again (a
 * retry after a lost answer) gives the first answer again: one message, one
 * email; the same key with another message is refused.
 */
export class SendMessage {
  constructor(private readonly deps: Pick<DeskDeps, 'access' | 'repository'>) {}

  async execute(
    id: string,
    actor: DeskActor,
    body: unknown,
    options: { awaitingReply?: boolean; attachmentId?: string; idempotencyKey?: string } = {},
  ): Promise<SentMessage> {
    const text = typeof body === 'string' ? trimText(body) : '';
    const key = options.idempotencyKey;
    checkIdempotencyKey(key);
    if (text.length === 0 || text.length > 5000) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/body', code: 'length', message: 'Écrivez un message de 1 à 5 000 caractères.' }],
      });
    }
    const row = await this.deps.access.locate(actor, id, { act: true });
    const organisationId = row.organisationId;
    return this.deps.repository.transaction(async (repository) => {
      const attachmentId = options.attachmentId ?? null;
      const scope = `message:${id}`;
      if (key !== undefined) {
        const requestHash = hashOf([actor.id, text, options.awaitingReply ?? false, attachmentId]);
        const claimed = await repository.claimIdempotencyKey(scope, key, requestHash);
        if (claimed !== true) {
          if (claimed.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
          if (claimed.response) return claimed.response as unknown as SentMessage;
          throw new AppError('IDEMPOTENCY_IN_FLIGHT');
        }
      }
      if (attachmentId !== null && !(await repository.lockUnsentMessageFile(organisationId, id, attachmentId))) {
        throw new AppError('INVALID_REQUEST', {
          errors: [
            {
              pointer: '/attachmentId',
              code: 'unknown_attachment',
              message: 'Pièce jointe introuvable : envoyez le fichier à nouveau.',
            },
          ],
        });
      }
      const message = await repository.addMessage(organisationId, {
        submissionId: id,
        authorKind: 'caseworker',
        author: actor.id,
        body: text,
        attachmentId,
      });
      let awaitingReplySince: string | null = null;
      if (options.awaitingReply) {
        // The first unanswered question counts: asking again does not reset the date.
        let since = await repository.awaitingReplySinceForUpdate(organisationId, id);
        if (since === null) {
          since = new Date();
          await repository.setAwaitingReplySince(organisationId, id, since);
          await repository.addEvent(organisationId, {
            submissionId: id,
            actor: actor.id,
            type: 'awaiting_reply',
            comment: null,
          });
        }
        awaitingReplySince = since.toISOString();
      }
      const eventId = randomUUID();
      await repository.addEvent(organisationId, {
        id: eventId,
        submissionId: id,
        actor: actor.id,
        type: 'message_received',
        comment: null,
        visibility: 'public',
      });
      if (row.contactEmail) {
        await repository.addOutbox(organisationId, {
          topic: JobTopic.NotifyEmail,
          payload: { submissionId: id, eventId, template: 'message_received' },
        });
      }
      const sent: SentMessage = {
        id: message.id,
        at: message.createdAt.toISOString(),
        awaitingReplySince,
        attachmentId,
      };
      if (key !== undefined) await repository.recordIdempotentAnswer(scope, key, sent);
      return sent;
    });
  }
}
