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
import { EXPORT_ROW, type ExportRow } from './inbox-repository';
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
  // One scan for what needs quotes (most cells need none): a `'` first, a quote, the separator, a line break.
  else if (first !== 39) {
    const special = QUOTED[separator];
    if (special ? !special.test(text) : !text.includes(separator) && !SPECIAL.test(text)) return text;
  }
  return text.includes('"') ? `"${text.replace(/"/g, '""')}"` : `"${text}"`;
}

const SPECIAL = /["\r\n]/;
/** What makes a cell quoted, by separator. */
const QUOTED: Readonly<Record<string, RegExp>> = { ',': /[",\r\n]/, ';': /[";\r\n]/ };

/**
 * How a CSV writes dates and numbers. Comma-separated: ISO days and local
 * date-times (`2026-01-31 14:05:00`), a decimal point. Semicolon-separated
 * (French spreadsheets): `31/01/2026 14:05:00` and a decimal comma, which a
 * French spreadsheet reads as dates and numbers. Times are Paris time (a
 * spreadsheet has no time zones), written by PostgreSQL (CSV_TIMES); the zone
 * is said in the header.
 */
export class CsvStyle {
  constructor(readonly french: boolean) {}

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
export function pointerReader(pointer: string): (data: unknown) => unknown {
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
 * Characters turned into bytes and handed to `write` at once. Kept small: a
 * string over V8's regular object size goes straight to the old generation,
 * collected rarely, and a million rows written in large chunks grow the heap
 * by hundreds of MB.
 */
const FLUSH_AT = 32 * 1024;

/**
 * The CSV's times, written by PostgreSQL in Paris time (`to_char` of the time
 * `AT TIME ZONE 'Europe/Paris'`, seconds cut, not rounded), the very text the
 * export wrote from a `Date` before (test/medium/csv-export.test.ts).
 */
const CSV_TIMES = { iso: 'YYYY-MM-DD HH24:MI:SS', french: 'DD/MM/YYYY HH24:MI:SS' } as const;

const R = EXPORT_ROW;

function fileNames(files: Record<string, string> | null | undefined): ((id: string) => string | undefined) | undefined {
  return files ? (id) => (Object.hasOwn(files, id) ? files[id] : undefined) : undefined;
}

/**
 * Whether a string answer of this column is its own cell's text, as
 * answerValue and CsvStyle.value would leave it: a field with no choices to
 * name, no file, no day, no masked password. The CSV skips them for it.
 */
function plainText(column: Column): boolean {
  const model = column.model;
  return (
    !!model &&
    !column.list &&
    model.options.length === 0 &&
    !isFileColumn(column) &&
    model.inputType !== 'date' &&
    model.inputType !== 'datetime-local' &&
    model.inputType !== 'password'
  );
}

/** A cell kept by its key: the few statuses, groups and agents of an export are written once each, not per row. */
function cellMemo<K>(make: (key: K) => string): (key: K) => string {
  const cells = new Map<K, string>();
  return (key) => {
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = make(key);
      if (cells.size < 10_000) cells.set(key, cell);
    }
    return cell;
  };
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
  const worked = await inbox.service(slug, actor);
  const { service, organisationId, definition, scope } = worked;
  const rest = { ...raw };
  delete rest.format;
  delete rest.sep;
  const filter = parseInboxQuery(rest, definition.schema, false, definition.uiSchema, await inbox.statuses(worked));
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
  const worked = await inbox.service(slug, actor);
  const { service, organisationId, definition, scope } = worked;
  const { repository } = inbox;
  const { format: requested, sep, ...rest } = raw;
  const format: ExportFormat = requested === 'jsonl' ? 'jsonl' : requested === 'xlsx' ? 'xlsx' : 'csv';
  const separator = sep === 'semicolon' ? ';' : ',';
  const filter = parseInboxQuery(rest, definition.schema, false, definition.uiSchema, await inbox.statuses(worked));
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
        Buffer.from(
          `\uFEFF${[...fixed, ...columns.map((c) => c.title)].map((c) => csvCell(c, separator)).join(separator)}\r\n`,
          'utf8',
        ),
      );
    }
    // Rows are turned into text as they arrive, synchronously: the workflows of every version are loaded first.
    const workflows = new Map<string, WorkflowDefinition>();
    for (const id of await repository.versionIds(organisationId, service.id))
      workflows.set(id, await inbox.workflowOf(id));
    const labelOf = (formVersionId: string, status: string) => {
      const workflow = workflows.get(formVersionId);
      return workflow ? stateLabel(workflow, status) : status;
    };
    const cellsOf = (row: ExportRow): XlsxCell[] => {
      const cells: XlsxCell[] = [
        row[R.reference],
        labelOf(row[R.formVersionId], row[R.status]),
        row[R.submittedAt],
        row[R.decidedAt],
        row[R.groupKey],
        agentName(row[R.assignee]),
        row[R.contactName],
        row[R.contactEmail],
      ];
      const fileName = fileNames(row[R.files]);
      const data = row[R.data];
      for (let i = 0; i < readers.length; i++) cells.push(answerValue(columns[i]!, readers[i]!(data), fileName));
      return cells;
    };
    const jsonLineOf = (row: ExportRow): string =>
      `${JSON.stringify({
        id: row[R.id],
        reference: row[R.reference],
        status: row[R.status],
        statusLabel: labelOf(row[R.formVersionId], row[R.status]),
        submittedAt: parisIso(zone, row[R.submittedAt]),
        decidedAt: parisIso(zone, row[R.decidedAt]),
        group: row[R.groupKey],
        assignee: row[R.assignee],
        assigneeName: agentName(row[R.assignee]),
        data: row[R.data],
      })}\n`;
    // The CSV's cells that repeat from row to row, made once: a status (by version), a group, an agent.
    const statusCells = new Map<string, (status: string) => string>();
    const statusCell = (formVersionId: string, status: string) => {
      let cell = statusCells.get(formVersionId);
      if (!cell) {
        cell = cellMemo((s: string) => csvCell(labelOf(formVersionId, s), separator));
        statusCells.set(formVersionId, cell);
      }
      return cell(status);
    };
    const groupCell = cellMemo((group: string | null) => csvCell(group, separator));
    const agentCell = cellMemo((assignee: string | null) => csvCell(agentName(assignee), separator));
    const plain = columns.map(plainText);
    // A choice's cell depends on its value alone: the few values of a choice are written once each.
    const choiceCells = columns.map((column) =>
      column.model && column.model.options.length > 0 && !column.list && !isFileColumn(column)
        ? cellMemo((value: string | number | boolean) => csvCell(style.value(answerValue(column, value)), separator))
        : null,
    );
    const csvLineOf = (row: ExportRow<string>): string => {
      let line =
        csvCell(row[R.reference], separator) +
        separator +
        statusCell(row[R.formVersionId], row[R.status]) +
        separator +
        csvCell(row[R.submittedAt], separator) +
        separator +
        csvCell(row[R.decidedAt], separator) +
        separator +
        groupCell(row[R.groupKey]) +
        separator +
        agentCell(row[R.assignee]) +
        separator +
        csvCell(row[R.contactName], separator) +
        separator +
        csvCell(row[R.contactEmail], separator);
      const fileName = withFiles ? fileNames(row[R.files]) : undefined;
      const data = row[R.data];
      for (let i = 0; i < readers.length; i++) {
        const value = readers[i]!(data);
        const type = typeof value;
        const choice = choiceCells[i];
        line +=
          separator +
          (choice && (type === 'string' || type === 'number' || type === 'boolean')
            ? choice(value as string | number | boolean)
            : csvCell(
                type === 'string' && plain[i] ? value : style.value(answerValue(columns[i]!, value, fileName)),
                separator,
              ));
      }
      return `${line}\r\n`;
    };

    let cursor: Cursor | null = null;
    let total = 0;
    for (;;) {
      const pieces: Buffer[] = [];
      let chunk = '';
      let count = 0;
      // The batch's last row so far (the next batch starts after it), kept rather than a cursor made per row.
      let last: ExportRow<Date | string> | null = null;
      const add = (text: string) => {
        chunk += text;
        if (chunk.length >= FLUSH_AT) {
          // Bytes, encoded once: a string written to the response is measured (Buffer.byteLength), then encoded.
          pieces.push(Buffer.from(chunk, 'utf8'));
          chunk = '';
        }
      };
      const batch = { cursor, size: BATCH, withFiles };
      const filterArgs = [organisationId, service.id, actor.id, filter, scope.groups] as const;
      if (format === 'csv') {
        await repository.exportBatch(
          ...filterArgs,
          { ...batch, timesAs: style.french ? CSV_TIMES.french : CSV_TIMES.iso },
          (row) => {
            count++;
            last = row;
            add(csvLineOf(row));
          },
        );
      } else {
        await repository.exportBatch(...filterArgs, batch, (row) => {
          count++;
          last = row;
          if (xlsx) xlsx.add(cellsOf(row));
          else add(jsonLineOf(row));
        });
      }
      if (chunk) pieces.push(Buffer.from(chunk, 'utf8'));
      for (const piece of pieces) await write(piece);
      if (xlsx) await xlsx.flush();
      total += count;
      const end = last as ExportRow<Date | string> | null;
      if (count < BATCH || !end) break;
      cursor = { key: end[R.cursorKey], id: end[R.id] };
    }
    if (xlsx) await xlsx.finish();
    return total;
  } catch (error) {
    xlsx?.abort();
    throw error;
  }
}
