import { Query, type PoolClient, type QueryArrayConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { Organisation, Service } from '@guichet/persistence';
import { agentNames } from '@guichet/identity';
import type { InboxPage, OrganisationId } from '@guichet/shared';
import type { Cursor, InboxFilter, InboxPageQuery } from './inbox-query';
import { filterSql, inboxPageSql, keyset } from './inbox-sql';

/** One row of an inbox page, as inboxPageSql selects it (`a0`, `a1`…: the chosen answers). */
export interface InboxRow {
  id: string;
  reference: string | null;
  status: string;
  submitted_at: Date | null;
  deadline_at: Date | null;
  group_key: string | null;
  assignee: string | null;
  contact_name: string | null;
  updated_at: Date;
  awaiting_reply_since: Date | null;
  form_version_id: string;
  decided_at: Date | null;
  data?: Record<string, unknown>;
  contact_email?: string | null;
  cursor_key?: string | null;
  [column: `a${number}`]: unknown;
}

/**
 * One request of an export, as its batches select it: an array in this order
 * (pg's `rowMode: 'array'`), not an object per row. The two times are `Date`s,
 * or, when the batch asks for `timesAs`, Paris time already written as text.
 */
export type ExportRow<Time extends Date | string = Date> = [
  id: string,
  reference: string | null,
  status: string,
  submittedAt: Time | null,
  decidedAt: Time | null,
  groupKey: string | null,
  assignee: string | null,
  contactName: string | null,
  contactEmail: string | null,
  formVersionId: string,
  data: Record<string, unknown>,
  /** The sort key as text (times to the microsecond): the next batch starts exactly after this row. */
  cursorKey: string | null,
  /** The names of the request's files by id, when a column holds files (else absent). */
  files?: Record<string, string> | null,
];

/** Where each value sits in an ExportRow. */
export const EXPORT_ROW = {
  id: 0,
  reference: 1,
  status: 2,
  submittedAt: 3,
  decidedAt: 4,
  groupKey: 5,
  assignee: 6,
  contactName: 7,
  contactEmail: 8,
  formVersionId: 9,
  data: 10,
  cursorKey: 11,
  files: 12,
} as const;

/** One export batch: after which row, how many, with the files' names, and how its times come. */
export interface ExportBatch {
  cursor: Cursor | null;
  size: number;
  withFiles: boolean;
  /**
   * The times as text in Paris time, written by PostgreSQL (`to_char` of the
   * time `AT TIME ZONE 'Europe/Paris'` with this pattern, e.g.
   * `YYYY-MM-DD HH24:MI:SS`): no `Date` made from the text only to be written
   * back as text. Without it, `Date`s.
   */
  timesAs?: string;
}

/** The counts of the tabs that every agent of a service shares (all but « Suivis »). */
export type SharedCounts = Omit<InboxPage['counts'], 'suivis'>;

/** A published service an agent's organisations hold, with its organisation's name. */
export interface ServiceRow {
  id: string;
  slug: string;
  title: string;
  organisation_id: string;
  closed_at: Date | null;
  organisation_name: string;
}

/**
 * The statements of the inbox and of the exports: a service's requests as the
 * desk lists, counts and writes them out, and what they show beside them.
 *
 * Tenant: every method takes the service's organisation first, as
 * `Inbox.service` found it. Statements on the organisation's own rows
 * (organisation, form_version, the services list, the export's assignees and
 * versions) scope by it. The inbox's and the exports' statements on
 * `submission` (`page`, `sharedCounts`, `followedCount`, `countMatching`,
 * `exportBatch`) are scoped by the service, which belongs to that one
 * organisation, and keep their text: they are tuned to indexes that lead with
 * `service_id` and hold no `organisation_id` (counts read the index alone),
 * and the benchmark runs the same text. Each method is one round trip, as the
 * code before it was; `serviceInAnyOrganisation`, read before the
 * organisation is known, says so.
 */
export class InboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Any organisation: the service with this slug (unique in the installation).
   * Its caller checks the agent's grants on it (`scopeFor`) before anything
   * else, then hands its organisation to the other methods.
   */
  serviceInAnyOrganisation(slug: string): Promise<Service | null> {
    return this.dataSource.getRepository(Service).findOneBy({ slug });
  }

  organisation(organisationId: OrganisationId): Promise<Organisation> {
    return this.dataSource.getRepository(Organisation).findOneByOrFail({ id: organisationId });
  }

  /** The published services of these organisations, by organisation name then title. */
  servicesOf(organisationIds: readonly OrganisationId[]): Promise<ServiceRow[]> {
    return this.dataSource.query(
      `SELECT v.id, v.slug, v.title, v.organisation_id, v.closed_at, o.name AS organisation_name
         FROM service v JOIN organisation o ON o.id = v.organisation_id
        WHERE v.organisation_id = ANY($1::uuid[]) AND v.latest_version IS NOT NULL
        ORDER BY o.name, v.title`,
      [organisationIds],
    ) as Promise<ServiceRow[]>;
  }

  /** One inbox page, the next page's first row included (inboxPageSql). */
  page(
    _organisationId: OrganisationId,
    serviceId: string,
    actorId: string,
    query: InboxPageQuery,
    groups: readonly string[] | null,
  ): Promise<InboxRow[]> {
    const { sql, params } = inboxPageSql(serviceId, actorId, query, groups);
    return this.dataSource.query(sql, params) as Promise<InboxRow[]>;
  }

  /** The shared tabs' counts of the service (within these groups; null: all). */
  async sharedCounts(
    _organisationId: OrganisationId,
    serviceId: string,
    groups: readonly string[] | null,
  ): Promise<SharedCounts> {
    const rows = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'submitted')::int AS a_traiter,
                count(*) FILTER (WHERE decided_at IS NOT NULL)::int AS traites,
                count(*)::int AS tous
           FROM submission WHERE service_id = $1 AND status <> 'draft'
            AND ($2::varchar[] IS NULL OR group_key = ANY($2::varchar[]))`,
      [serviceId, groups],
    )) as SharedCounts[];
    return rows[0]!;
  }

  /**
   * "Suivis": what the agent holds (counted in IDX_submission_inbox_assignee
   * alone, an index-only scan) plus what they follow without holding it.
   * Never a pass over the whole service, whose size does not matter here.
   */
  async followedCount(_organisationId: OrganisationId, serviceId: string, actorId: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT ((SELECT count(*) FROM submission a
                 WHERE a.assignee = $2 AND a.service_id = $1 AND a.status <> 'draft')
             + (SELECT count(*) FROM submission_follower f JOIN submission s ON s.id = f.submission_id
                 WHERE f.agent = $2 AND s.service_id = $1 AND s.status <> 'draft'
                   AND s.assignee IS DISTINCT FROM $2))::int AS n`,
      [serviceId, actorId],
    )) as Array<{ n: number }>;
    return row!.n;
  }

  /** The agents' names behind these actor ids, an API token's only within this organisation. */
  agentNames(
    organisationId: OrganisationId,
    actors: Iterable<string | null | undefined>,
  ): Promise<Map<string, string>> {
    return agentNames(this.dataSource, actors, [organisationId]);
  }

  /**
   * How many requests the filter holds, counting no further than `atMost + 1`
   * (enough to tell a small export from a large one, without counting a million rows).
   */
  async countMatching(
    _organisationId: OrganisationId,
    serviceId: string,
    actorId: string,
    filter: InboxFilter,
    groups: readonly string[] | null,
    atMost: number,
  ): Promise<number> {
    const { where, params } = filterSql(serviceId, actorId, filter, 1, groups);
    params.push(atMost + 1);
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM submission s WHERE ${where.join(' AND ')} LIMIT $${params.length}) x`,
      params,
    )) as Array<{ n: number }>;
    return row!.n;
  }

  /** Who holds requests of the service (`account:<id>`, `token:<id>`), each once. */
  async assignees(organisationId: OrganisationId, serviceId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT assignee FROM submission WHERE service_id = $1 AND assignee IS NOT NULL AND organisation_id = $2`,
      [serviceId, organisationId],
    )) as Array<{ assignee: string }>;
    return rows.map((row) => row.assignee);
  }

  /** The ids of every version of the service. */
  async versionIds(organisationId: OrganisationId, serviceId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM form_version WHERE service_id = $1 AND organisation_id = $2`,
      [serviceId, organisationId],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /**
   * One batch of an export, in the filter's order after `cursor`: runs on a
   * connection of its own and hands each row to `onRow` as it arrives, without
   * collecting them: rows die young, in V8's young generation, instead of
   * surviving the whole batch's transfer and being promoted (which grew the
   * heap by ~170 MB per collection cycle). Rows are arrays (ExportRow), which
   * pg makes for less than objects. With `withFiles`, each row carries the
   * names of the request's files.
   */
  exportBatch(
    organisationId: OrganisationId,
    serviceId: string,
    actorId: string,
    filter: InboxFilter,
    groups: readonly string[] | null,
    batch: ExportBatch & { timesAs: string },
    onRow: (row: ExportRow<string>) => void,
  ): Promise<void>;
  exportBatch(
    organisationId: OrganisationId,
    serviceId: string,
    actorId: string,
    filter: InboxFilter,
    groups: readonly string[] | null,
    batch: ExportBatch & { timesAs?: undefined },
    onRow: (row: ExportRow) => void,
  ): Promise<void>;
  async exportBatch(
    _organisationId: OrganisationId,
    serviceId: string,
    actorId: string,
    filter: InboxFilter,
    groups: readonly string[] | null,
    batch: ExportBatch,
    onRow: ((row: ExportRow<string>) => void) | ((row: ExportRow) => void),
  ): Promise<void> {
    const { where, params } = filterSql(serviceId, actorId, filter, 1, groups);
    const { orderBy, keyText, after } = keyset(filter.order);
    const clauses = [...where];
    const values = [...params];
    const p = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (batch.cursor) clauses.push(after(batch.cursor, p));
    let times = 's.submitted_at, s.decided_at';
    if (batch.timesAs !== undefined) {
      const pattern = p(batch.timesAs);
      times = `to_char(s.submitted_at AT TIME ZONE 'Europe/Paris', ${pattern}),
                to_char(s.decided_at AT TIME ZONE 'Europe/Paris', ${pattern})`;
    }
    const limit = p(batch.size);
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      await new Promise<void>((resolve, reject) => {
        // The columns in EXPORT_ROW's order.
        const config: QueryArrayConfig = {
          text: `SELECT s.id, s.reference, s.status, ${times}, s.group_key, s.assignee,
                s.contact_name, s.contact_email, s.form_version_id, s.data, ${keyText} AS cursor_key${
                  batch.withFiles
                    ? `, (SELECT jsonb_object_agg(a.id::text, a.filename) FROM attachment a WHERE a.submission_id = s.id) AS files`
                    : ''
                }
           FROM submission s WHERE ${clauses.join(' AND ')} ORDER BY ${orderBy} LIMIT ${limit}`,
          values,
          rowMode: 'array',
        };
        const query = new Query(config);
        // The overloads tie the rows' times to `timesAs`.
        query.on('row', onRow as (row: unknown) => void);
        query.on('error', reject);
        query.on('end', () => resolve());
        void client.query(query);
      });
    } finally {
      await runner.release();
    }
  }
}
