import { parseJsonPointer } from '@guichet/shared';
import type { Cursor, InboxFilter, InboxPageQuery, SortOrder } from './inbox-query';

// The inbox's and the exports' SQL, built as text: InboxRepository runs it, the benchmark runs the same
// (bench/inbox.bench.ts), and the desk migration made indexes for it (docs/desk.md).

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
