import type { DataSource } from 'typeorm';
import { OrganisationArchiveError } from './format';

type Row = Record<string, unknown>;

/** What reads rows: a data source, or the query runner of the export's snapshot. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tables of what happened to requests, written to the archive as they are. */
export type RequestLogTable = 'submission_event' | 'submission_message' | 'submission_note';

/** The organisation row as the archive writes it: the row as JSON (no logo bytes), and the logo apart. */
export interface OrganisationRow {
  line: string;
  logo: Buffer | null;
  logo_type: string | null;
}

export interface ServiceRow {
  id: string;
  slug: string;
  title: string;
  description: string | null;
  /** The row as JSON, without its draft definition and webhook secret. */
  line: string;
  /** The draft definition as PostgreSQL's `json` keeps it (key order included). */
  draft: string;
}

/**
 * The statements of an organisation's archive (`exportOrganisation`), read in
 * one read-only snapshot (`ArchiveExportRepository.snapshot`): a request filed
 * or purged meanwhile is in every file or in none.
 *
 * Tenant: the operator names the organisation, so finding it and the
 * installation's id look across the installation and say so in their names.
 * Every other method takes the organisation's id and reads its rows only — the
 * accounts too: those its rows name, never another organisation's.
 *
 * Rows come in keyset batches (`batch` rows per statement): memory stays flat
 * whatever the organisation's size. Lines are the rows as `to_jsonb` writes
 * them, minus what must not leave (sessions, tokens, webhook secrets, the
 * anonymous owners' token hashes, storage keys, file bytes).
 */
export class ArchiveExportRepository {
  private constructor(
    private readonly db: Queryable,
    private readonly batch: number,
  ) {}

  /** The organisation an operator names, by slug or id; a clear refusal otherwise. */
  static async findInAnyOrganisation(db: Queryable, ref: string): Promise<{ id: string; slug: string; name: string }> {
    const rows = (await db.query(
      `SELECT id, slug, name FROM organisation WHERE slug = $1 ${UUID.test(ref) ? 'OR id = $1::uuid' : ''}`,
      [ref],
    )) as Array<{ id: string; slug: string; name: string }>;
    if (!rows[0]) throw new OrganisationArchiveError('ORGANISATION_UNKNOWN', `organisation inconnue : ${ref}`);
    return rows[0];
  }

  /** This installation's id (the archive's source), null before the first start wrote it. */
  static async installationIdInAnyOrganisation(db: Queryable): Promise<string | null> {
    const rows = (await db.query(`SELECT id FROM installation LIMIT 1`)) as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }

  /**
   * Runs `work` with a repository reading one REPEATABLE READ, read-only
   * snapshot on its own connection, released whatever happens (nothing to commit).
   */
  static async snapshot<T>(
    dataSource: DataSource,
    batch: number,
    work: (repository: ArchiveExportRepository) => Promise<T>,
  ): Promise<T> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      return await work(new ArchiveExportRepository(runner, batch));
    } finally {
      await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }

  async organisation(organisationId: string): Promise<OrganisationRow> {
    const [row] = (await this.db.query(
      `SELECT (to_jsonb(o) - 'logo')::text AS line, o.logo, o.logo_type FROM organisation o WHERE o.id = $1`,
      [organisationId],
    )) as OrganisationRow[];
    if (!row) throw new OrganisationArchiveError('ORGANISATION_UNKNOWN', `organisation inconnue : ${organisationId}`);
    return row;
  }

  /** Accounts the organisation's rows name (owners, agents, authors): who they are, never how they sign in. */
  accounts(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT a.id::text AS k, to_jsonb(a)::text AS line FROM account a
        WHERE a.id > ${after}::uuid AND (
          a.id IN (SELECT owner_account_id FROM submission WHERE organisation_id = $1 AND owner_account_id IS NOT NULL)
          OR (a.kind = 'agent' AND a.email IN (SELECT email FROM agent_membership WHERE organisation_id = $1))
          OR ('account:' || a.id) IN (
            SELECT actor FROM submission_event WHERE organisation_id = $1
            UNION SELECT assignee FROM submission WHERE organisation_id = $1 AND assignee IS NOT NULL
            UNION SELECT author FROM submission_note WHERE organisation_id = $1
            UNION SELECT author FROM submission_message WHERE organisation_id = $1
            UNION SELECT f.agent FROM submission_follower f JOIN submission s ON s.id = f.submission_id
              WHERE s.organisation_id = $1
            UNION SELECT published_by FROM form_version WHERE organisation_id = $1
            UNION SELECT actor FROM organisation_event WHERE organisation_id = $1))
        ORDER BY a.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  /** Agents: their roles by professional email, with the name their provider gave (no credential). */
  memberships(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT m.id::text AS k, (to_jsonb(m) || jsonb_build_object(
          'service_slug', s.slug,
          'display_name', (SELECT a.display_name FROM account a WHERE a.kind = 'agent' AND a.email = m.email
                           AND a.display_name IS NOT NULL ORDER BY a.last_login_at DESC NULLS LAST LIMIT 1)))::text AS line
        FROM agent_membership m LEFT JOIN service s ON s.id = m.service_id
        WHERE m.organisation_id = $1 AND m.id > ${after}::uuid ORDER BY m.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  groups(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT g.id::text AS k, (to_jsonb(g) || jsonb_build_object('service_slug', s.slug))::text AS line
        FROM caseworker_group g JOIN service s ON s.id = g.service_id
        WHERE g.organisation_id = $1 AND g.id > ${after}::uuid ORDER BY g.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  organisationEvents(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT e.id::text AS k, to_jsonb(e)::text AS line FROM organisation_event e
        WHERE e.organisation_id = $1 AND e.id > ${after}::uuid ORDER BY e.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  /** The organisation's services, oldest first (a handful: one statement). */
  async services(organisationId: string): Promise<ServiceRow[]> {
    return (await this.db.query(
      `SELECT id, slug, title, description, (to_jsonb(s) - 'draft_definition' - 'webhook_secret')::text AS line,
              draft_definition::text AS draft
       FROM service s WHERE organisation_id = $1 ORDER BY created_at, slug`,
      [organisationId],
    )) as ServiceRow[];
  }

  /** A service's published versions in order, their definitions as written; 50 at a time (they can be large). */
  versions(organisationId: string, serviceId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT lpad(number::text, 10, '0') AS k, number, definition::text AS definition,
               (to_jsonb(v) - 'definition')::text AS line
        FROM form_version v WHERE organisation_id = $1 AND service_id = $2 AND lpad(number::text, 10, '0') > ${after}
        ORDER BY number LIMIT ${limit}`,
      [organisationId, serviceId],
      50,
      '',
    );
  }

  /** A service's requests (drafts aside) with the columns of its CSV for people. */
  serviceRequests(organisationId: string, serviceId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT id::text AS k, reference, status, version_number, submitted_at, decided_at, group_key, data
        FROM submission WHERE organisation_id = $1 AND service_id = $2 AND status <> 'draft' AND id > ${after}::uuid
        ORDER BY id LIMIT ${limit}`,
      [organisationId, serviceId],
    );
  }

  /** Every request, drafts included, without the anonymous owner's token hash. */
  requests(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT s.id::text AS k, (to_jsonb(s) - 'anonymous_owner' || jsonb_build_object('service_slug', v.slug))::text AS line
        FROM submission s JOIN service v ON v.id = s.service_id
        WHERE s.organisation_id = $1 AND s.id > ${after}::uuid ORDER BY s.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  /** What happened to the requests: their events, messages or notes. */
  requestLog(organisationId: string, table: RequestLogTable): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT t.id::text AS k, to_jsonb(t)::text AS line FROM ${table} t
        WHERE t.organisation_id = $1 AND t.id > ${after}::uuid ORDER BY t.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  /** Who follows which request (the table has no organisation: its requests' is the one). */
  followers(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT f.submission_id::text || ' ' || f.agent AS k, to_jsonb(f)::text AS line
        FROM submission_follower f JOIN submission s ON s.id = f.submission_id
        WHERE s.organisation_id = $1 AND f.submission_id::text || ' ' || f.agent > ${after}
        ORDER BY 1 LIMIT ${limit}`,
      [organisationId],
      this.batch,
      '',
    );
  }

  /** Decision letters' rows without their bytes (`documentContents` reads those). */
  documents(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT d.id::text AS k, d.submission_id, d.filename, (to_jsonb(d) - 'content')::text AS line
        FROM submission_document d WHERE d.organisation_id = $1 AND d.id > ${after}::uuid
        ORDER BY d.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  /** Decision letters' bytes, in the order of `documents`, a few at once in memory. */
  documentContents(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT d.id::text AS k, d.submission_id, d.filename, d.content FROM submission_document d
        WHERE d.organisation_id = $1 AND d.id > ${after}::uuid ORDER BY d.id LIMIT ${limit}`,
      [organisationId],
      20,
    );
  }

  /** Attachments' rows without their storage keys (`attachmentFiles` reads those). */
  attachments(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT a.id::text AS k, a.submission_id, a.filename, a.bytes, (to_jsonb(a) - 'storage_key')::text AS line
        FROM attachment a WHERE a.organisation_id = $1 AND a.id > ${after}::uuid ORDER BY a.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  /** Where each attachment's bytes are in the storage, in the order of `attachments`. */
  attachmentFiles(organisationId: string): AsyncGenerator<Row> {
    return this.keyset(
      (after, limit) => `
        SELECT a.id::text AS k, a.submission_id, a.filename, a.storage_key FROM attachment a
        WHERE a.organisation_id = $1 AND a.id > ${after}::uuid ORDER BY a.id LIMIT ${limit}`,
      [organisationId],
    );
  }

  /**
   * Rows in keyset batches: `query(after, limit)` names the placeholders of the
   * last key seen and of the batch size; each row carries its key as `k` (text).
   */
  private async *keyset(
    query: (after: string, limit: string) => string,
    params: unknown[],
    batch = this.batch,
    start = ZERO_UUID,
  ): AsyncGenerator<Row> {
    const text = query(`$${params.length + 1}`, `$${params.length + 2}`);
    let after = start;
    for (;;) {
      const rows = (await this.db.query(text, [...params, after, batch])) as Row[];
      for (const row of rows) yield row;
      if (rows.length < batch) return;
      after = rows[rows.length - 1]!.k as string;
    }
  }
}
