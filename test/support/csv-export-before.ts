import { Query, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import {
  chosenColumns,
  filterSql,
  keyset,
  parseInboxQuery,
  pointerReader,
  ZoneOffsets,
  type Cursor,
  type DeskActor,
  type Inbox,
} from '@guichet/desk';
import { answerText } from '@guichet/shared';
import { stateLabel, type WorkflowDefinition } from '@guichet/workflow';

/**
 * The CSV export as it was written before it was made faster (libs/desk's
 * `exportRequests` and `exportBatch` at f50622b, CSV path only), kept frozen
 * as the reference a test compares the shipped code with, byte for byte:
 * rows as objects with pg's own parsers (timestamps as `Date`s), Paris time
 * computed in JavaScript, every cell through the old `csvCell`. Do not
 * « fix » this file: it is what the bytes must stay. (What the change left
 * as it was, `ZoneOffsets` and `pointerReader`, is imported, not copied.)
 */

type Column = ReturnType<typeof chosenColumns>[number];
type AnswerValue = string | number | { day: string } | null;

interface Row {
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
  cursor_key: string | null;
  files?: Record<string, string> | null;
}

const isFileColumn = (c: Column) => c.model?.kind === 'file' || c.model?.kind === 'files';

function answerValue(column: Column, value: unknown, fileName?: (id: string) => string | undefined): AnswerValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' && !column.model) return value ? 'Oui' : 'Non';
  if (column.list || !column.model)
    return typeof value === 'string' || typeof value === 'number' ? value : JSON.stringify(value);
  if (column.kind === 'number' && typeof value === 'number') return value;
  if (typeof value === 'string' && (column.model.inputType === 'date' || column.model.inputType === 'datetime-local'))
    return column.kind === 'day' ? { day: value } : value;
  return answerText(column.model, value, { fileName });
}

const SPECIAL = /["\r\n]/;

/** The old `csvCell`, for a test to compare the new one with on any value and separator. */
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
  const first = text.charCodeAt(0);
  if (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13) text = `'${text}`;
  return text.charCodeAt(0) === 39 || text.includes(separator) || SPECIAL.test(text)
    ? `"${text.replace(/"/g, '""')}"`
    : text;
}

class CsvStyle {
  private readonly zone = new ZoneOffsets('Europe/Paris');

  constructor(readonly french: boolean) {}

  dateTime(date: Date | null): string | null {
    if (!date) return null;
    const ms = date.getTime();
    if (Number.isNaN(ms)) return null;
    const local = new Date(ms + this.zone.at(ms)).toISOString();
    const time = local.slice(11, 19);
    return this.french ? `${this.day(local.slice(0, 10))} ${time}` : `${local.slice(0, 10)} ${time}`;
  }

  day(iso: string): string {
    return this.french && /^\d{4}-\d{2}-\d{2}$/.test(iso)
      ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`
      : iso;
  }

  number(value: number): string {
    const text = String(value);
    return this.french ? text.replace('.', ',') : text;
  }

  value(value: AnswerValue): string | null {
    if (value === null) return null;
    if (typeof value === 'object') return this.day(value.day);
    return typeof value === 'number' ? this.number(value) : value;
  }
}

/** The CSV export of `raw`'s filter (`sep`, `columns`, `sort`…) as the old code wrote it, in batches of `batchSize`. */
export async function csvExportBefore(
  dataSource: DataSource,
  inbox: Inbox,
  slug: string,
  actor: DeskActor,
  raw: Record<string, unknown>,
  batchSize = 2000,
): Promise<Buffer> {
  const { service, organisationId, definition, scope } = await inbox.service(slug, actor);
  const { repository } = inbox;
  const { format: _format, sep, ...rest } = raw;
  const separator = sep === 'semicolon' ? ';' : ',';
  const filter = parseInboxQuery(rest, definition.schema, false, definition.uiSchema);
  const columns = chosenColumns(definition, filter.columns);
  const style = new CsvStyle(separator === ';');
  const names = await repository.agentNames(organisationId, await repository.assignees(organisationId, service.id));
  const agentName = (assignee: string | null) => (assignee ? (names.get(assignee) ?? 'Agent sans nom connu') : null);
  const readers = columns.map((c) => pointerReader(c.pointer));
  const withFiles = columns.some(isFileColumn);
  const dated = ' (heure de Paris)';
  const fixed = [
    'Référence',
    'Statut',
    `Déposée le${dated}`,
    `Décidée le${dated}`,
    'Groupe',
    'Agent',
    'Nom',
    'Courriel',
  ];
  let out = `\uFEFF${[...fixed, ...columns.map((c) => c.title)].map((c) => csvCell(c, separator)).join(separator)}\r\n`;
  const workflows = new Map<string, WorkflowDefinition>();
  for (const id of await repository.versionIds(organisationId, service.id))
    workflows.set(id, await inbox.workflowOf(id));
  const lineOf = (row: Row): string => {
    const workflow = workflows.get(row.form_version_id);
    const label = workflow ? stateLabel(workflow, row.status) : row.status;
    let line =
      csvCell(row.reference, separator) +
      separator +
      csvCell(label, separator) +
      separator +
      csvCell(style.dateTime(row.submitted_at), separator) +
      separator +
      csvCell(style.dateTime(row.decided_at), separator) +
      separator +
      csvCell(row.group_key, separator) +
      separator +
      csvCell(agentName(row.assignee), separator) +
      separator +
      csvCell(row.contact_name, separator) +
      separator +
      csvCell(row.contact_email, separator);
    const files = row.files;
    const fileName = files ? (id: string) => (Object.hasOwn(files, id) ? files[id] : undefined) : undefined;
    for (let i = 0; i < readers.length; i++)
      line += separator + csvCell(style.value(answerValue(columns[i]!, readers[i]!(row.data), fileName)), separator);
    return `${line}\r\n`;
  };

  let cursor: Cursor | null = null;
  for (;;) {
    const { where, params } = filterSql(service.id, actor.id, filter, 1, scope.groups);
    const { orderBy, keyText, after } = keyset(filter.order);
    const clauses = [...where];
    const values = [...params];
    if (cursor) {
      const at: Cursor = cursor;
      clauses.push(
        after(at, (value) => {
          values.push(value);
          return `$${values.length}`;
        }),
      );
    }
    values.push(batchSize);
    const rows: Row[] = [];
    const runner = dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      await new Promise<void>((resolve, reject) => {
        const query = new Query<Row>(
          `SELECT s.id, s.reference, s.status, s.submitted_at, s.decided_at, s.group_key, s.assignee,
                s.contact_name, s.contact_email, s.form_version_id, s.data, ${keyText} AS cursor_key${
                  withFiles
                    ? `, (SELECT jsonb_object_agg(a.id::text, a.filename) FROM attachment a WHERE a.submission_id = s.id) AS files`
                    : ''
                }
           FROM submission s WHERE ${clauses.join(' AND ')} ORDER BY ${orderBy} LIMIT $${values.length}`,
          values,
        );
        query.on('row', (row: Row) => rows.push(row));
        query.on('error', reject);
        query.on('end', () => resolve());
        void client.query(query);
      });
    } finally {
      await runner.release();
    }
    for (const row of rows) out += lineOf(row);
    const last = rows.at(-1);
    if (rows.length < batchSize || !last) break;
    cursor = { key: last.cursor_key, id: last.id };
  }
  return Buffer.from(out, 'utf8');
}
