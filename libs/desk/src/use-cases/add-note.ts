import { AppError, type NoteView, trimText } from '@guichet/shared';
import type { DeskActor } from '../access';
import type { DeskDeps } from './deps';
import { checkIdempotencyKey, requestHash } from './idempotency';

/**
 * A private note on the request: agents only, never shown to the citizen; in the history as an internal event.
 * With an `Idempotency-Key`, the same note sent again (a retry after a lost answer, or two at once) gives the
 * first note again, recorded once; the same key with another note is refused. The key is claimed in the note's
 * own transaction, so a note and its key are written together or not at all. The key keeps the note's id only,
 * not its text: the text stays in the note, where retention and access rules already look.
 */
export class AddNote {
  constructor(private readonly deps: Pick<DeskDeps, 'access' | 'repository'>) {}

  async execute(
    id: string,
    actor: DeskActor,
    body: unknown,
    options: { idempotencyKey?: string } = {},
  ): Promise<NoteView> {
    const text = typeof body === 'string' ? trimText(body) : '';
    const key = options.idempotencyKey;
    checkIdempotencyKey(key);
    if (text.length === 0 || text.length > 5000) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/body', code: 'length', message: 'Écrivez une note de 1 à 5 000 caractères.' }],
      });
    }
    const { organisationId } = await this.deps.access.locate(actor, id, { act: true });
    const note = await this.deps.repository.transaction(async (repository) => {
      const scope = `note:${id}`;
      if (key !== undefined) {
        const hash = requestHash([actor.id, text]);
        const claimed = await repository.claimIdempotencyKey(scope, key, hash);
        if (claimed !== true) {
          if (claimed.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
          const first = typeof claimed.response?.noteId === 'string' ? claimed.response.noteId : null;
          const found = first === null ? null : await repository.note(organisationId, id, first);
          if (found) return found;
          throw new AppError('IDEMPOTENCY_IN_FLIGHT');
        }
      }
      const saved = await repository.addNote(organisationId, { submissionId: id, author: actor.id, body: text });
      await repository.addEvent(organisationId, {
        submissionId: id,
        actor: actor.id,
        type: 'note_added',
        comment: null,
      });
      if (key !== undefined) await repository.recordIdempotentAnswer(scope, key, { noteId: saved.id });
      return saved;
    });
    return { id: note.id, author: note.author, body: note.body, at: note.createdAt.toISOString() };
  }
}
