import { ZipWriter } from './xlsx-zip';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A cell: text (an inline string), a finite number, a moment (a real date
 * and time, shown in `timeZone`), a calendar day (`{ day: 'AAAA-MM-JJ' }`),
 * or nothing (an empty cell).
 */
export type XlsxCell = string | number | Date | { day: string } | null | undefined;

export interface XlsxColumn {
  title: string;
  /** Width in characters. */
  width?: number;
}

export interface XlsxOptions {
  /** The first sheet's name; the next ones are numbered (« Demandes 2 »…). */
  sheetName?: string;
  /** Where dates and times are shown (spreadsheets have no time zones). Default Europe/Paris. */
  timeZone?: string;
  /** Rows of data per sheet before a new sheet starts (Excel's limit is 1,048,576 rows, header included). */
  maxRowsPerSheet?: number;
  /** deflate level, 1 (fast) to 9 (small); default 3: a third faster than 6 for a file 7 % larger. */
  level?: number;
  /** The archive's file dates (tests pin it). */
  now?: Date;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Excel's row limit, the header included. */
const EXCEL_MAX_ROWS = 1_048_576;
/** Characters of XML per sheet before a new sheet starts: at 3 bytes a character at worst, under ZIP's 4 GiB. */
const SHEET_MAX_CHARS = 1_300_000_000;
/** Cell styles (styles.xml's cellXfs): 0 plain, 1 header (bold), 2 date and time, 3 date. */
const STYLE_HEADER = 1;
const STYLE_DATETIME = 2;
const STYLE_DATE = 3;
/** Excel's limit on the characters of one cell. */
const CELL_MAX_CHARS = 32_767;
/** The serial number of 1970-01-01 in Excel's 1900 date system. */
const EPOCH_SERIAL = 25_569;
const DAY_MS = 86_400_000;

/** A, B, … Z, AA, AB… */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

// Characters XML 1.0 does not allow (C0 controls but tab and line feed, lone surrogates, U+FFFE/F) become U+FFFD.
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_WORK = /[&<>\r_\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/**
 * Text for an element of SpreadsheetML: XML-escaped, characters XML cannot
 * hold replaced, and `_x0041_`-like sequences (which Excel would decode as
 * characters) escaped so they read as typed.
 */
export function xmlText(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/_(x[0-9a-fA-F]{4}_)/g, '_x005F_$1')
    .replace(/[&<>\r]/g, (c) => ESCAPES[c]!);
}

/**
 * Text as a cell shows it: like the CSV export, text starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return gets a leading `'` (an inline string
 * is never a formula, but a copy pasted elsewhere could become one), and text
 * beyond Excel's 32,767 characters is cut.
 */
export function cellText(text: string): string {
  const first = text.charCodeAt(0);
  if (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13) text = `'${text}`;
  if (text.length > CELL_MAX_CHARS) {
    let cut = CELL_MAX_CHARS - 1;
    // Never half a surrogate pair.
    if (text.charCodeAt(cut - 1) >= 0xd800 && text.charCodeAt(cut - 1) <= 0xdbff) cut--;
    text = `${text.slice(0, cut)}…`;
  }
  return text;
}

/** Minutes east of UTC of a time zone at a moment, cached by hour (rows come roughly in date order). */
export class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  /** Milliseconds to add to UTC to get the wall clock time. */
  at(ms: number): number {
    const hour = Math.floor(ms / 3_600_000);
    let offset = this.cache.get(hour);
    if (offset === undefined) {
      const start = hour * 3_600_000;
      const parts: Record<string, number> = {};
      for (const part of this.format.formatToParts(new Date(start))) parts[part.type] = Number(part.value);
      offset = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute) - start;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hour, offset);
    }
    return offset;
  }
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** In the queue of XML text: the current sheet ends here and the next begins. */
const NEW_SHEET = Symbol('new sheet');

/**
 * An Office Open XML workbook (.xlsx) written as a stream: rows go into the
 * sheet's XML as they come and are deflated into the ZIP at once, text as
 * inline strings (no shared-strings table to hold in memory), numbers as
 * numbers, dates as real dates. Past Excel's row limit a new sheet starts.
 * `add` only queues XML text; `flush` compresses and hands it to `out`.
 */
export class XlsxWriter {
  private readonly zip: ZipWriter;
  private readonly refs: string[];
  private readonly zone: ZoneOffsets;
  private readonly maxRows: number;
  private readonly sheetName: string;
  private readonly queue: Array<string | typeof NEW_SHEET> = [];
  private sheets = 0;
  /** Rows of the current sheet, header included. */
  private row = 1;
  private sheetChars = 0;
  private started = false;

  constructor(
    out: (chunk: Buffer) => Promise<void>,
    private readonly columns: readonly XlsxColumn[],
    options: XlsxOptions = {},
  ) {
    this.zip = new ZipWriter(out, { level: options.level ?? 3, now: options.now });
    this.refs = columns.map((_, i) => columnName(i));
    this.zone = new ZoneOffsets(options.timeZone ?? 'Europe/Paris');
    this.maxRows = Math.min(options.maxRowsPerSheet ?? EXCEL_MAX_ROWS - 1, EXCEL_MAX_ROWS - 1);
    this.sheetName = (options.sheetName ?? 'Feuille').replace(/[[\]:*?/\\]/g, ' ').slice(0, 28) || 'Feuille';
  }

  /** Bytes handed to `out` so far. */
  get bytes(): number {
    return this.zip.bytes;
  }

  private header(): string {
    const cols = this.columns
      .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width ?? 20}" customWidth="1"/>`)
      .join('');
    const titles = this.columns
      .map(
        (c, i) =>
          `<c r="${this.refs[i]}1" t="inlineStr" s="${STYLE_HEADER}"><is><t>${xmlText(cellText(c.title))}</t></is></c>`,
      )
      .join('');
    return (
      `${XML_HEAD}<worksheet xmlns="${MAIN}"><sheetViews><sheetView workbookViewId="0">` +
      `<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>` +
      `</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ''}` +
      `<sheetData><row r="1">${titles}</row>`
    );
  }

  private cell(value: XlsxCell, ref: string): string {
    if (value === null || value === undefined || value === '') return '';
    if (typeof value === 'number') {
      return Number.isFinite(value) ? `<c r="${ref}"><v>${value}</v></c>` : this.cell(String(value), ref);
    }
    if (value instanceof Date) {
      const ms = value.getTime();
      if (Number.isNaN(ms)) return '';
      return `<c r="${ref}" s="${STYLE_DATETIME}"><v>${(ms + this.zone.at(ms)) / DAY_MS + EPOCH_SERIAL}</v></c>`;
    }
    if (typeof value === 'object') {
      const day = DAY.exec(value.day);
      const ms = day ? Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : NaN;
      // Before 1900-03-01 Excel's serial numbers are off by its 1900 leap-year bug: such days stay text.
      if (!day || Number.isNaN(ms) || ms < Date.UTC(1900, 2, 1)) return this.cell(value.day, ref);
      return `<c r="${ref}" s="${STYLE_DATE}"><v>${ms / DAY_MS + EPOCH_SERIAL}</v></c>`;
    }
    const text = cellText(value);
    const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
    return `<c r="${ref}" t="inlineStr"><is><t${space}>${xmlText(text)}</t></is></c>`;
  }

  /** Queues one row (one value per column). */
  add(cells: readonly XlsxCell[]): void {
    if (this.row >= this.maxRows + 1 || this.sheetChars > SHEET_MAX_CHARS) {
      this.queue.push(NEW_SHEET);
      this.row = 1;
      this.sheetChars = 0;
    }
    const r = ++this.row;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < this.refs.length; i++) xml += this.cell(cells[i], `${this.refs[i]}${r}`);
    xml += '</row>';
    this.sheetChars += xml.length;
    this.queue.push(xml);
  }

  private async beginSheet(): Promise<void> {
    if (this.sheets > 0) await this.zip.write('</sheetData></worksheet>');
    this.sheets++;
    await this.zip.begin(`xl/worksheets/sheet${this.sheets}.xml`);
    await this.zip.write(this.header());
  }

  /** Starts the first sheet (with its header row). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.beginSheet();
  }

  /** Compresses what was queued and hands it out, in pieces of about 64 KB. */
  async flush(): Promise<void> {
    await this.start();
    let piece = '';
    for (const item of this.queue.splice(0)) {
      if (item === NEW_SHEET) {
        if (piece) await this.zip.write(piece);
        piece = '';
        await this.beginSheet();
        continue;
      }
      piece += item;
      if (piece.length >= 64 * 1024) {
        await this.zip.write(piece);
        piece = '';
      }
    }
    if (piece) await this.zip.write(piece);
  }

  /** Ends the last sheet and writes the workbook's other parts and the ZIP's central directory. */
  async finish(): Promise<void> {
    await this.flush();
    await this.zip.write('</sheetData></worksheet>');
    const sheets = Array.from({ length: this.sheets }, (_, i) => i + 1);
    const parts: Array<[string, string]> = [
      [
        'xl/styles.xml',
        `${XML_HEAD}<styleSheet xmlns="${MAIN}">` +
          `<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm:ss"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></numFmts>` +
          `<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
          `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
          `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
          `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
          `<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
          `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
          `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
          `<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
          `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
      ],
      [
        'xl/workbook.xml',
        `${XML_HEAD}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><bookViews><workbookView/></bookViews><sheets>` +
          sheets
            .map(
              (n) =>
                `<sheet name="${xmlText(n === 1 ? this.sheetName : `${this.sheetName} ${n}`)}" sheetId="${n}" r:id="rId${n}"/>`,
            )
            .join('') +
          `</sheets></workbook>`,
      ],
      [
        'xl/_rels/workbook.xml.rels',
        `${XML_HEAD}<Relationships xmlns="${PKG_REL}">` +
          sheets
            .map((n) => `<Relationship Id="rId${n}" Type="${REL}/worksheet" Target="worksheets/sheet${n}.xml"/>`)
            .join('') +
          `<Relationship Id="rId${this.sheets + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
      ],
      [
        '_rels/.rels',
        `${XML_HEAD}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ],
      [
        '[Content_Types].xml',
        `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
          `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
          `<Default Extension="xml" ContentType="application/xml"/>` +
          `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
          sheets
            .map(
              (n) =>
                `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
            )
            .join('') +
          `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
      ],
    ];
    for (const [name, xml] of parts) {
      await this.zip.begin(name);
      await this.zip.write(xml);
    }
    await this.zip.finish();
  }

  abort(): void {
    this.zip.abort();
  }
}
