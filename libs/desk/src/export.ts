import { Query, type PoolClient, type QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { fieldPointers, parseJsonPointer, type JsonSchema, type ServiceDefinition } from '@guichet/shared';
import { fieldSchema } from '@guichet/submissions';
import { stateLabel, type WorkflowDefinition } from '@guichet/workflow';
import { cursorAt, filterSql, orderSql, type DeskActor, type Inbox } from './inbox';
import { parseInboxQuery } from './inbox-query';

export type ExportFormat = 'csv' | 'jsonl';

export interface Column {
  title: string;
  pointer: string;
  /** A repeatable group: exported as JSON text in one cell. */
  list: boolean;
}

/** The answers' columns, in schema order: every leaf field, and repeatable groups as one column each. */
export function answerColumns(schema: JsonSchema): Column[] {
  const pointers = [...fieldPointers(schema)];
  const columns: Column[] = [];
  for (const pointer of pointers) {
    if (pointer.includes('*')) continue;
    const sub = fieldSchema(schema, pointer);
    const isList =
      !!sub && typeof sub === 'object' && sub.type === 'array' && pointers.some((p) => p.startsWith(`${pointer}/*`));
    const hasChildren = pointers.some((p) => p.startsWith(`${pointer}/`) && !p.startsWith(`${pointer}/*`));
    if (hasChildren && !isList) continue;
    const title = sub && typeof sub === 'object' && typeof sub.title === 'string' ? sub.title : pointer;
    columns.push({ title, pointer, list: isList });
  }
  return columns;
}

/**
 * One CSV cell. A cell a spreadsheet would run as a formula (`=`, `+`, `-`,
 * `@`, tab, carriage return first) is prefixed with `'`; quotes, separators
 * and line breaks are quoted.
 */
export function csvCell(value: unknown, separator: string): string {
  let text =
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : typeof value === 'boolean'
          ? value
            ? 'oui'
            : 'non'
          : typeof value === 'number'
            ? String(value)
            : JSON.stringify(value);
  if (text === '') return text;
  // = + - @ tab CR
  const first = text.charCodeAt(0);
  if (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13) text = `'${text}`;
  return text.charCodeAt(0) === 39 || text.includes(separator) || SPECIAL.test(text)
    ? `"${text.replace(/"/g, '""')}"`
    : text;
}

const SPECIAL = /["\r\n]/;
const INDEX = /^(0|[1-9]\d*)$/;

/** readPointer (@guichet/shared) for one pointer without `*`, parsed once instead of once per row. */
function pointerReader(pointer: string): (data: unknown) => unknown {
  const steps = parseJsonPointer(pointer).map((key) => ({ key, index: INDEX.test(key) ? Number(key) : -1 }));
  return (data) => {
    let current = data;
    for (const step of steps) {
      if (Array.isArray(current)) {
        if (step.index < 0) return undefined;
        current = current[step.index] as unknown;
      } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, step.key)) {
        current = (current as Record<string, unknown>)[step.key];
      } else {
        return undefined;
      }
    }
    return current;
  };
}

const BATCH = 2000;
/**
 * Characters handed to `write` at once. Kept small: a string over V8's
 * regular object size goes straight to the old generation, collected rarely,
 * and a million rows written in large chunks grow the heap by hundreds of MB.
 */
const FLUSH_AT = 32 * 1024;

interface ExportRow extends QueryResultRow {
  id: string;
  reference: string | null;
  status: string;
  submitted_at: Date | null;
  decided_at: Date | null;
  group_key: string | null;
  assignee: string | null;
  contact_name: string | null;
  contact_email: string | null;
  form_version_id: string;
  data: Record<string, unknown>;
  /** The sort key as text, to the microsecond: the next batch starts exactly after this row. */
  cursor_at: string;
}

/**
 * Runs one statement on a connection of its own and hands each row to
 * `onRow` as it arrives, without collecting them: rows die young, in V8's
 * young generation, instead of surviving the whole batch's transfer and
 * being promoted (which grew the heap by ~170 MB per collection cycle).
 */
async function eachRow<R extends QueryResultRow>(
  dataSource: DataSource,
  text: string,
  values: unknown[],
  onRow: (row: R) => void,
) {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    await new Promise<void>((resolve, reject) => {
      const query = new Query<R>(text, values);
      query.on('row', (row: R) => onRow(row));
      query.on('error', reject);
      query.on('end', () => resolve());
      void client.query(query);
    });
  } finally {
    await runner.release();
  }
}

/**
 * The current filter as CSV (UTF-8 with BOM, `,` or `;`) or JSON Lines, in
 * keyset batches: each batch is turned into text as its rows arrive, then
 * written out once the connection is back in the pool (a slow reader holds
 * no connection). Memory stays flat whatever the number of rows.
 * `write` returns a promise that resolves when the consumer can take more.
 */
export async function exportRequests(
  dataSource: DataSource,
  inbox: Inbox,
  slug: string,
  actor: DeskActor,
  raw: Record<string, unknown>,
  write: (chunk: string) => Promise<void>,
): Promise<number> {
  const { service, definition, scope } = await inbox.service(slug, actor);
  const { format: requested, sep, ...rest } = raw;
  const format: ExportFormat = requested === 'jsonl' ? 'jsonl' : 'csv';
  const separator = sep === 'semicolon' ? ';' : ',';
  const filter = parseInboxQuery(rest, definition.schema, false);
  const columns = answerColumns((definition as ServiceDefinition).schema);
  const readers = columns.map((c) => pointerReader(c.pointer));
  const fixed = ['Référence', 'Statut', 'Déposée le', 'Décidée le', 'Groupe', 'Agent', 'Nom', 'Courriel'];
  if (format === 'csv') {
    await write(
      `\uFEFF${[...fixed, ...columns.map((c) => c.title)].map((c) => csvCell(c, separator)).join(separator)}\r\n`,
    );
  }
  // Rows are turned into text as they arrive, synchronously: the workflows of every version are loaded first.
  const workflows = new Map<string, WorkflowDefinition>();
  const versions = (await dataSource.query(`SELECT id FROM form_version WHERE service_id = $1`, [
    service.id,
  ])) as Array<{ id: string }>;
  for (const { id } of versions) workflows.set(id, await inbox.workflowOf(id));
  const lineOf = (row: ExportRow): string => {
    const workflow = workflows.get(row.form_version_id);
    const label = workflow ? stateLabel(workflow, row.status) : row.status;
    if (format === 'jsonl') {
      return `${JSON.stringify({
        id: row.id,
        reference: row.reference,
        status: row.status,
        statusLabel: label,
        submittedAt: row.submitted_at,
        decidedAt: row.decided_at,
        group: row.group_key,
        assignee: row.assignee,
        data: row.data,
      })}\n`;
    }
    let line =
      csvCell(row.reference, separator) +
      separator +
      csvCell(label, separator) +
      separator +
      csvCell(row.submitted_at?.toISOString(), separator) +
      separator +
      csvCell(row.decided_at?.toISOString(), separator) +
      separator +
      csvCell(row.group_key, separator) +
      separator +
      csvCell(row.assignee, separator) +
      separator +
      csvCell(row.contact_name, separator) +
      separator +
      csvCell(row.contact_email, separator);
    for (const read of readers) line += separator + csvCell(read(row.data), separator);
    return `${line}\r\n`;
  };

  const { where, params } = filterSql(service.id, actor.id, filter, 1, scope.groups);
  const { order, key, op } = orderSql(filter.sort);
  let cursor: { at: string; id: string } | null = null;
  let total = 0;
  for (;;) {
    const clauses = [...where];
    const values = [...params];
    if (cursor) {
      values.push(cursor.at, cursor.id);
      clauses.push(`(s.${key}, s.id) ${op} ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(BATCH);
    const pieces: string[] = [];
    let chunk = '';
    const batch = { count: 0, last: null as { at: string; id: string } | null };
    await eachRow<ExportRow>(
      dataSource,
      `SELECT s.id, s.reference, s.status, s.submitted_at, s.decided_at, s.group_key, s.assignee,
              s.contact_name, s.contact_email, s.form_version_id, s.data, ${cursorAt(key)} AS cursor_at
         FROM submission s WHERE ${clauses.join(' AND ')} ORDER BY ${order} LIMIT $${values.length}`,
      values,
      (row) => {
        batch.count++;
        batch.last = { at: row.cursor_at, id: row.id };
        chunk += lineOf(row);
        if (chunk.length >= FLUSH_AT) {
          pieces.push(chunk);
          chunk = '';
        }
      },
    );
    if (chunk) pieces.push(chunk);
    for (const piece of pieces) await write(piece);
    total += batch.count;
    if (batch.count < BATCH || !batch.last) break;
    cursor = batch.last;
  }
  return total;
}
