import PDFDocument from 'pdfkit';
import { useFonts } from './fonts';
import { frenchDateTime } from './receipt';

export type DecisionKind = 'acceptance' | 'refusal';

export interface DecisionLetterInput {
  kind: DecisionKind;
  organisationName: string;
  serviceTitle: string;
  reference: string;
  submittedAt: Date;
  decidedAt: Date;
  /** "Prénom NOM" when known. */
  addressee: string | null;
  /** The caseworker's motivation (required for a refusal by the default workflow). */
  motivation: string | null;
  /** True when no one decided: the deadline of "silence vaut accord" expired. */
  implicit: boolean;
}

export const DECISION_TITLES: Readonly<Record<DecisionKind, string>> = {
  acceptance: 'Attestation d’acceptation',
  refusal: 'Décision de refus',
};

export function decisionFilename(kind: DecisionKind, reference: string): string {
  return `${kind === 'acceptance' ? 'attestation-acceptation' : 'decision-refus'}-${reference}.pdf`;
}

/** The decision letter as a PDF, in DejaVu Sans so that every name prints as written. */
export function renderDecisionLetter(input: DecisionLetterInput): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const title = DECISION_TITLES[input.kind];
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: { Title: `${title} ${input.reference}`, Author: input.organisationName, Subject: input.serviceTitle },
      lang: 'fr-FR',
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    useFonts(doc);

    doc.font('bold').fontSize(10).fillColor('#3a3a3a').text(input.organisationName);
    doc.font('regular').text(`Le ${frenchDateTime(input.decidedAt)}`, { align: 'right' });
    doc.moveDown(1.5);
    doc.font('bold').fontSize(18).fillColor('#000000').text(title);
    doc.moveDown(0.5);
    doc.font('regular').fontSize(11).text(input.serviceTitle);
    doc.moveDown();
    doc.font('bold').text('Référence : ', { continued: true }).font('regular').text(input.reference);
    doc.font('bold').text('Demande déposée le : ', { continued: true }).font('regular');
    doc.text(frenchDateTime(input.submittedAt));
    if (input.addressee)
      doc.font('bold').text('Demandeur : ', { continued: true }).font('regular').text(input.addressee);
    doc.moveDown();
    doc
      .font('regular')
      .fontSize(11)
      .text(input.addressee ? `${input.addressee},` : 'Madame, Monsieur,');
    doc.moveDown(0.5);
    if (input.kind === 'acceptance') {
      doc.text(
        input.implicit
          ? 'Faute de réponse de l’administration dans le délai prévu, votre demande est acceptée : le silence gardé vaut accord. Ce document atteste de cette décision implicite d’acceptation.'
          : 'Nous avons le plaisir de vous informer que votre demande est acceptée. Ce document atteste de cette décision.',
      );
    } else {
      doc.text('Après examen, nous sommes au regret de vous informer que votre demande ne peut pas être acceptée.');
    }
    if (input.motivation) {
      doc.moveDown();
      doc.font('bold').text('Motifs de la décision');
      doc.font('regular').text(input.motivation);
    }
    if (input.kind === 'refusal') {
      doc.moveDown();
      doc
        .fontSize(10)
        .text(
          'Voies et délais de recours : vous pouvez contester cette décision dans un délai de deux mois à compter de sa notification, par un recours gracieux auprès de l’autorité qui l’a prise, ou par un recours contentieux devant le tribunal administratif compétent (y compris par l’application Télérecours citoyens).',
        );
    }
    doc.moveDown(2);
    doc.fontSize(11).text('Le service instructeur', { align: 'right' });
    doc.end();
  });
}
