import type { ReceiptSettings } from '@guichet/shared';
import { frenchDateTime } from './receipt';
import { taggedPdf } from './tagged-pdf';

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
  /** Where an appeal goes (the service's settings.receipt.appeals); the authority defaults to the organisation. */
  appeals?: ReceiptSettings['appeals'];
}

export const DECISION_TITLES: Readonly<Record<DecisionKind, string>> = {
  acceptance: 'Attestation d’acceptation',
  refusal: 'Décision de refus',
};

export function decisionFilename(kind: DecisionKind, reference: string): string {
  return `${kind === 'acceptance' ? 'attestation-acceptation' : 'decision-refus'}-${reference}.pdf`;
}

/** The ways and delays of appeal a refusal states (CRPA L211-2, R421-5 of the code de justice administrative). */
export function appealSentence(input: Pick<DecisionLetterInput, 'organisationName' | 'appeals'>): string {
  const authority = input.appeals?.authority ?? input.organisationName;
  const court = input.appeals?.court ?? 'le tribunal administratif compétent';
  return `Voies et délais de recours : vous pouvez contester cette décision dans un délai de deux mois à compter de sa notification, par un recours gracieux auprès de ${authority}, ou par un recours contentieux devant ${court} (y compris par l’application Télérecours citoyens, www.telerecours.fr).`;
}

/**
 * The decision letter as a tagged PDF (title, language, headings and
 * paragraphs in reading order), in DejaVu Sans so that every name prints,
 * and extracts, as written.
 */
export function renderDecisionLetter(input: DecisionLetterInput): Promise<Buffer> {
  const title = DECISION_TITLES[input.kind];
  const { doc, block, finish } = taggedPdf({
    title: `${title} ${input.reference}`,
    author: input.organisationName,
    subject: input.serviceTitle,
  });
  const pair = (label: string, value: string) =>
    block('P', () => doc.font('bold').text(`${label} : `, { continued: true }).font('regular').text(value));

  block('P', () => doc.font('bold').fontSize(10).fillColor('#3a3a3a').text(input.organisationName));
  block('P', () => doc.font('regular').text(`Le ${frenchDateTime(input.decidedAt)}`, { align: 'right' }));
  doc.moveDown(1.5);
  block('H1', () => doc.font('bold').fontSize(18).fillColor('#000000').text(title));
  doc.moveDown(0.5);
  block('P', () => doc.font('regular').fontSize(11).text(input.serviceTitle));
  doc.moveDown();
  pair('Référence', input.reference);
  pair('Demande reçue le', frenchDateTime(input.submittedAt));
  if (input.addressee) pair('Demandeur', input.addressee);
  doc.moveDown();
  block('P', () =>
    doc
      .font('regular')
      .fontSize(11)
      .text(input.addressee ? `${input.addressee},` : 'Madame, Monsieur,'),
  );
  doc.moveDown(0.5);
  block('P', () =>
    doc.text(
      input.kind === 'acceptance'
        ? input.implicit
          ? 'Faute de réponse de l’administration dans le délai prévu, votre demande est acceptée : le silence gardé vaut accord. Ce document atteste de cette décision implicite d’acceptation (article L232-3 du code des relations entre le public et l’administration).'
          : 'Nous avons le plaisir de vous informer que votre demande est acceptée. Ce document atteste de cette décision.'
        : 'Après examen, nous sommes au regret de vous informer que votre demande ne peut pas être acceptée.',
    ),
  );
  if (input.motivation) {
    const motivation = input.motivation;
    doc.moveDown();
    block('H2', () => doc.font('bold').text('Motifs de la décision'));
    block('P', () => doc.font('regular').text(motivation));
  }
  if (input.kind === 'refusal') {
    doc.moveDown();
    block('P', () => doc.fontSize(10).text(appealSentence(input)));
  }
  doc.moveDown(2);
  block('P', () => doc.fontSize(11).text('Le service instructeur', { align: 'right' }));
  return finish();
}
