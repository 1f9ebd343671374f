import type { ReceiptSettings, ServiceDefinition } from '@guichet/shared';
import { receiptMentions, type OrganisationContact, type ReceiptMentions } from './receipt-legal';
import { taggedPdf } from './tagged-pdf';
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
  /** The organisation's contact details: the service named on the receipt when settings.receipt names none. */
  organisation?: Omit<OrganisationContact, 'name'>;
  /** The service's settings.receipt (silence, delay, service, appeals). */
  settings?: ReceiptSettings;
}

/** The legal mentions of a receipt (CRPA R112-11-1), from its input. */
export function mentionsOf(input: ReceiptInput): ReceiptMentions {
  const contact = input.organisation ?? { address: null, email: null, phone: null };
  return receiptMentions(input.settings, { name: input.organisationName, ...contact }, input.submittedAt);
}

/**
 * A receipt's input from the stored request, its service (with its
 * organisation) and the version it was filed on: the one place the API's
 * download and the worker's email both read it from.
 */
export function receiptInputOf(
  submission: { reference: string; submittedAt: Date; data: Record<string, unknown> },
  service: {
    title: string;
    organisation?: {
      name: string;
      contactAddress: string | null;
      contactEmail: string | null;
      contactPhone: string | null;
    };
  },
  definition: ServiceDefinition,
  identity: string | null,
): ReceiptInput {
  const organisation = service.organisation!;
  return {
    serviceTitle: service.title,
    organisationName: organisation.name,
    reference: submission.reference,
    submittedAt: submission.submittedAt,
    identity,
    definition,
    data: submission.data,
    organisation: {
      address: organisation.contactAddress,
      email: organisation.contactEmail,
      phone: organisation.contactPhone,
    },
    settings: definition.settings?.receipt,
  };
}

const FRENCH_DATE_TIME = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

export function frenchDateTime(date: Date): string {
  return FRENCH_DATE_TIME.format(date);
}

/**
 * The accusé de réception as a tagged PDF (title, language, headings and
 * paragraphs a screen reader follows), generated on the server (no browser
 * at run time), in DejaVu Sans so that every name prints as written (Œ, ễ, ñ…)
 * and extracts as written. It carries the legal mentions of receiptMentions.
 */
export function renderReceiptPdf(input: ReceiptInput): Promise<Buffer> {
  const { doc, block, finish } = taggedPdf({
    title: `Accusé de réception ${input.reference}`,
    author: input.organisationName,
    subject: input.serviceTitle,
  });
  const mentions = mentionsOf(input);
  const pair = (label: string, value: string) =>
    block('P', () => {
      doc.font('bold').text(`${label} : `, { continued: true }).font('regular').text(value);
    });

  block('P', () => doc.font('bold').fontSize(10).fillColor('#3a3a3a').text(input.organisationName));
  doc.moveDown(1.5);
  block('H1', () => doc.font('bold').fontSize(18).fillColor('#000000').text('Accusé de réception'));
  doc.moveDown(0.5);
  block('P', () => doc.font('regular').fontSize(11).text(input.serviceTitle));
  doc.moveDown();
  pair('Référence', input.reference);
  pair('Reçue le', mentions.receivedOn);
  pair('Déposée par', input.identity ?? 'dépôt sans compte');
  for (const line of mentions.service) pair(line.label, line.value);
  doc.moveDown();
  block('P', () =>
    doc
      .font('regular')
      .fontSize(10)
      .text(
        'Votre demande a bien été reçue. Conservez ce document : la référence permet de suivre votre demande et de la rappeler à nos services.',
      ),
  );
  doc.moveDown();
  block('H2', () => doc.font('bold').fontSize(13).text('Délais et voies de recours'));
  doc.moveDown(0.5);
  for (const paragraph of mentions.paragraphs) {
    block('P', () => doc.font('regular').fontSize(10).text(paragraph));
    doc.moveDown(0.5);
  }
  doc.moveDown();
  block('H2', () => doc.font('bold').fontSize(13).text('Vos réponses'));
  doc.moveDown(0.5);
  for (const line of answerLines(input.definition, input.data)) {
    if (line.depth < 0) {
      doc.moveDown(0.5);
      block('H3', () => doc.font('bold').fontSize(12).text(line.label));
      continue;
    }
    const indent = 56 + line.depth * 14;
    block('P', () => {
      doc
        .fontSize(10)
        .font('bold')
        .text(line.value ? `${line.label} : ` : line.label, indent, undefined, { continued: !!line.value });
      if (line.value) doc.font('regular').text(line.value);
    });
  }
  return finish();
}
