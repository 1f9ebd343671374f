import { mentionsOf, type ReceiptInput } from './receipt';

/**
 * The receipt as plain text, for the body of the receipt email: what the
 * Code des relations entre le public et l'administration asks of an
 * accusé de réception électronique (the same mentions as the PDF and the HTML
 * page), without the answers, which the request's page and its PDF show.
 * Costs microseconds, where the PDF costs milliseconds of the worker.
 */
export function renderReceiptText(input: ReceiptInput): string {
  const mentions = mentionsOf(input);
  return [
    'ACCUSÉ DE RÉCEPTION',
    `${input.organisationName} — ${input.serviceTitle}`,
    '',
    `Référence : ${input.reference}`,
    `Reçue le : ${mentions.receivedOn}`,
    `Déposée par : ${input.identity ?? 'dépôt sans compte'}`,
    ...mentions.service.map((line) => `${line.label} : ${line.value}`),
    '',
    'Délais et voies de recours',
    '',
    mentions.paragraphs.join('\n\n'),
  ].join('\n');
}
