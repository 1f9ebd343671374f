import type { EntityManager } from 'typeorm';
import { JobTopic, addOutbox } from '@guichet/queue';
import type { ArchiveCounts } from './format';

type Row = Record<string, unknown>;

/** The tables an archive's lines are written into as they are, one statement per batch. */
export type ArchiveTable =
  | 'organisation'
  | 'account'
  | 'caseworker_group'
  | 'agent_membership'
  | 'organisation_event'
  | 'submission'
  | 'submission_event'
  | 'attachment'
  | 'submission_message'
  | 'submission_note'
  | 'submission_follower';

/** What an import counts again in the database once written: every count of the manifest that is a table's rows. */
export type CountedRows = Pick<
  ArchiveCounts,
  | 'services'
  | 'versions'
  | 'requests'
  | 'events'
  | 'messages'
  | 'notes'
  | 'documents'
  | 'attachments'
  | 'memberships'
  | 'groups'
>;

/** An account already in this installation, found by its id or by its provider and subject. */
export interface KnownAccount {
  id: string;
  issuer: string;
  subject: string;
}

/**
 * The statements of an organisation's import (`importOrganisation`), bound to
 * the import's one transaction (`ArchiveImportRepository.transaction`) but for
 * the checks made before it.
 *
 * Tenant: an import creates its organisation, so the checks that it and its
 * services are not here already look at every organisation, and the accounts
 * (which belong to none) are matched across the installation: those methods
 * say so in their names. Everything else takes the archive's organisation id
 * and writes or counts that organisation's rows only. Each method is the one
 * statement the code before it made.
 */
export class ArchiveImportRepository {
  constructor(private readonly manager: EntityManager) {}

  transaction<T>(work: (repository: ArchiveImportRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new ArchiveImportRepository(manager)));
  }

  /** Slugs of the organisations here with this id or this slug. */
  async organisationsTakenInAnyOrganisation(id: string, slug: string): Promise<string[]> {
    const rows = (await this.manager.query(`SELECT slug FROM organisation WHERE id = $1 OR slug = $2`, [
      id,
      slug,
    ])) as Array<{ slug: string }>;
    return rows.map((row) => row.slug);
  }

  /** Slugs of the services here with one of these slugs or ids, whichever organisation holds them. */
  async servicesTakenInAnyOrganisation(slugs: readonly string[], ids: readonly string[]): Promise<string[]> {
    const rows = (await this.manager.query(`SELECT slug FROM service WHERE slug = ANY($1) OR id = ANY($2::uuid[])`, [
      slugs,
      ids,
    ])) as Array<{ slug: string }>;
    return rows.map((row) => row.slug);
  }

  /** The rows, as the archive holds them (the table's own columns), in one statement. */
  async populate(table: ArchiveTable, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.manager.query(
      `INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`,
      [JSON.stringify(rows)],
    );
  }

  async setLogo(organisationId: string, logo: Buffer): Promise<void> {
    await this.manager.query(`UPDATE organisation SET logo = $2 WHERE id = $1`, [organisationId, logo]);
  }

  /** Accounts here with one of these ids, or with the provider and subject of one of these rows. */
  async accountsKnownInAnyOrganisation(rows: readonly Row[]): Promise<KnownAccount[]> {
    return (await this.manager.query(
      `SELECT id, issuer, subject FROM account WHERE id = ANY($1::uuid[])
       OR (issuer, subject) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [rows.map((r) => r.id), rows.map((r) => r.issuer), rows.map((r) => r.subject)],
    )) as KnownAccount[];
  }

  /**
   * The `definition` member of a definition file's JSON text, as PostgreSQL's `json` keeps it: the text as
   * written, key order included (JSON.parse and jsonb would not keep it).
   */
  async definitionText(fileText: string): Promise<string> {
    const [row] = (await this.manager.query(`SELECT ($1::json -> 'definition')::text AS definition`, [
      fileText,
    ])) as Array<{ definition: string }>;
    return row!.definition;
  }

  /** A service, from its row as JSON text (its definitions spliced in as written). */
  async insertService(json: string): Promise<void> {
    await this.manager.query(`INSERT INTO service SELECT * FROM json_populate_record(NULL::service, $1::json)`, [json]);
  }

  /** A published version, from its row as JSON text. */
  async insertFormVersion(json: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO form_version SELECT * FROM json_populate_record(NULL::form_version, $1::json)`,
      [json],
    );
  }

  /** A decision letter: its row's fields, its bytes from its file. */
  async insertDocument(fields: Row, content: Buffer): Promise<void> {
    await this.manager.query(
      `INSERT INTO submission_document (id, organisation_id, submission_id, event_id, kind, filename, media_type, content, created_at)
       SELECT r.id, r.organisation_id, r.submission_id, r.event_id, r.kind, r.filename, r.media_type, $2, r.created_at
       FROM json_populate_record(NULL::submission_document, $1::json) r`,
      [JSON.stringify(fields), content],
    );
  }

  /** How many of these requests are the organisation's. */
  async requestsOf(organisationId: string, ids: readonly unknown[]): Promise<number> {
    const [{ n }] = (await this.manager.query(
      `SELECT count(*)::int AS n FROM submission WHERE organisation_id = $1 AND id = ANY($2::uuid[])`,
      [organisationId, ids],
    )) as [{ n: number }];
    return n;
  }

  /**
   * Queues again the deadlines (« silence vaut accord ») of `batch` of the organisation's requests after `after`
   * in id order, as the transition that set them did; answers the last request's id, or null when there are no
   * more.
   */
  async requeueDeadlines(organisationId: string, after: string, batch: number): Promise<string | null> {
    const due = (await this.manager.query(
      `SELECT id, status_event_id, deadline_at, deadline_transition FROM submission
       WHERE organisation_id = $1 AND deadline_at IS NOT NULL AND status_event_id IS NOT NULL
         AND deadline_transition IS NOT NULL AND id > $2 ORDER BY id LIMIT $3`,
      [organisationId, after, batch],
    )) as Array<{ id: string; status_event_id: string; deadline_at: Date; deadline_transition: string }>;
    await addOutbox(
      this.manager,
      ...due.map((d) => ({
        organisationId,
        topic: JobTopic.DeadlineFire,
        payload: { submissionId: d.id, eventId: d.status_event_id, transition: d.deadline_transition },
        runAt: d.deadline_at,
      })),
    );
    return due.length < batch ? null : due[due.length - 1]!.id;
  }

  /** The organisation's rows, counted as a manifest counts them. */
  async counts(organisationId: string): Promise<CountedRows> {
    const [found] = (await this.manager.query(
      `SELECT
         (SELECT count(*) FROM service WHERE organisation_id = $1)::int AS services,
         (SELECT count(*) FROM form_version WHERE organisation_id = $1)::int AS versions,
         (SELECT count(*) FROM submission WHERE organisation_id = $1)::int AS requests,
         (SELECT count(*) FROM submission_event WHERE organisation_id = $1)::int AS events,
         (SELECT count(*) FROM submission_message WHERE organisation_id = $1)::int AS messages,
         (SELECT count(*) FROM submission_note WHERE organisation_id = $1)::int AS notes,
         (SELECT count(*) FROM submission_document WHERE organisation_id = $1)::int AS documents,
         (SELECT count(*) FROM attachment WHERE organisation_id = $1)::int AS attachments,
         (SELECT count(*) FROM agent_membership WHERE organisation_id = $1)::int AS memberships,
         (SELECT count(*) FROM caseworker_group WHERE organisation_id = $1)::int AS groups`,
      [organisationId],
    )) as [CountedRows];
    return found;
  }
}
