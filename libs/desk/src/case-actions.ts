import type { DataSource } from 'typeorm';
import type { CaseView, NoteView } from '@guichet/shared';
import { CaseFiles } from '@guichet/submissions';
import { DeskAccess, type DeskActor } from './access';
import { DeskRepository } from './desk-repository';
import { AddNote } from './use-cases/add-note';
import { AssignSubmission } from './use-cases/assign-submission';
import type { DeskDeps } from './use-cases/deps';
import { FollowSubmission } from './use-cases/follow-submission';
import { ReadSubmission } from './use-cases/read-submission';
import { SendMessage, type SentMessage } from './use-cases/send-message';

export type { NoteView };

/**
 * What a caseworker does to a request besides transitions: read it (and the
 * read is recorded), write private notes, message the citizen, assign it,
 * follow it. Every action is in the request's history. One method per use
 * case (./use-cases), what the API calls: never a use case directly.
 */
export class CaseActions {
  private readonly readSubmission: ReadSubmission;
  private readonly addNote: AddNote;
  private readonly sendMessage: SendMessage;
  private readonly assignSubmission: AssignSubmission;
  private readonly followSubmission: FollowSubmission;

  constructor(dataSource: DataSource) {
    const deps: DeskDeps = {
      access: new DeskAccess(dataSource),
      repository: new DeskRepository(dataSource),
      files: new CaseFiles(dataSource),
    };
    this.readSubmission = new ReadSubmission(deps);
    this.addNote = new AddNote(deps);
    this.sendMessage = new SendMessage(deps);
    this.assignSubmission = new AssignSubmission(deps);
    this.followSubmission = new FollowSubmission(deps);
  }

  read(slug: string, id: string, actor: DeskActor): Promise<CaseView> {
    return this.readSubmission.execute(slug, id, actor);
  }

  note(id: string, actor: DeskActor, body: unknown, options: { idempotencyKey?: string } = {}): Promise<NoteView> {
    return this.addNote.execute(id, actor, body, options);
  }

  message(
    id: string,
    actor: DeskActor,
    body: unknown,
    options: { awaitingReply?: boolean; attachmentId?: string; idempotencyKey?: string } = {},
  ): Promise<SentMessage> {
    return this.sendMessage.execute(id, actor, body, options);
  }

  assign(
    id: string,
    actor: DeskActor,
    agentId: unknown,
  ): Promise<{ id: string; assignee: string | null; assigneeName: string | null }> {
    return this.assignSubmission.execute(id, actor, agentId);
  }

  follow(id: string, actor: DeskActor, follow: boolean): Promise<{ id: string; followed: boolean }> {
    return this.followSubmission.execute(id, actor, follow);
  }
}
