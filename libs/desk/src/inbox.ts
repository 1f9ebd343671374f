import type { DataSource } from 'typeorm';
import { FormVersion, Organisation, Service } from '@guichet/persistence';
import { FormVersions } from '@guichet/submissions';
import {
  AppError,
  parseJsonPointer,
  type DeskService,
  type DeskServiceView,
  type InboxItem,
  type InboxPage,
  type ServiceDefinition,
} from '@guichet/shared';
import { isFinal, stateLabel, workflowOf, type WorkflowDefinition } from '@guichet/workflow';
import { agentNames } from '@guichet/identity';
import {
  encodeCursor,
  parseInboxQuery,
  type Cursor,
  type InboxFilter,
  type InboxPageQuery,
  type SortOrder,
} from './inbox-query';
import { scopeFor, type DeskActor, type Scope } from './access';

export type { DeskActor } from './access';
export type { DeskService, DeskServiceView, InboxItem, InboxPage };

interface Row {
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

/** A path of the answers as an SQL text[] literal: its segments come from the form's own field names. */
function pathLiteral(path: readonly string[]): string {
  return `ARRAY[${path.map((segment) => `'${segment.replace(/'/g, "''")}'`).join(',')}]::text[]`;
}

/** A number answer as numeric, or NULL when the stored value is not a number (never a failed cast). */
function numberAt(path: string): string {
  return `(CASE WHEN jsonb_typeof(s.data #> ${path}) = 'number' THEN (s.data #> ${path})::numeric END)`;
}

/**
 * The SQL of an order: `ORDER BY`, the sort key as text for cursors (times
 * to the microsecond: a Date keeps milliseconds only, and a cursor rounded
 * down would skip rows of the same millisecond), and the condition of the
 * rows after a cursor. Rows without a key come last in both directions, then
 * by id. Dates of submission use their index (keyset on (submitted_at, id));
 * other orders sort the rows the filter keeps, which is bounded by the
 * service's requests (see docs/desk.md).
 */
export function keyset(order: SortOrder): {
  orderBy: string;
  keyText: string;
  /** The sort expression, for a query that selects it to sort its branches' rows again. */
  expr: string;
  /** The same order over a subquery's `sort_key` and `id` columns. */
  orderByKey: string;
  after: (cursor: Cursor, p: (value: unknown) => string) => string;
} {
  const expr =
    order.column === 'answer'
      ? order.type === 'number'
        ? numberAt(pathLiteral(order.path!))
        : `(s.data #>> ${pathLiteral(order.path!)})`
      : `s.${order.column}`;
  const cast = order.type === 'time' ? 'timestamptz' : order.type === 'number' ? 'numeric' : 'text';
  const dir = order.desc ? 'DESC' : 'ASC';
  const op = order.desc ? '<' : '>';
  const keyText =
    order.type === 'time'
      ? `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
      : order.type === 'number'
        ? `${expr}::text`
        : expr;
  return {
    orderBy: order.nullable ? `${expr} ${dir} NULLS LAST, s.id ${dir}` : `${expr} ${dir}, s.id ${dir}`,
    keyText,
    expr,
    orderByKey: order.nullable ? `s.sort_key ${dir} NULLS LAST, s.id ${dir}` : `s.sort_key ${dir}, s.id ${dir}`,
    after: (cursor, p) => {
      const id = `${p(cursor.id)}::uuid`;
      if (!order.nullable) return `(${expr}, s.id) ${op} (${p(cursor.key)}::${cast}, ${id})`;
      if (cursor.key === null) return `(${expr} IS NULL AND s.id ${op} ${id})`;
      const key = `${p(cursor.key)}::${cast}`;
      return `(${expr} ${op} ${key} OR (${expr} = ${key} AND s.id ${op} ${id}) OR ${expr} IS NULL)`;
    },
  };
}

/** The SQL of a filter: `WHERE` conditions and their parameters, drafts always left out. */
export function filterSql(
  serviceId: string,
  actorId: string,
  filter: InboxFilter,
  first = 1,
  groups: readonly string[] | null = null,
) {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  const where = [`s.service_id = ${p(serviceId)}`, `s.status <> 'draft'`];
  // An agent of some routing groups only sees those groups' requests.
  if (groups !== null) where.push(`s.group_key = ANY(${p(groups)}::varchar[])`);
  if (filter.tab === 'a_traiter') where.push(`s.status = 'submitted'`);
  if (filter.tab === 'traites') where.push(`s.decided_at IS NOT NULL`);
  if (filter.tab === 'suivis') {
    const me = p(actorId);
    // A small set (what one agent holds or follows), found through its own indexes, then sorted.
    where.push(
      `s.id IN (SELECT a.id FROM submission a WHERE a.assignee = ${me} AND a.status <> 'draft' UNION SELECT f.submission_id FROM submission_follower f WHERE f.agent = ${me})`,
    );
  }
  if (filter.statuses.length) where.push(`s.status = ANY(${p(filter.statuses)}::varchar[])`);
  if (filter.assignee === 'none') where.push(`s.assignee IS NULL`);
  else if (filter.assignee === 'me') where.push(`s.assignee = ${p(actorId)}`);
  else if (filter.assignee) where.push(`s.assignee = ${p(filter.assignee)}`);
  if (filter.group) where.push(`s.group_key = ${p(filter.group)}`);
  if (filter.awaiting === true) where.push(`s.awaiting_reply_since IS NOT NULL`);
  else if (filter.awaiting === false) where.push(`s.awaiting_reply_since IS NULL`);
  if (filter.from) where.push(`s.submitted_at >= ${p(filter.from)}`);
  if (filter.to) where.push(`s.submitted_at < ${p(filter.to)}`);
  for (const answer of filter.answers) {
    if (answer.kind === 'equals') where.push(`s.data @> ${p(JSON.stringify(answer.contains))}::jsonb`);
    else if (answer.type === 'number')
      where.push(`${numberAt(`${p(answer.path)}::text[]`)} ${answer.op} ${p(answer.value)}::numeric`);
    // ISO dates compare as text as the calendar does; a value that is not a date (old versions) may still match.
    else where.push(`(s.data #>> ${p(answer.path)}::text[]) ${answer.op} ${p(answer.value)}::text`);
  }
  if (filter.terms.length)
    where.push(`s.search @@ to_tsquery('simple', ${p(filter.terms.map((t) => `${t}:*`).join(' & '))})`);
  if (filter.order.column === 'deadline_at') where.push(`s.deadline_at IS NOT NULL`);
  return { where, params };
}

/**
 * The statement of one inbox page (the next page's first row included, to know there is one): the filter, the
 * cursor, the chosen answers. « Suivis » is two sets, each read in the page's order and limited to a page — what
 * the agent holds, from IDX_submission_inbox_assignee, however much they hold, then what they follow without
 * holding it — merged into one page; every other filter applies to both. The benchmark runs this very statement.
 */
export function inboxPageSql(
  serviceId: string,
  actorId: string,
  query: InboxPageQuery,
  groups: readonly string[] | null,
): { sql: string; params: unknown[] } {
  const followed = query.tab === 'suivis';
  const { where, params } = filterSql(serviceId, actorId, followed ? { ...query, tab: 'tous' } : query, 1, groups);
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const { orderBy, keyText, expr, orderByKey, after } = keyset(query.order);
  if (query.cursor) where.push(after(query.cursor, p));
  // The chosen answers only, not the whole document: `data #> '{association,name}'`.
  const answers = query.columns.map((pointer, i) => `, s.data #> ${p(parseJsonPointer(pointer))}::text[] AS a${i}`);
  const limit = p(query.limit + 1);
  const select = `SELECT s.id, s.reference, s.status, s.submitted_at, s.deadline_at, s.group_key, s.assignee, s.contact_name,
              s.updated_at, s.awaiting_reply_since, s.form_version_id, s.decided_at, ${keyText} AS cursor_key${answers.join('')}`;
  if (!followed)
    return {
      sql: `${select} FROM submission s WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ${limit}`,
      params,
    };
  const me = p(actorId);
  const branch = (condition: string) =>
    `(${select}, ${expr} AS sort_key FROM submission s WHERE ${[...where, condition].join(' AND ')} ORDER BY ${orderBy} LIMIT ${limit})`;
  const held = branch(`s.assignee = ${me}`);
  const followedOnly = branch(
    `s.assignee IS DISTINCT FROM ${me} AND EXISTS (SELECT 1 FROM submission_follower f WHERE f.submission_id = s.id AND f.agent = ${me})`,
  );
  return { sql: `SELECT * FROM (${held} UNION ALL ${followedOnly}) s ORDER BY ${orderByKey} LIMIT ${limit}`, params };
}

const COUNTS_TTL_MS = 10_000;
/** Past this age a count is not answered while it is made again: the agent waits for a fresh one. */
const COUNTS_STALE_MS = 60_000;

/** The shared counts of one service (and groups): when they were asked, their answer, whether it came. */
interface CountsEntry {
  at: number;
  value: Promise<Omit<InboxPage['counts'], 'suivis'>>;
  counted: boolean;
  refreshing: boolean;
}

/**
 * The caseworkers' inbox of one service: filters, free-text search, answers
 * by value, keyset pagination (no OFFSET: page 500 costs what page 1 costs),
 * and counts per tab. Counts other than "Suivis" are shared by every agent
 * of the service and may lag by up to ten seconds.
 */
export class Inbox {
  private readonly counts = new Map<string, CountsEntry>();

  private readonly versions: FormVersions;

  constructor(private readonly dataSource: DataSource) {
    this.versions = FormVersions.of(dataSource);
  }

  /** The service and what the actor may do on it, if they work on it; "not found" otherwise. */
  async service(
    slug: string,
    actor: DeskActor,
  ): Promise<{ service: Service; definition: ServiceDefinition; scope: Scope }> {
    if (!/^[a-z0-9-]{1,63}$/.test(slug)) throw new AppError('NOT_FOUND');
    const service = await this.dataSource.getRepository(Service).findOneBy({ slug });
    const scope = service ? scopeFor(actor, service) : null;
    if (!service || !scope || service.latestVersion === null) throw new AppError('NOT_FOUND');
    const version = await this.dataSource.getRepository(FormVersion).findOneByOrFail({
      serviceId: service.id,
      organisationId: service.organisationId,
      number: service.latestVersion,
    });
    return { service, definition: version.definition as unknown as ServiceDefinition, scope };
  }

  async list(slug: string, actor: DeskActor, raw: Record<string, unknown>): Promise<InboxPage> {
    const { service, definition, scope } = await this.service(slug, actor);
    const query: InboxPageQuery = parseInboxQuery(raw, definition.schema, true, definition.uiSchema);
    const { sql, params } = inboxPageSql(service.id, actor.id, query, scope.groups);
    // The page and the counts at once, on two connections of the pool.
    const [rows, counts, suivis] = await Promise.all([
      this.dataSource.query(sql, params) as Promise<Row[]>,
      this.sharedCounts(service.id, scope.groups),
      this.followedCount(service.id, actor.id),
    ]);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    const names = await agentNames(
      this.dataSource,
      page.map((row) => row.assignee),
      [service.organisationId],
    );
    return {
      items: await Promise.all(page.map((row) => this.item(row, query.columns, names))),
      nextCursor: more && last ? encodeCursor(query.sort, last.cursor_key ?? null, last.id) : null,
      counts: { ...counts, suivis },
    };
  }

  private async item(row: Row, columns: readonly string[], names: ReadonlyMap<string, string>): Promise<InboxItem> {
    const answers: Record<string, unknown> = {};
    columns.forEach((pointer, i) => {
      const value = row[`a${i}`];
      if (value !== null && value !== undefined) answers[pointer] = value;
    });
    return {
      id: row.id,
      reference: row.reference,
      status: row.status,
      statusLabel: stateLabel(await this.workflowOf(row.form_version_id), row.status),
      submittedAt: row.submitted_at?.toISOString() ?? null,
      deadlineAt: row.deadline_at?.toISOString() ?? null,
      group: row.group_key,
      assignee: row.assignee,
      assigneeName: row.assignee ? (names.get(row.assignee) ?? null) : null,
      contactName: row.contact_name,
      updatedAt: row.updated_at.toISOString(),
      awaitingReplySince: row.awaiting_reply_since?.toISOString() ?? null,
      answers,
    };
  }

  async describe(slug: string, actor: DeskActor): Promise<DeskServiceView> {
    const { service, definition, scope } = await this.service(slug, actor);
    const [organisation, counts, suivis] = await Promise.all([
      this.dataSource.getRepository(Organisation).findOneByOrFail({ id: service.organisationId }),
      this.sharedCounts(service.id, scope.groups),
      this.followedCount(service.id, actor.id),
    ]);
    const workflow = workflowOf(definition);
    return {
      slug: service.slug,
      title: service.title,
      organisation: { id: organisation.id, name: organisation.name },
      closed: service.closedAt !== null,
      counts: { ...counts, suivis },
      states: Object.entries(workflow.states)
        .filter(([name]) => name !== 'draft')
        .map(([name, state]) => ({ name, label: stateLabel(workflow, name), final: state.final === true })),
      transitions: workflow.transitions
        .filter((t) => t.by.includes('caseworker'))
        .map((t) => ({
          name: t.name,
          label: t.label,
          from: [...t.from],
          commentRequired: t.commentRequired === true,
          final: isFinal(workflow, t.to),
        })),
      definition,
    };
  }

  /** The published services the agent works on (their grants' union), with each one's counts. */
  async services(actor: DeskActor): Promise<DeskService[]> {
    if (actor.organisationIds.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT v.id, v.slug, v.title, v.organisation_id, v.closed_at, o.name AS organisation_name
         FROM service v JOIN organisation o ON o.id = v.organisation_id
        WHERE v.organisation_id = ANY($1::uuid[]) AND v.latest_version IS NOT NULL
        ORDER BY o.name, v.title`,
      [actor.organisationIds],
    )) as Array<{
      id: string;
      slug: string;
      title: string;
      organisation_id: string;
      closed_at: Date | null;
      organisation_name: string;
    }>;
    const mine = rows.flatMap((row) => {
      const scope = scopeFor(actor, { id: row.id, organisationId: row.organisation_id });
      return scope ? [{ row, scope }] : [];
    });
    return Promise.all(
      mine.map(async ({ row, scope }) => {
        const [counts, suivis] = await Promise.all([
          this.sharedCounts(row.id, scope.groups),
          this.followedCount(row.id, actor.id),
        ]);
        return {
          slug: row.slug,
          title: row.title,
          organisation: { id: row.organisation_id, name: row.organisation_name },
          closed: row.closed_at !== null,
          counts: { ...counts, suivis },
        };
      }),
    );
  }

  async workflowOf(formVersionId: string): Promise<WorkflowDefinition> {
    return (await this.versions.get(formVersionId)).workflow;
  }

  private sharedCounts(
    serviceId: string,
    groups: readonly string[] | null,
  ): Promise<Omit<InboxPage['counts'], 'suivis'>> {
    const cacheKey = groups === null ? serviceId : `${serviceId}:${[...groups].sort().join(',')}`;
    const cached = this.counts.get(cacheKey);
    const age = cached ? Date.now() - cached.at : Infinity;
    if (cached && age < COUNTS_TTL_MS) return cached.value;
    // A little older, and counted: answered at once while a fresh count is made for the next ones (at 1,000,000
    // requests a count is a parallel scan of the service: no agent waits for it but the first).
    if (cached?.counted && age < COUNTS_STALE_MS) {
      if (!cached.refreshing) {
        cached.refreshing = true;
        void this.countShared(cacheKey, serviceId, groups).catch(() => (cached.refreshing = false));
      }
      return cached.value;
    }
    return this.countShared(cacheKey, serviceId, groups);
  }

  /** Counts the shared tabs and keeps the answer (a failed count is forgotten, not kept). */
  private countShared(
    cacheKey: string,
    serviceId: string,
    groups: readonly string[] | null,
  ): Promise<Omit<InboxPage['counts'], 'suivis'>> {
    const value = this.dataSource
      .query(
        `SELECT count(*) FILTER (WHERE status = 'submitted')::int AS a_traiter,
                count(*) FILTER (WHERE decided_at IS NOT NULL)::int AS traites,
                count(*)::int AS tous
           FROM submission WHERE service_id = $1 AND status <> 'draft'
            AND ($2::varchar[] IS NULL OR group_key = ANY($2::varchar[]))`,
        [serviceId, groups],
      )
      .then((rows: Array<Omit<InboxPage['counts'], 'suivis'>>) => rows[0]!);
    const entry: CountsEntry = { at: Date.now(), value, counted: false, refreshing: false };
    value.then(
      () => {
        entry.counted = true;
        // A refresh replaces the stale entry only once it has its answer.
        if (this.counts.size > 1000) this.counts.clear();
        this.counts.set(cacheKey, entry);
      },
      () => {
        if (this.counts.get(cacheKey) === entry) this.counts.delete(cacheKey);
      },
    );
    if (!this.counts.get(cacheKey)?.counted) this.counts.set(cacheKey, entry);
    return value;
  }

  /**
   * "Suivis": what the agent holds (counted in IDX_submission_inbox_assignee
   * alone, an index-only scan) plus what they follow without holding it.
   * Never a pass over the whole service, whose size does not matter here.
   */
  private async followedCount(serviceId: string, actorId: string): Promise<number> {
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
}
