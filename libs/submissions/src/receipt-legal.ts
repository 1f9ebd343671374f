import type { ReceiptSettings, SilenceMeaning } from '@guichet/shared';

/** The organisation's contact details as kept in Guichet (any may be missing). */
export interface OrganisationContact {
  name: string;
  address: string | null;
  email: string | null;
  phone: string | null;
}

/** One labelled mention of the receipt (« Service chargé de votre demande : … »). */
export interface LegalLine {
  label: string;
  value: string;
}

/**
 * What the Code des relations entre le public et l'administration asks of an
 * accusé de réception électronique (L112-11, R112-11-1, R112-5): the date of
 * receipt, the service in charge with its address and telephone, whether
 * silence will be an acceptance or a rejection and on which date, and the
 * ways and delays of appeal (or the certificate of an implicit acceptance).
 * Without these mentions the appeal delays cannot be held against the
 * citizen (L112-6), so every receipt carries them, in the PDF and the HTML.
 */
export interface ReceiptMentions {
  /** Date (and time) of receipt, in words, Paris time. */
  receivedOn: string;
  /** The service: its name, then its address, email and telephone where known. */
  service: LegalLine[];
  silenceMeans: SilenceMeaning;
  /** The date silence becomes a decision, in words (null when it never does). */
  implicitDecisionOn: string | null;
  /** The paragraphs about silence, incomplete requests and appeals, in order. */
  paragraphs: string[];
}

export const DEFAULT_SILENCE: SilenceMeaning = 'acceptance';
export const DEFAULT_DELAY_MONTHS = 2;

const PARIS = 'Europe/Paris';

// Formatters are immutable and costly to build (a third of a receipt's date handling): built once.
const FRENCH_DAY = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: PARIS });
const FRENCH_MOMENT = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: PARIS });
const PARIS_PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: PARIS,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function frenchDay(date: Date): string {
  return FRENCH_DAY.format(date);
}

function frenchMoment(date: Date): string {
  return FRENCH_MOMENT.format(date);
}

/** The calendar day of `date` in Paris, as year, month (0-based), day. */
function parisDay(date: Date): { y: number; m: number; d: number } {
  const parts = PARIS_PARTS.formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { y: get('year'), m: get('month') - 1, d: get('day') };
}

/**
 * The day silence becomes a decision: the delay counts from the day of
 * receipt (in Paris), months by the calendar (received 31 December, two
 * months: 28 or 29 February, the last day of a shorter month), days as days.
 * The result is a day, at noon UTC so that any time zone prints the same date.
 */
export function implicitDecisionDate(receivedAt: Date, delay: { months?: number; days?: number }): Date {
  const { y, m, d } = parisDay(receivedAt);
  if (delay.days !== undefined) return new Date(Date.UTC(y, m, d + delay.days, 12));
  const months = delay.months ?? DEFAULT_DELAY_MONTHS;
  const lastDay = new Date(Date.UTC(y, m + months + 1, 0, 12)).getUTCDate();
  return new Date(Date.UTC(y, m + months, Math.min(d, lastDay), 12));
}

function delayInWords(delay: { months?: number; days?: number }): string {
  if (delay.days !== undefined) return delay.days === 1 ? 'un jour' : `${delay.days} jours`;
  const months = delay.months ?? DEFAULT_DELAY_MONTHS;
  return months === 1 ? 'un mois' : months === 2 ? 'deux mois' : `${months} mois`;
}

/** The mentions of one receipt, from the service's settings (defaults: silence is acceptance after two months). */
export function receiptMentions(
  settings: ReceiptSettings | undefined,
  organisation: OrganisationContact,
  receivedAt: Date,
): ReceiptMentions {
  const silenceMeans = settings?.silenceMeans ?? DEFAULT_SILENCE;
  const delay = settings?.delayDays !== undefined ? { days: settings.delayDays } : { months: settings?.delayMonths };
  const own = settings?.service ?? {};
  const serviceName = own.name ?? organisation.name;
  const service: LegalLine[] = [{ label: 'Service chargé de votre demande', value: serviceName }];
  const address = own.address ?? organisation.address;
  const email = own.email ?? organisation.email;
  const phone = own.phone ?? organisation.phone;
  if (address) service.push({ label: 'Adresse postale', value: address });
  if (email) service.push({ label: 'Adresse électronique', value: email });
  if (phone) service.push({ label: 'Téléphone', value: phone });

  const authority = settings?.appeals?.authority ?? serviceName;
  const court = settings?.appeals?.court ?? 'le tribunal administratif compétent';
  const paragraphs: string[] = [];
  let implicitDecisionOn: string | null = null;
  if (silenceMeans !== 'none') {
    implicitDecisionOn = frenchDay(implicitDecisionDate(receivedAt, delay));
    const words = delayInWords(delay);
    paragraphs.push(
      silenceMeans === 'acceptance'
        ? `Votre demande est susceptible de donner lieu à une décision implicite d’acceptation : faute de réponse dans un délai de ${words}, elle sera réputée acceptée le ${implicitDecisionOn}.`
        : `Votre demande est susceptible de donner lieu à une décision implicite de rejet : faute de réponse dans un délai de ${words}, elle sera réputée rejetée le ${implicitDecisionOn}.`,
      'Si votre demande est incomplète, le service vous indiquera les pièces ou informations manquantes et le délai pour les fournir ; le délai ci-dessus ne court alors qu’à compter de leur réception.',
    );
    paragraphs.push(
      silenceMeans === 'acceptance'
        ? 'Vous pourrez demander au service une attestation de la décision implicite d’acceptation (article L232-3 du code des relations entre le public et l’administration).'
        : `Voies et délais de recours : vous pourrez contester la décision implicite de rejet dans un délai de deux mois à compter de la date à laquelle elle sera née, par un recours gracieux auprès de ${authority}, ou par un recours contentieux devant ${court} (y compris par l’application Télérecours citoyens, www.telerecours.fr). Vous pouvez aussi demander la communication des motifs de cette décision dans ce même délai (article L232-4 du code des relations entre le public et l’administration).`,
    );
  }
  paragraphs.push(
    `Toute décision expresse prise sur votre demande pourra être contestée dans un délai de deux mois à compter de sa notification, par un recours gracieux auprès de ${authority}, ou par un recours contentieux devant ${court}. La décision vous indiquera ces voies et délais de recours.`,
  );
  return { receivedOn: frenchMoment(receivedAt), service, silenceMeans, implicitDecisionOn, paragraphs };
}
