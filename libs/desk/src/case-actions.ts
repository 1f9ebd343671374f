import type { DataSource } from 'typeorm';
import { Account, SubmissionEvent, SubmissionFollower, SubmissionMessage, SubmissionNote } from '@guichet/persistence';
import { randomUUID } from 'node:crypto';
import { AppError, isUuid, type CaseView, type NoteView } from '@guichet/shared';
import { CaseFiles, MESSAGE_FILE_POINTER, type CaseFileView } from '@guichet/submissions';
import { agentNames } from '@guichet/identity';
import { addOutbox, JobTopic } from '@guichet/queue';
import { locate, type DeskActor, type Located } from './access';

export type { NoteView };

/**
 * What a caseworker does to a request besides transitions: read it (and the
 * read is recorded), write private notes, assign it, follow it. Every action
 * is in the request's history, as an internal event.
 */
export class CaseActions {
  private readonly files: CaseFiles;

  constructor(private readonly dataSource: DataSource) {
    this.files = new CaseFiles(dataSource);
  }

  /**
   * The whole request, its private notes included; the read itself goes into
   * the history. Agents are named as their identity provider names them
   * (`assigneeName`, each event's `actorName`, each note's `authorName`).
   */
  async read(slug: string, id: string, actor: DeskActor): Promise<CaseView> {
    const found = await locate(this.dataSource, actor, id, { slug });
    // Recorded first, so that this very read shows in the history it returns.
    await this.event(found.organisationId, found.id, actor.id, 'consulted', null);
    const view = await this.files.get(slug, id, [found.organisationId]);
    const [notes, followed] = await Promise.all([
      this.dataSource.getRepository(SubmissionNote).find({ where: { submissionId: id }, order: { createdAt: 'ASC' } }),
      this.dataSource.getRepository(SubmissionFollower).existsBy({ submissionId: id, agent: actor.id }),
    ]);
    // An assignment's event names the agent it went to (`Attribuée à account:<id>`).
    const subjectOf = (h: CaseFileView['history'][number]) =>
      h.type === 'assigned' ? (ASSIGNED.exec(h.comment ?? '')?.[1] ?? null) : null;
    const names = await agentNames(
      this.dataSource,
      [view.assignee, ...view.history.flatMap((h) => [h.actor, subjectOf(h)]), ...notes.map((n) => n.author)],
      [found.organisationId],
    );
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

  /** A request the actor may act on, by id alone (a read-only grant is 403). */
  private act(id: string, actor: DeskActor) {
    return locate(this.dataSource, actor, id, { act: true });
  }

  async note(id: string, actor: DeskActor, body: unknown): Promise<NoteView> {
    const text = typeof body === 'string' ? body.trim() : '';
    if (text.length === 0 || text.length > 5000) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/body', code: 'length', message: 'Écrivez une note de 1 à 5 000 caractères.' }],
      });
    }
    const row = await this.act(id, actor);
    const note = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(SubmissionNote).save(
        manager.getRepository(SubmissionNote).create({
          organisationId: row.organisationId,
          submissionId: id,
          author: actor.id,
          body: text,
        }),
      );
      await manager
        .getRepository(SubmissionEvent)
        .insert(this.eventRow(row.organisationId, id, actor.id, 'note_added', null));
      return saved;
    });
    return { id: note.id, author: note.author, body: note.body, at: note.createdAt.toISOString() };
  }

  /**
   * A message to the citizen: shown in "mes démarches", and emailed to them
   * (through the outbox, so it is sent once, even if the mail server is down).
   */
  async message(
    id: string,
    actor: DeskActor,
    body: unknown,
    options: { awaitingReply?: boolean; attachmentId?: string } = {},
  ): Promise<{ id: string; at: string; awaitingReplySince: string | null; attachmentId: string | null }> {
    const text = typeof body === 'string' ? body.trim() : '';
    if (text.length === 0 || text.length > 5000) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/body', code: 'length', message: 'Écrivez un message de 1 à 5 000 caractères.' }],
      });
    }
    const row = await this.act(id, actor);
    return this.dataSource.transaction(async (manager) => {
      const attachmentId = options.attachmentId ?? null;
      if (attachmentId !== null) {
        // A file uploaded for a message of this very request, and not yet sent with another one.
        const [file] = (await manager.query(
          `SELECT a.id FROM attachment a WHERE a.id = $1 AND a.submission_id = $2 AND a.pointer = $3
              AND NOT EXISTS (SELECT 1 FROM submission_message m WHERE m.attachment_id = a.id) FOR UPDATE OF a`,
          [isUuid(attachmentId) ? attachmentId : null, id, MESSAGE_FILE_POINTER],
        )) as Array<{ id: string }>;
        if (!file) {
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
      }
      const message = await manager.getRepository(SubmissionMessage).save(
        manager.getRepository(SubmissionMessage).create({
          organisationId: row.organisationId,
          submissionId: id,
          authorKind: 'caseworker',
          author: actor.id,
          body: text,
          attachmentId,
        }),
      );
      let awaitingReplySince: string | null = null;
      if (options.awaitingReply) {
        // The first unanswered question counts: asking again does not reset the date.
        const [current] = (await manager.query(
          `SELECT awaiting_reply_since AS since FROM submission WHERE id = $1 FOR UPDATE`,
          [id],
        )) as Array<{ since: Date | null }>;
        let since = current?.since ?? null;
        if (since === null) {
          since = new Date();
          await manager.query(`UPDATE submission SET awaiting_reply_since = $2 WHERE id = $1`, [id, since]);
          await manager
            .getRepository(SubmissionEvent)
            .insert(this.eventRow(row.organisationId, id, actor.id, 'awaiting_reply', null));
        }
        awaitingReplySince = since.toISOString();
      }
      const eventId = randomUUID();
      await manager.getRepository(SubmissionEvent).insert({
        ...this.eventRow(row.organisationId, id, actor.id, 'message_received', null),
        id: eventId,
        visibility: 'public',
      });
      if (row.contactEmail) {
        await addOutbox(manager, {
          organisationId: row.organisationId,
          topic: JobTopic.NotifyEmail,
          payload: { submissionId: id, eventId, template: 'message_received' },
        });
      }
      return { id: message.id, at: message.createdAt.toISOString(), awaitingReplySince, attachmentId };
    });
  }

  /**
   * Assigns to an agent (`account:<id>` of an agent account), or unassigns
   * with null. Only to someone who may work on it, as the memberships say now:
   * an agent of the request's organisation, caseworker or admin of its service
   * (and of its routing group, for a membership limited to one). Anyone else
   * would hold a request they cannot open, or see one they should not.
   */
  async assign(
    id: string,
    actor: DeskActor,
    agentId: unknown,
  ): Promise<{ id: string; assignee: string | null; assigneeName: string | null }> {
    const match = typeof agentId === 'string' ? /^(?:account:)?([0-9a-f-]{36})$/i.exec(agentId) : null;
    const account =
      match && isUuid(match[1]!)
        ? await this.dataSource.getRepository(Account).findOneBy({ id: match[1]!, kind: 'agent' })
        : null;
    if (agentId !== null && !account) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/agentId', code: 'unknown_agent', message: 'Agent inconnu.' }],
      });
    }
    const row = await this.act(id, actor);
    const assignee = account ? `account:${account.id}` : null;
    if (account && !(await this.mayWorkOn(account, row))) {
      throw new AppError('INVALID_REQUEST', {
        errors: [
          {
            pointer: '/agentId',
            code: 'not_eligible',
            message: 'Cet agent n’instruit pas cette démarche : attribuez la demande à un instructeur de la démarche.',
          },
        ],
      });
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE submission SET assignee = $2 WHERE id = $1`, [id, assignee]);
      await manager
        .getRepository(SubmissionEvent)
        .insert(
          this.eventRow(
            row.organisationId,
            id,
            actor.id,
            'assigned',
            assignee ? `Attribuée à ${assignee}` : 'Attribution retirée',
          ),
        );
    });
    return { id, assignee, assigneeName: account ? (account.displayName ?? account.email) : null };
  }

  /** One indexed query: a caseworker or admin membership of the agent's email that covers this request. */
  private async mayWorkOn(account: Account, row: Located): Promise<boolean> {
    if (!account.email) return false;
    const [found] = (await this.dataSource.query(
      `SELECT 1 FROM agent_membership
        WHERE email = $1 AND organisation_id = $2 AND role IN ('caseworker', 'admin')
          AND (service_id IS NULL OR service_id = $3)
          AND (group_key IS NULL OR group_key = $4)
        LIMIT 1`,
      [account.email, row.organisationId, row.serviceId, row.groupKey],
    )) as unknown[];
    return found !== undefined;
  }

  async follow(id: string, actor: DeskActor, follow: boolean): Promise<{ id: string; followed: boolean }> {
    await this.act(id, actor);
    if (follow) {
      await this.dataSource.query(
        `INSERT INTO submission_follower (submission_id, agent) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [id, actor.id],
      );
    } else {
      await this.dataSource.query(`DELETE FROM submission_follower WHERE submission_id = $1 AND agent = $2`, [
        id,
        actor.id,
      ]);
    }
    return { id, followed: follow };
  }

  private eventRow(organisationId: string, submissionId: string, actor: string, type: string, comment: string | null) {
    return {
      organisationId,
      submissionId,
      actor,
      type,
      transition: null,
      fromStatus: null,
      toStatus: null,
      comment,
      visibility: 'internal' as const,
    };
  }

  private async event(
    organisationId: string,
    submissionId: string,
    actor: string,
    type: string,
    comment: string | null,
  ) {
    await this.dataSource
      .getRepository(SubmissionEvent)
      .insert(this.eventRow(organisationId, submissionId, actor, type, comment));
  }
}

const ASSIGNED = /^Attribuée à (account:[0-9a-f-]{36})$/i;
