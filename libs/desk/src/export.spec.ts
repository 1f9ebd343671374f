import fc from 'fast-check';
import { answerColumns, answerValue, chosenColumns, csvCell, csvValue } from './export';

/**
 * A strict RFC 4180 reader, written here so that the test does not trust the
 * code it tests: fields separated by `separator`, records by CRLF, a quoted
 * field may hold separators, quotes (doubled) and line breaks; anything else
 * (a quote inside an unquoted field, text after a closing quote) is an error.
 */
function parseCsv(text: string, separator: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== separator && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === separator) {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
      if (i >= text.length) return records;
      continue;
    }
    throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
}

/** The text a value becomes in a cell before neutralisation (export.ts renders booleans in French). */
function plain(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

const FORMULA_START = ['=', '+', '-', '@', '\t', '\r'];

/** Strings a spreadsheet or a CSV reader would trip on, mixed with ordinary text. */
const tricky = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '=',
        '+',
        '-',
        '@',
        '\t',
        '\r',
        '\n',
        '\r\n',
        '"',
        "'",
        ',',
        ';',
        ' ',
        'HYPERLINK("http://x")',
        'cmd|',
        '﻿',
      ),
      fc.string({ maxLength: 5 }),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));
const cellValue = fc.oneof(
  { weight: 6, arbitrary: tricky },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const separator = fc.constantFrom(',', ';');

describe('CSV export cells under fuzzing', () => {
  it('neutralises every cell a spreadsheet would run as a formula, and only those (10,000 runs)', () => {
    fc.assert(
      fc.property(cellValue, separator, (value, sep) => {
        const [[cell]] = parseCsv(`${csvCell(value, sep)}\r\n`, sep) as [[string]];
        const text = plain(value);
        const risky = FORMULA_START.some((c) => text.startsWith(c));
        expect(cell).toBe(risky ? `'${text}` : text);
        expect(FORMULA_START.some((c) => cell.startsWith(c))).toBe(false);
      }),
      { numRuns: 10_000 },
    );
  });

  it('round-trips whole rows through a strict CSV reader, whatever the separators and line breaks inside (3,000 runs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cellValue, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        separator,
        (rows, sep) => {
          const width = rows[0]!.length;
          const table = rows.map((row) => Array.from({ length: width }, (_, i) => row[i]));
          const text = table.map((row) => `${row.map((v) => csvCell(v, sep)).join(sep)}\r\n`).join('');
          const expected = table.map((row) =>
            row.map((v) => {
              const t = plain(v);
              return FORMULA_START.some((c) => t.startsWith(c)) ? `'${t}` : t;
            }),
          );
          expect(parseCsv(text, sep)).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('quotes a cell that a reader would otherwise take apart', () => {
    expect(csvCell('a,b', ',')).toBe('"a,b"');
    expect(csvCell('a,b', ';')).toBe('a,b');
    expect(csvCell('=1+1', ',')).toBe(`"'=1+1"`);
    expect(csvCell('dit "oui"\r\nensuite', ';')).toBe('"dit ""oui""\r\nensuite"');
    expect(csvCell(-3, ',')).toBe(`"'-3"`);
    expect(csvCell(false, ',')).toBe('non');
  });
});

describe('export columns and cells', () => {
  const definition = {
    schema: {
      type: 'object',
      properties: {
        parent: {
          type: 'object',
          title: 'Responsable',
          properties: {
            nomDeNaissance: { type: 'string', title: 'Nom de naissance' },
            nom: { type: 'string', title: 'Nom' },
          },
        },
        jours: {
          type: 'array',
          title: 'Jours',
          uniqueItems: true,
          items: { type: 'string', enum: ['lundi', 'mardi-matin'] },
        },
        formule: {
          type: 'string',
          title: '**Formule**',
          oneOf: [
            { const: 'complet', title: 'Repas complet' },
            { const: 'sans-porc', title: '=Repas sans porc' },
          ],
        },
        porc: { type: 'boolean', title: 'Mange du porc' },
        quotient: { type: 'integer', title: 'Quotient familial' },
        arrivee: { type: 'string', format: 'date', title: 'Arrivée' },
        justificatif: { type: 'string', 'x-file': {}, title: 'Justificatif' },
        enfants: {
          type: 'array',
          title: 'Enfants',
          items: { type: 'object', properties: { prenom: { type: 'string', title: 'Prénom' } } },
        },
      },
    },
    uiSchema: {
      jours: { items: { 'ui:enumNames': ['Lundi', 'Mardi (matin)'] } },
      quotient: { 'ui:title': 'QF' },
    },
    pages: [
      { id: 'a', title: 'A', fields: ['formule', 'jours', 'parent'] },
      { id: 'b', title: 'B', fields: ['porc', 'quotient', 'arrivee', 'justificatif', 'enfants'] },
    ],
  };

  it('names every column as the form does, in the order the citizen saw the fields', () => {
    expect(answerColumns(definition).map((c) => [c.pointer, c.title, c.kind, c.list])).toEqual([
      ['/formule', 'Formule', 'text', false],
      ['/jours', 'Jours', 'text', false],
      ['/parent/nomDeNaissance', 'Nom de naissance', 'text', false],
      ['/parent/nom', 'Nom', 'text', false],
      ['/porc', 'Mange du porc', 'text', false],
      ['/quotient', 'QF', 'number', false],
      ['/arrivee', 'Arrivée', 'day', false],
      ['/justificatif', 'Justificatif', 'text', false],
      ['/enfants', 'Enfants', 'text', true],
    ]);
    expect(chosenColumns(definition, ['/parent/nom', '/jours']).map((c) => c.title)).toEqual(['Nom', 'Jours']);
  });

  it('writes the labels the citizen chose, Oui/Non, file names; numbers and days stay typed; formulas neutralised', () => {
    const columns = new Map(answerColumns(definition).map((c) => [c.pointer, c]));
    const cell = (pointer: string, value: unknown, names?: Record<string, string>) =>
      answerValue(columns.get(pointer)!, value, names ? (id) => names[id] : undefined);
    expect(cell('/jours', ['lundi', 'mardi-matin'])).toBe('Lundi, Mardi (matin)');
    expect(cell('/formule', 'complet')).toBe('Repas complet');
    expect(cell('/porc', true)).toBe('Oui');
    expect(cell('/quotient', 1050)).toBe(1050);
    expect(cell('/arrivee', '2026-09-01')).toEqual({ day: '2026-09-01' });
    expect(csvValue(cell('/arrivee', '2026-09-01'))).toBe('2026-09-01');
    expect(cell('/justificatif', 'f1', { f1: 'avis.pdf' })).toBe('avis.pdf');
    expect(cell('/justificatif', 'f1')).toBe('Pièce jointe fournie');
    expect(cell('/enfants', [{ prenom: 'Léa' }])).toBe('[{"prenom":"Léa"}]');
    expect(cell('/parent/nom', undefined)).toBeNull();
    // A label is text like any other: a spreadsheet must not run it.
    expect(csvCell(csvValue(cell('/formule', 'sans-porc')), ',')).toBe(`"'=Repas sans porc"`);
  });
});
