import { AppError, type NoteView } from '@guichet/shared';
import type { DeskActor } from '../access';
import type { DeskDeps } from './deps';

/** A private note on the request: agents only, never shown to the citizen; in the history as an internal event. */
export class AddNote {
  constructor(private readonly deps: Pick<DeskDeps, 'access' | 'repository'>) {}

  async execute(id: string, actor: DeskActor, body: unknown): Promise<NoteView> {
    const text = typeof body === 'string' ? body.trim() : '';
    if (text.length === 0 || text.length > 5000) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/body', code: 'length', message: 'Écrivez une note de 1 à 5 000 caractères.' }],
      });
    }
    const { organisationId } = await this.deps.access.locate(actor, id, { act: true });
    const note = await this.deps.repository.transaction(async (repository) => {
      const saved = await repository.addNote(organisationId, { submissionId: id, author: actor.id, body: text });
      await repository.addEvent(organisationId, {
        submissionId: id,
        actor: actor.id,
        type: 'note_added',
        comment: null,
      });
      return saved;
    });
    return { id: note.id, author: note.author, body: note.body, at: note.createdAt.toISOString() };
  }
}
