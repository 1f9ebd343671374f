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
 * Characters written at once. Kept small: a string over V8's regular object
 * size goes to the old generation, which is collected rarely, and a million
 * rows written in large chunks would grow the heap by hundreds of megabytes.
 */
const FLUSH_AT = 32 * 1024;

interface ExportRow {
  id: string;
  reference: string | null;
  status: string;
  submitted_at: Date | null;
  decided_at: Date | null;
  deadline_at: Date | null;
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
 * The current filter as CSV (UTF-8 with BOM, `,` or `;`) or JSON Lines,
 * streamed in keyset batches: memory stays flat whatever the number of rows.
 * The next batch is read while the current one is written out.
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
  const { where, params } = filterSql(service.id, actor.id, filter, 1, scope.groups);
  const { order, key, op } = orderSql(filter.sort);
  const batch = (cursor: { at: string; id: string } | null): Promise<ExportRow[]> => {
    const clauses = [...where];
    const values = [...params];
    if (cursor) {
      values.push(cursor.at, cursor.id);
      clauses.push(`(s.${key}, s.id) ${op} ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(BATCH);
    return dataSource.query(
      `SELECT s.id, s.reference, s.status, s.submitted_at, s.decided_at, s.deadline_at, s.group_key, s.assignee,
              s.contact_name, s.contact_email, s.form_version_id, s.data,
              ${cursorAt(key)} AS cursor_at
         FROM submission s WHERE ${clauses.join(' AND ')} ORDER BY ${order} LIMIT $${values.length}`,
      values,
    ) as Promise<ExportRow[]>;
  };
  const workflows = new Map<string, WorkflowDefinition>();
  let total = 0;
  let next = batch(null);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    const last = rows.at(-1)!;
    const more = rows.length === BATCH;
    if (more) {
      next = batch({ at: last.cursor_at, id: last.id });
      // Awaited on the next turn; if writing fails first, its rejection is not left unhandled.
      next.catch(() => undefined);
    }
    for (const row of rows)
      if (!workflows.has(row.form_version_id))
        workflows.set(row.form_version_id, await inbox.workflowOf(row.form_version_id));
    let chunk = '';
    for (const row of rows) {
      const label = stateLabel(workflows.get(row.form_version_id)!, row.status);
      if (format === 'jsonl') {
        chunk += `${JSON.stringify({
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
      } else {
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
        chunk += `${line}\r\n`;
      }
      if (chunk.length >= FLUSH_AT) {
        await write(chunk);
        chunk = '';
      }
    }
    if (chunk) await write(chunk);
    total += rows.length;
    if (!more) break;
  }
  return total;
}
