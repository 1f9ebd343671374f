import {
  answerFields,
  answerText,
  labelOf,
  modelAt,
  parseJsonPointer,
  type FieldModel,
  type Schema,
  type ServiceDefinition,
  type Ui,
} from '@guichet/shared';
import { stateLabel, type WorkflowDefinition } from '@guichet/workflow';
import type { DeskActor } from './access';
import type { Inbox } from './inbox';
import type { ExportRow } from './inbox-repository';
import { parseInboxQuery, type Cursor } from './inbox-query';
import { XlsxWriter, ZoneOffsets, type XlsxCell } from './xlsx';

export type ExportFormat = 'csv' | 'jsonl' | 'xlsx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'jsonl', 'xlsx'];

export interface Column {
  title: string;
  pointer: string;
  /** A repeatable group or a list of free values: exported as JSON text in one cell. */
  list: boolean;
  /** What a spreadsheet cell holds (XLSX): a number, a calendar day, or text. */
  kind?: 'number' | 'day' | 'text';
  /** The field as the form draws it: its choices' labels name the answers in the cells. */
  model?: FieldModel;
}

type AnswerDefinition = Pick<ServiceDefinition, 'schema' | 'uiSchema' | 'pages'>;

function columnOf(pointer: string, title: string, model: FieldModel | undefined): Column {
  const list = model?.kind === 'array';
  const kind: Column['kind'] =
    list || !model
      ? 'text'
      : model.kind === 'number' || model.kind === 'integer'
        ? 'number'
        : model.inputType === 'date'
          ? 'day'
          : 'text';
  return { title: title || pointer, pointer, list, kind, model };
}

/**
 * The chosen answers (`columns=/a,/b`), in that order; without a choice, every
 * answer (answerColumns). Headers are the field names the form shows
 * (`ui:title`, Markdown as plain text), as the receipt and the desk name them.
 */
export function chosenColumns(definition: AnswerDefinition, pointers: readonly string[]): Column[] {
  if (pointers.length === 0) return answerColumns(definition);
  const root = definition.schema as Schema;
  const ui = (definition.uiSchema ?? {}) as Ui;
  return pointers.map((pointer) => columnOf(pointer, labelOf(root, ui, pointer), modelAt(root, ui, pointer)));
}

/**
 * The answers' columns in the order the citizen saw them (pages, `ui:order`,
 * the authored order), fields of conditional branches after their group's:
 * every field, a repeatable group as one column.
 */
export function answerColumns(definition: AnswerDefinition): Column[] {
  const root = definition.schema as Schema;
  const ui = (definition.uiSchema ?? {}) as Ui;
  return answerFields(definition).map((f) => columnOf(f.pointer, labelOf(root, ui, f.pointer), f.model));
}

/** A cell's value before it is written: XLSX types numbers and days, the CSV writes them as text. */
export type AnswerValue = string | number | { day: string } | null;

/** The kinds of field whose answer is a file id: the cell names the file. */
const isFileColumn = (c: Column) => c.model?.kind === 'file' || c.model?.kind === 'files';

/**
 * One answer as a cell's value: choices by their labels, Oui/Non and file
 * names as the receipt writes them (answerText); numbers and days kept as
 * such for the spreadsheet to compute with; a list as JSON.
 */
export function answerValue(
  column: Column,
  value: unknown,
  fileName?: (id: string) => string | undefined,
): AnswerValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' && !column.model) return value ? 'Oui' : 'Non';
  if (column.list || !column.model)
    return typeof value === 'string' || typeof value === 'number' ? value : JSON.stringify(value);
  if (column.kind === 'number' && typeof value === 'number') return value;
  if (typeof value === 'string' && (column.model.inputType === 'date' || column.model.inputType === 'datetime-local'))
    return column.kind === 'day' ? { day: value } : value;
  return answerText(column.model, value, { fileName });
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

/**
 * How a CSV writes dates and numbers. Comma-separated: ISO days and local
 * date-times (`2026-01-31 14:05:00`), a decimal point. Semicolon-separated
 * (French spreadsheets): `31/01/2026 14:05:00` and a decimal comma, which a
 * French spreadsheet reads as dates and numbers. Times are Paris time (a
 * spreadsheet has no time zones); the zone is said in the header.
 */
export class CsvStyle {
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

  /** One answer as a CSV cell's value. */
  value(value: AnswerValue): string | null {
    if (value === null) return null;
    if (typeof value === 'object') return this.day(value.day);
    return typeof value === 'number' ? this.number(value) : value;
  }
}

/** A date-time in Paris time with its offset (`2026-01-31T14:05:00+01:00`): JSON Lines stay unambiguous. */
export function parisIso(zone: ZoneOffsets, date: Date | null): string | null {
  if (!date) return null;
  const ms = date.getTime();
  if (Number.isNaN(ms)) return null;
  const offset = zone.at(ms);
  const minutes = Math.round(offset / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const zoneText = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(ms + offset).toISOString().slice(0, 23)}${zoneText}`;
}

/** One answer as a CSV cell's value: a day as the form stored it (ISO), the rest as is. */
export function csvValue(value: AnswerValue): string | number | null {
  return value !== null && typeof value === 'object' ? value.day : value;
}
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

function fileNames(row: ExportRow): ((id: string) => string | undefined) | undefined {
  const files = row.files;
  return files ? (id) => (Object.hasOwn(files, id) ? files[id] : undefined) : undefined;
}

/**
 * How many requests the filter holds, counting no further than `atMost + 1`
 * (enough to tell a small export from a large one, without counting a million rows).
 */
export async function countRequests(
  inbox: Inbox,
  slug: string,
  actor: DeskActor,
  raw: Record<string, unknown>,
  atMost: number,
): Promise<number> {
  const { service, organisationId, definition, scope } = await inbox.service(slug, actor);
  const rest = { ...raw };
  delete rest.format;
  delete rest.sep;
  const filter = parseInboxQuery(rest, definition.schema, false, definition.uiSchema);
  return inbox.repository.countMatching(organisationId, service.id, actor.id, filter, scope.groups, atMost);
}

/**
 * The current filter as CSV (UTF-8 with BOM, `,` or `;`), JSON Lines or XLSX,
 * in keyset batches: each batch is turned into text as its rows arrive, then
 * written out once the connection is back in the pool (a slow reader holds
 * no connection). Memory stays flat whatever the number of rows. CSV and
 * XLSX carry the chosen answers (`columns`), or every answer without a choice.
 * `write` returns a promise that resolves when the consumer can take more.
 */
export async function exportRequests(
  inbox: Inbox,
  slug: string,
  actor: DeskActor,
  raw: Record<string, unknown>,
  write: (chunk: string | Buffer) => Promise<void>,
): Promise<number> {
  const { service, organisationId, definition, scope } = await inbox.service(slug, actor);
  const { repository } = inbox;
  const { format: requested, sep, ...rest } = raw;
  const format: ExportFormat = requested === 'jsonl' ? 'jsonl' : requested === 'xlsx' ? 'xlsx' : 'csv';
  const separator = sep === 'semicolon' ? ';' : ',';
  const filter = parseInboxQuery(rest, definition.schema, false, definition.uiSchema);
  const columns = chosenColumns(definition, filter.columns);
  const style = new CsvStyle(separator === ';');
  const zone = new ZoneOffsets('Europe/Paris');
  // Agents by name (their identity provider's), not `account:<uuid>`: the few who hold this service's requests.
  const names = await repository.agentNames(organisationId, await repository.assignees(organisationId, service.id));
  const agentName = (assignee: string | null) => (assignee ? (names.get(assignee) ?? 'Agent sans nom connu') : null);
  const readers = columns.map((c) => pointerReader(c.pointer));
  // Files are named in their cells: the names come with each row, only when a column holds files.
  const withFiles = columns.some(isFileColumn);
  // XLSX dates are real dates shown in Paris time; the CSV's are text, in Paris time too, and say so.
  const dated = format === 'xlsx' ? '' : ' (heure de Paris)';
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
  const xlsx =
    format === 'xlsx'
      ? new XlsxWriter(
          (bytes) => write(bytes),
          [
            ...fixed.map((title, i) => ({ title, width: i === 1 ? 22 : i === 7 ? 30 : 18 })),
            ...columns.map((c) => ({ title: c.title, width: Math.min(Math.max(c.title.length + 2, 14), 40) })),
          ],
          { sheetName: 'Demandes' },
        )
      : null;
  try {
    if (xlsx) await xlsx.start();
    if (format === 'csv') {
      await write(
        `\uFEFF${[...fixed, ...columns.map((c) => c.title)].map((c) => csvCell(c, separator)).join(separator)}\r\n`,
      );
    }
    // Rows are turned into text as they arrive, synchronously: the workflows of every version are loaded first.
    const workflows = new Map<string, WorkflowDefinition>();
    for (const id of await repository.versionIds(organisationId, service.id))
      workflows.set(id, await inbox.workflowOf(id));
    const cellsOf = (row: ExportRow): XlsxCell[] => {
      const workflow = workflows.get(row.form_version_id);
      const cells: XlsxCell[] = [
        row.reference,
        workflow ? stateLabel(workflow, row.status) : row.status,
        row.submitted_at,
        row.decided_at,
        row.group_key,
        agentName(row.assignee),
        row.contact_name,
        row.contact_email,
      ];
      const fileName = fileNames(row);
      for (let i = 0; i < readers.length; i++) cells.push(answerValue(columns[i]!, readers[i]!(row.data), fileName));
      return cells;
    };
    const lineOf = (row: ExportRow): string => {
      const workflow = workflows.get(row.form_version_id);
      const label = workflow ? stateLabel(workflow, row.status) : row.status;
      if (format === 'jsonl') {
        return `${JSON.stringify({
          id: row.id,
          reference: row.reference,
          status: row.status,
          statusLabel: label,
          submittedAt: parisIso(zone, row.submitted_at),
          decidedAt: parisIso(zone, row.decided_at),
          group: row.group_key,
          assignee: row.assignee,
          assigneeName: agentName(row.assignee),
          data: row.data,
        })}\n`;
      }
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
      const fileName = fileNames(row);
      for (let i = 0; i < readers.length; i++)
        line += separator + csvCell(style.value(answerValue(columns[i]!, readers[i]!(row.data), fileName)), separator);
      return `${line}\r\n`;
    };

    let cursor: Cursor | null = null;
    let total = 0;
    for (;;) {
      const pieces: string[] = [];
      let chunk = '';
      const batch = { count: 0, last: null as Cursor | null };
      await repository.exportBatch(
        organisationId,
        service.id,
        actor.id,
        filter,
        scope.groups,
        { cursor, size: BATCH, withFiles },
        (row) => {
          batch.count++;
          batch.last = { key: row.cursor_key, id: row.id };
          if (xlsx) {
            xlsx.add(cellsOf(row));
            return;
          }
          chunk += lineOf(row);
          if (chunk.length >= FLUSH_AT) {
            pieces.push(chunk);
            chunk = '';
          }
        },
      );
      if (chunk) pieces.push(chunk);
      for (const piece of pieces) await write(piece);
      if (xlsx) await xlsx.flush();
      total += batch.count;
      if (batch.count < BATCH || !batch.last) break;
      cursor = batch.last;
    }
    if (xlsx) await xlsx.finish();
    return total;
  } catch (error) {
    xlsx?.abort();
    throw error;
  }
}
