import type { CaseFileView } from '@guichet/submissions';
import type { CaseView } from '@guichet/shared';
import type { DeskActor } from '../access';
import type { DeskDeps } from './deps';

/** An assignment's event names the agent it went to (`Attribuée à account:<id>`). */
const ASSIGNED = /^Attribuée à (account:[0-9a-f-]{36})$/i;

/**
 * The whole request, its private notes included; the read itself goes into
 * the history. Agents are named as their identity provider names them
 * (`assigneeName`, each event's `actorName`, each note's `authorName`).
 */
export class ReadSubmission {
  constructor(private readonly deps: DeskDeps) {}

  async execute(slug: string, id: string, actor: DeskActor): Promise<CaseView> {
    const { access, repository, files } = this.deps;
    const found = await access.locate(actor, id, { slug });
    const organisationId = found.organisationId;
    // Recorded first, so that this very read shows in the history it returns.
    await repository.addEvent(organisationId, {
      submissionId: found.id,
      actor: actor.id,
      type: 'consulted',
      comment: null,
    });
    const view = await files.get(slug, id, [organisationId]);
    const [notes, followed] = await Promise.all([
      repository.notes(organisationId, id),
      repository.isFollowing(organisationId, id, actor.id),
    ]);
    const subjectOf = (h: CaseFileView['history'][number]) =>
      h.type === 'assigned' ? (ASSIGNED.exec(h.comment ?? '')?.[1] ?? null) : null;
    const names = await repository.agentNames(organisationId, [
      view.assignee,
      ...view.history.flatMap((h) => [h.actor, subjectOf(h)]),
      ...notes.map((n) => n.author),
    ]);
    const nameOf = (who: string | null) => (who ? (names.get(who) ?? null) : null);
    return {
      ...view,
      assigneeName: nameOf(view.assignee),
      history: view.history.map((h) => {
        const subject = subjectOf(h);
        return { ...h, actorName: nameOf(h.actor), subject, subjectName: nameOf(subject) };
      }),
      notes: notes.map((n) => ({
        id: n.id,
        author: n.author,
        authorName: nameOf(n.author),
        body: n.body,
        at: n.createdAt.toISOString(),
      })),
      followed,
    };
  }
}
