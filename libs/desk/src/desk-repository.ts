import type { DataSource, EntityManager } from 'typeorm';
import { Account, SubmissionMessage, SubmissionNote } from '@guichet/persistence';
import { agentNames } from '@guichet/identity';
import { addOutbox, type OutboxEntry } from '@guichet/queue';
import { isUuid, type OrganisationId } from '@guichet/shared';
import { MESSAGE_FILE_POINTER, insertHistoryEvent } from '@guichet/submissions';

/** An internal event of a request's history, as the caseworkers' actions write it. */
export interface AgentEvent {
  submissionId: string;
  /** account:<id> or token:<id>. */
  actor: string;
  type: string;
  comment: string | null;
  /** Given when an outbox row must name the event. */
  id?: string;
  /** Internal unless said otherwise: only a message to the citizen is public. */
  visibility?: 'internal' | 'public';
}

/** A request as `locate` reads it, before it knows its organisation. */
export interface LocatedRow {
  id: string;
  organisation_id: string;
  service_id: string;
  status: string;
  group_key: string | null;
  contact_email: string | null;
  slug: string;
}

/**
 * What the caseworkers' actions (./use-cases) read and write besides the
 * request itself: history events, notes, messages and their files,
 * followers, assignment, the awaiting-reply date, outbox rows.
 *
 * Tenant: every method takes the request's organisation first, as `locate`
 * gave it, and scopes its statement by it: directly where the table has the
 * column (submission, submission_note, attachment, agent_membership, api_token),
 * through the submission for submission_follower, which has none. Rows
 * written carry it. No statement is added for that: each method is one
 * round trip, as the code before it was. The two reads that cannot take it,
 * `locateInAnyOrganisation` and `agentAccount`, say why.
 *
 * `transaction` hands the work a repository bound to one transaction; outside
 * it, each statement is its own.
 */
export class DeskRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly manager: EntityManager = dataSource.manager,
  ) {}

  transaction<T>(work: (repository: DeskRepository) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new DeskRepository(this.dataSource, manager)));
  }

  /**
   * Claims an `Idempotency-Key` in the repository's transaction: true when this request is its first. Otherwise
   * the key's first request (committed: a concurrent one holding it is waited for by the insert) with its answer.
   */
  async claimIdempotencyKey(
    scope: string,
    key: string,
    requestHash: string,
  ): Promise<true | { requestHash: string; response: Record<string, unknown> | null }> {
    const inserted = (await this.manager.query(
      'INSERT INTO idempotency_key (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING scope',
      [scope, key, requestHash],
    )) as unknown[];
    if (inserted.length > 0) return true;
    const [first] = (await this.manager.query(
      'SELECT request_hash, response FROM idempotency_key WHERE scope = $1 AND key = $2',
      [scope, key],
    )) as Array<{ request_hash: string; response: Record<string, unknown> | null }>;
    return { requestHash: first?.request_hash ?? '', response: first?.response ?? null };
  }

  /** The answer a claimed key gives again, written in the same transaction as the work it answers for. */
  async recordIdempotentAnswer(scope: string, key: string, response: object): Promise<void> {
    await this.manager.query(
      'UPDATE idempotency_key SET response = $3, response_status = 200 WHERE scope = $1 AND key = $2',
      [scope, key, JSON.stringify(response)],
    );
  }

  /**
   * Any organisation: the request with this id and its service's slug, as
   * `locate` checks them. An agent's route names the request alone; its
   * organisation is what this read finds, and `locate` answers "not found"
   * unless the agent's grants cover it.
   */
  async locateInAnyOrganisation(id: string): Promise<LocatedRow | undefined> {
    const [row] = (await this.manager.query(
      `SELECT s.id, s.organisation_id, s.service_id, s.status, s.group_key, s.contact_email, v.slug
       FROM submission s JOIN service v ON v.id = s.service_id WHERE s.id = $1`,
      [id],
    )) as LocatedRow[];
    return row;
  }

  addEvent(organisationId: OrganisationId, event: AgentEvent): Promise<void> {
    return insertHistoryEvent(this.manager, organisationId, event);
  }

  /** The request's private notes, oldest first. */
  notes(organisationId: OrganisationId, submissionId: string): Promise<SubmissionNote[]> {
    return this.manager
      .getRepository(SubmissionNote)
      .find({ where: { organisationId, submissionId }, order: { createdAt: 'ASC' } });
  }

  /** One note of the request (the first answer of an `Idempotency-Key`), or null. */
  note(organisationId: OrganisationId, submissionId: string, noteId: string): Promise<SubmissionNote | null> {
    if (!isUuid(noteId)) return Promise.resolve(null);
    return this.manager.getRepository(SubmissionNote).findOne({ where: { organisationId, submissionId, id: noteId } });
  }

  addNote(
    organisationId: OrganisationId,
    note: Pick<SubmissionNote, 'submissionId' | 'author' | 'body'>,
  ): Promise<SubmissionNote> {
    const notes = this.manager.getRepository(SubmissionNote);
    return notes.save(notes.create({ organisationId, ...note }));
  }

  /** Whether this agent follows the request (submission_follower has no organisation: the submission's). */
  async isFollowing(organisationId: OrganisationId, submissionId: string, agent: string): Promise<boolean> {
    const [row] = (await this.manager.query(
      `SELECT 1 FROM submission_follower f JOIN submission s ON s.id = f.submission_id
        WHERE f.submission_id = $1 AND f.agent = $2 AND s.organisation_id = $3 LIMIT 1`,
      [submissionId, agent, organisationId],
    )) as unknown[];
    return row !== undefined;
  }

  async follow(organisationId: OrganisationId, submissionId: string, agent: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO submission_follower (submission_id, agent)
       SELECT id, $2 FROM submission WHERE id = $1 AND organisation_id = $3
       ON CONFLICT DO NOTHING`,
      [submissionId, agent, organisationId],
    );
  }

  async unfollow(organisationId: OrganisationId, submissionId: string, agent: string): Promise<void> {
    await this.manager.query(
      `DELETE FROM submission_follower f USING submission s
        WHERE f.submission_id = $1 AND f.agent = $2 AND s.id = f.submission_id AND s.organisation_id = $3`,
      [submissionId, agent, organisationId],
    );
  }

  /**
   * Whether this is a file uploaded for a message of this very request and not
   * yet sent with another one; locks it, so two messages cannot both take it.
   */
  async lockUnsentMessageFile(
    organisationId: OrganisationId,
    submissionId: string,
    attachmentId: string,
  ): Promise<boolean> {
    const [file] = (await this.manager.query(
      `SELECT a.id FROM attachment a
        WHERE a.id = $1 AND a.submission_id = $2 AND a.pointer = $3 AND a.organisation_id = $4
          AND NOT EXISTS (SELECT 1 FROM submission_message m WHERE m.attachment_id = a.id) FOR UPDATE OF a`,
      [isUuid(attachmentId) ? attachmentId : null, submissionId, MESSAGE_FILE_POINTER, organisationId],
    )) as Array<{ id: string }>;
    return file !== undefined;
  }

  addMessage(
    organisationId: OrganisationId,
    message: Pick<SubmissionMessage, 'submissionId' | 'authorKind' | 'author' | 'body' | 'attachmentId'>,
  ): Promise<SubmissionMessage> {
    const messages = this.manager.getRepository(SubmissionMessage);
    return messages.save(messages.create({ organisationId, ...message }));
  }

  /** Since when the request awaits the citizen's reply (null: it does not), its row locked. */
  async awaitingReplySinceForUpdate(organisationId: OrganisationId, submissionId: string): Promise<Date | null> {
    const [current] = (await this.manager.query(
      `SELECT awaiting_reply_since AS since FROM submission WHERE id = $1 AND organisation_id = $2 FOR UPDATE`,
      [submissionId, organisationId],
    )) as Array<{ since: Date | null }>;
    return current?.since ?? null;
  }

  async setAwaitingReplySince(organisationId: OrganisationId, submissionId: string, since: Date): Promise<void> {
    await this.manager.query(`UPDATE submission SET awaiting_reply_since = $2 WHERE id = $1 AND organisation_id = $3`, [
      submissionId,
      since,
      organisationId,
    ]);
  }

  /** Assigns the request (`account:<id>`), or unassigns it with null. */
  async setAssignee(organisationId: OrganisationId, submissionId: string, assignee: string | null): Promise<void> {
    await this.manager.query(`UPDATE submission SET assignee = $2 WHERE id = $1 AND organisation_id = $3`, [
      submissionId,
      assignee,
      organisationId,
    ]);
  }

  /**
   * Any organisation: the agent account with this id. An account belongs to
   * no organisation (its memberships do), and the assignment reads it before
   * it knows the request's; `mayWorkOn` then checks it against that
   * organisation.
   */
  agentAccount(accountId: string): Promise<Account | null> {
    return this.manager.getRepository(Account).findOneBy({ id: accountId, kind: 'agent' });
  }

  /** One indexed query: a caseworker or admin membership of this email that covers the service and group. */
  async mayWorkOn(
    organisationId: OrganisationId,
    email: string,
    where: { serviceId: string; groupKey: string | null },
  ): Promise<boolean> {
    const [found] = (await this.manager.query(
      `SELECT 1 FROM agent_membership
        WHERE email = $1 AND organisation_id = $2 AND role IN ('caseworker', 'admin')
          AND (service_id IS NULL OR service_id = $3)
          AND (group_key IS NULL OR group_key = $4)
        LIMIT 1`,
      [email, organisationId, where.serviceId, where.groupKey],
    )) as unknown[];
    return found !== undefined;
  }

  /** The agents' names behind these actor ids, an API token's only within this organisation. */
  agentNames(
    organisationId: OrganisationId,
    actors: Iterable<string | null | undefined>,
  ): Promise<Map<string, string>> {
    return agentNames(this.dataSource, actors, [organisationId]);
  }

  /** Outbox rows of this organisation, written in the repository's transaction. */
  addOutbox(organisationId: OrganisationId, ...entries: DeskJob[]): Promise<void> {
    return addOutbox(this.manager, ...entries.map((entry) => ({ ...entry, organisationId }) as OutboxEntry));
  }
}

/** An outbox entry without its organisation (the repository's caller gives it once), still typed by its job. */
export type DeskJob = OutboxEntry extends infer E ? (E extends OutboxEntry ? Omit<E, 'organisationId'> : never) : never;
