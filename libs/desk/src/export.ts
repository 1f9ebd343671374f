import type { DataSource } from 'typeorm';
import { fieldPointers, readPointer, type JsonSchema, type ServiceDefinition } from '@guichet/shared';
import { fieldSchema } from '@guichet/submissions';
import { stateLabel } from '@guichet/workflow';
import { filterSql, orderSql, type DeskActor, type Inbox } from './inbox';
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
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return text.includes(separator) || /["\r\n]/.test(text) || text.startsWith("'")
    ? `"${text.replace(/"/g, '""')}"`
    : text;
}

const BATCH = 2000;

/**
 * The current filter as CSV (UTF-8 with BOM, `,` or `;`) or JSON Lines,
 * streamed in keyset batches: memory stays flat whatever the number of rows.
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
  const { service, definition } = await inbox.service(slug, actor);
  const { format: requested, sep, ...rest } = raw;
  const format: ExportFormat = requested === 'jsonl' ? 'jsonl' : 'csv';
  const separator = sep === 'semicolon' ? ';' : ',';
  const filter = parseInboxQuery(rest, definition.schema, false);
  const columns = answerColumns((definition as ServiceDefinition).schema);
  const fixed = ['Référence', 'Statut', 'Déposée le', 'Décidée le', 'Groupe', 'Agent', 'Nom', 'Courriel'];
  if (format === 'csv') {
    await write(
      `\uFEFF${[...fixed, ...columns.map((c) => c.title)].map((c) => csvCell(c, separator)).join(separator)}\r\n`,
    );
  }
  const { where, params } = filterSql(service.id, actor.id, filter);
  const { order, key, op } = orderSql(filter.sort);
  let cursor: { at: Date; id: string } | null = null;
  let total = 0;
  for (;;) {
    const clauses = [...where];
    const values = [...params];
    if (cursor) {
      values.push(cursor.at, cursor.id);
      clauses.push(`(s.${key}, s.id) ${op} ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(BATCH);
    const rows = (await dataSource.query(
      `SELECT s.id, s.reference, s.status, s.submitted_at, s.decided_at, s.deadline_at, s.group_key, s.assignee,
              s.contact_name, s.contact_email, s.form_version_id, s.data
         FROM submission s WHERE ${clauses.join(' AND ')} ORDER BY ${order} LIMIT $${values.length}`,
      values,
    )) as Array<{
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
    }>;
    if (rows.length === 0) break;
    let chunk = '';
    for (const row of rows) {
      const label = stateLabel(await inbox.workflowOf(row.form_version_id), row.status);
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
        const cells = [
          row.reference,
          label,
          row.submitted_at?.toISOString(),
          row.decided_at?.toISOString(),
          row.group_key,
          row.assignee,
          row.contact_name,
          row.contact_email,
          ...columns.map((c) => readPointer(row.data, c.pointer)),
        ];
        chunk += `${cells.map((c) => csvCell(c, separator)).join(separator)}\r\n`;
      }
    }
    await write(chunk);
    total += rows.length;
    const last = rows.at(-1)!;
    cursor = { at: last[key]!, id: last.id };
    if (rows.length < BATCH) break;
  }
  return total;
}
