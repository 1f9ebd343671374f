import PDFDocument from 'pdfkit';
import { useFonts } from './fonts';
import type { JsonSchema, ServiceDefinition } from '@guichet/shared';

/** One line of the answers as the citizen filled them, in the form's order and words. */
export interface AnswerLine {
  label: string;
  value: string;
  depth: number;
}

export interface ReceiptInput {
  serviceTitle: string;
  organisationName: string;
  reference: string;
  submittedAt: Date;
  /** "Prénom NOM", or null when filed without an account. */
  identity: string | null;
  definition: Pick<ServiceDefinition, 'schema' | 'pages'>;
  data: Record<string, unknown>;
}

export function frenchDateTime(date: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(
    date,
  );
}

function titleOf(schema: JsonSchema | undefined, fallback: string): string {
  return schema && typeof schema === 'object' && typeof schema.title === 'string' ? schema.title : fallback;
}

function choiceTitle(schema: JsonSchema | undefined, value: unknown): string | undefined {
  if (!schema || typeof schema !== 'object' || !Array.isArray(schema.oneOf)) return undefined;
  const match = (schema.oneOf as Array<{ const?: unknown; title?: string }>).find((o) => o && o.const === value);
  return match?.title;
}

function scalar(schema: JsonSchema | undefined, value: unknown): string {
  if (value === true) return 'Oui';
  if (value === false) return 'Non';
  if (schema && typeof schema === 'object' && schema['x-file']) return 'Pièce jointe fournie';
  const choice = choiceTitle(schema, value);
  if (choice) return choice;
  if (
    typeof value === 'string' &&
    schema &&
    typeof schema === 'object' &&
    schema.format === 'date' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value)
  ) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  if (typeof value === 'number') return value.toLocaleString('fr-FR');
  return String(value);
}

/**
 * A group's answer keys in the order of its schema's `properties` (the order
 * the citizen saw), then any the schema does not name. Never the answer's own
 * order: answers are stored as jsonb, which sorts keys shortest first.
 */
function inSchemaOrder(value: Record<string, unknown>, properties: Record<string, JsonSchema> | undefined): string[] {
  const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  if (!properties) return Object.keys(value);
  return [
    ...Object.keys(properties).filter((k) => has(value, k)),
    ...Object.keys(value).filter((k) => !has(properties, k)),
  ];
}

/** The answers, page by page, field by field, with the titles the citizen saw. */
export function answerLines(
  definition: Pick<ServiceDefinition, 'schema' | 'pages'>,
  data: Record<string, unknown>,
): AnswerLine[] {
  const lines: AnswerLine[] = [];
  const properties = (definition.schema.properties ?? {}) as Record<string, JsonSchema>;
  const walk = (schema: JsonSchema | undefined, value: unknown, label: string, depth: number) => {
    if (value === undefined || value === null || value === '') return;
    if (Array.isArray(value)) {
      const items = schema && typeof schema === 'object' ? (schema.items as JsonSchema | undefined) : undefined;
      if (value.every((v) => typeof v !== 'object' || v === null)) {
        lines.push({ label, value: value.map((v) => scalar(items, v)).join(', '), depth });
        return;
      }
      lines.push({ label, value: '', depth });
      value.forEach((item, i) => walk(items, item, `${titleOf(items, label)} ${i + 1}`, depth + 1));
      return;
    }
    if (typeof value === 'object') {
      lines.push({ label, value: '', depth });
      const props = (schema && typeof schema === 'object' ? schema.properties : undefined) as
        Record<string, JsonSchema> | undefined;
      for (const key of inSchemaOrder(value as Record<string, unknown>, props))
        walk(props?.[key], (value as Record<string, unknown>)[key], titleOf(props?.[key], key), depth + 1);
      return;
    }
    lines.push({ label, value: scalar(schema, value), depth });
  };
  for (const page of definition.pages) {
    const before = lines.length;
    lines.push({ label: page.title, value: '', depth: -1 });
    for (const field of page.fields) walk(properties[field], data[field], titleOf(properties[field], field), 0);
    if (lines.length === before + 1) lines.pop();
  }
  return lines;
}

/**
 * The accusé de réception as a PDF, generated on the server (no browser at
 * run time), in DejaVu Sans so that every name prints as written (Œ, ễ, ñ…).
 */
export function renderReceiptPdf(input: ReceiptInput): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: {
        Title: `Accusé de réception ${input.reference}`,
        Author: input.organisationName,
        Subject: input.serviceTitle,
      },
      lang: 'fr-FR',
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    useFonts(doc);

    doc.font('bold').fontSize(10).fillColor('#3a3a3a').text(input.organisationName);
    doc.moveDown(1.5);
    doc.font('bold').fontSize(18).fillColor('#000000').text('Accusé de réception');
    doc.moveDown(0.5);
    doc.font('regular').fontSize(11).text(input.serviceTitle);
    doc.moveDown();
    doc.font('bold').text('Référence : ', { continued: true }).font('regular').text(input.reference);
    doc.font('bold').text('Déposé le : ', { continued: true }).font('regular').text(frenchDateTime(input.submittedAt));
    doc
      .font('bold')
      .text('Déposé par : ', { continued: true })
      .font('regular')
      .text(input.identity ?? 'dépôt sans compte');
    doc.moveDown();
    doc
      .font('regular')
      .fontSize(10)
      .text(
        'Votre demande a bien été reçue. Conservez ce document : la référence permet de suivre votre demande et de la rappeler à nos services.',
      );
    doc.moveDown(1.5);
    doc.font('bold').fontSize(13).text('Vos réponses');
    doc.moveDown(0.5);
    for (const line of answerLines(input.definition, input.data)) {
      if (line.depth < 0) {
        doc.moveDown(0.5).font('bold').fontSize(12).text(line.label);
        continue;
      }
      const indent = 56 + line.depth * 14;
      doc
        .fontSize(10)
        .font('bold')
        .text(line.value ? `${line.label} : ` : line.label, indent, undefined, { continued: !!line.value });
      if (line.value) doc.font('regular').text(line.value);
    }
    doc.end();
  });
}
