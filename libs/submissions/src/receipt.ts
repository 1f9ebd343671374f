import PDFDocument from 'pdfkit';
import { useFonts } from './fonts';
import { answerLines, type AnswerDefinition } from './answer-lines';

export { answerLines, type AnswerLine } from './answer-lines';

export interface ReceiptInput {
  serviceTitle: string;
  organisationName: string;
  reference: string;
  submittedAt: Date;
  /** "Prénom NOM", or null when filed without an account. */
  identity: string | null;
  /** The version the request was filed on: its uiSchema names the choices and orders the fields. */
  definition: AnswerDefinition;
  data: Record<string, unknown>;
}

export function frenchDateTime(date: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(
    date,
  );
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
