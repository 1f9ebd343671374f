import { execFileSync } from 'node:child_process';
import type { ServiceDefinition } from '@guichet/shared';
import { renderDecisionLetter } from './decision-letter';
import { renderReceiptPdf, type ReceiptInput } from './receipt';
import { renderReceiptHtml } from './receipt-html';
import { implicitDecisionDate, receiptMentions } from './receipt-legal';

const organisation = {
  name: 'Commune de Montargis',
  address: '1 place du Pâtis, 45200 Montargis',
  email: 'accueil@montargis.fr',
  phone: '02 38 95 10 00',
};
// 10 March 2026, 11:15 in Paris.
const received = new Date('2026-03-10T10:15:00Z');

/** The text of a PDF as pdftotext reads it (what a screen reader gets too), blanks folded. */
function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ');
}
function pdfInfo(pdf: Buffer): string {
  return execFileSync('pdfinfo', ['-'], { input: pdf }).toString('utf8');
}

const definition = {
  schema: { type: 'object', properties: { lieu: { type: 'string', title: 'Lieu' } } },
  pages: [{ id: 'lieu', title: 'Où ?', fields: ['lieu'] }],
} as unknown as ServiceDefinition;

function input(reference: string, data: Record<string, unknown>, settings?: ReceiptInput['settings']): ReceiptInput {
  return {
    serviceTitle: 'Essai des parcours',
    organisationName: organisation.name,
    reference,
    submittedAt: received,
    identity: null,
    definition,
    data,
    organisation: { address: organisation.address, email: organisation.email, phone: organisation.phone },
    settings,
  };
}

describe('the receipt’s legal mentions (CRPA R112-11-1)', () => {
  it('by default: silence is acceptance after two months, on a date, with the certificate of L232-3', () => {
    const mentions = receiptMentions(undefined, organisation, received);
    expect(mentions.receivedOn).toBe('10 mars 2026 à 11:15');
    expect(mentions.implicitDecisionOn).toBe('10 mai 2026');
    expect(mentions.service).toEqual([
      { label: 'Service chargé de votre demande', value: 'Commune de Montargis' },
      { label: 'Adresse postale', value: '1 place du Pâtis, 45200 Montargis' },
      { label: 'Adresse électronique', value: 'accueil@montargis.fr' },
      { label: 'Téléphone', value: '02 38 95 10 00' },
    ]);
    const text = mentions.paragraphs.join('\n');
    expect(text).toContain(
      'décision implicite d’acceptation : faute de réponse dans un délai de deux mois, elle sera réputée acceptée le 10 mai 2026.',
    );
    expect(text).toContain('attestation de la décision implicite d’acceptation (article L232-3');
    expect(text).toContain('recours contentieux devant le tribunal administratif compétent');
    expect(text).not.toContain('rejet');
  });

  it('rejection after a delay in days: its date, and the ways and delays of appeal to the court the service names', () => {
    const mentions = receiptMentions(
      {
        silenceMeans: 'rejection',
        delayDays: 15,
        service: { name: 'Service urbanisme', phone: '02 38 00 00 00' },
        appeals: { authority: 'Monsieur le Maire', court: 'le tribunal administratif d’Orléans' },
      },
      organisation,
      received,
    );
    expect(mentions.implicitDecisionOn).toBe('25 mars 2026');
    expect(mentions.service[0]).toEqual({ label: 'Service chargé de votre demande', value: 'Service urbanisme' });
    // What the service does not say comes from the organisation.
    expect(mentions.service).toContainEqual({ label: 'Adresse électronique', value: 'accueil@montargis.fr' });
    expect(mentions.service).toContainEqual({ label: 'Téléphone', value: '02 38 00 00 00' });
    const text = mentions.paragraphs.join('\n');
    expect(text).toContain('décision implicite de rejet : faute de réponse dans un délai de 15 jours');
    expect(text).toContain('réputée rejetée le 25 mars 2026');
    expect(text).toContain(
      'Voies et délais de recours : vous pourrez contester la décision implicite de rejet dans un délai de deux mois',
    );
    expect(text).toContain('recours gracieux auprès de Monsieur le Maire');
    expect(text).toContain('devant le tribunal administratif d’Orléans');
    expect(text).toContain('Télérecours citoyens');
    expect(text).not.toContain('L232-3');
  });

  it('silence that means nothing (a report): no implicit decision, the appeal of an express decision still said', () => {
    const mentions = receiptMentions({ silenceMeans: 'none' }, { ...organisation, address: null }, received);
    expect(mentions.implicitDecisionOn).toBeNull();
    expect(mentions.service.map((l) => l.label)).not.toContain('Adresse postale');
    const text = mentions.paragraphs.join('\n');
    expect(text).not.toContain('implicite');
    expect(text).toContain('Toute décision expresse prise sur votre demande pourra être contestée');
  });

  it('counts months by the calendar in Paris time', () => {
    const day = (d: Date) => d.toISOString().slice(0, 10);
    expect(day(implicitDecisionDate(new Date('2026-12-31T12:00:00Z'), { months: 2 }))).toBe('2027-02-28');
    expect(day(implicitDecisionDate(new Date('2027-12-31T12:00:00Z'), { months: 2 }))).toBe('2028-02-29');
    // 23:30 UTC on 31 March is 1 April in Paris.
    expect(day(implicitDecisionDate(new Date('2026-03-31T23:30:00Z'), { months: 1 }))).toBe('2026-05-01');
    expect(day(implicitDecisionDate(new Date('2026-03-31T12:00:00Z'), { days: 1 }))).toBe('2026-04-01');
  });

  it('the HTML receipt carries the same mentions', () => {
    const html = renderReceiptHtml(input('GCH-86JJ-AKD', { lieu: 'Rue Ampère' }, { silenceMeans: 'rejection' }));
    expect(html).toContain('<dt>Reçue le</dt><dd>10 mars 2026 à 11:15</dd>');
    expect(html).toContain('<dt>Service chargé de votre demande</dt><dd>Commune de Montargis</dd>');
    expect(html).toContain('<dt>Téléphone</dt><dd>02 38 95 10 00</dd>');
    expect(html).toContain('réputée rejetée le 10 mai 2026');
    expect(html).toContain('<h2>Délais et voies de recours</h2>');
  });
});

describe('receipt and decision PDFs are read whole', () => {
  it('a receipt is tagged, titled, in French, and its text extracts exactly, even after documents with accented capitals', async () => {
    // As on a long-running instance: earlier documents made the parts of composite glyphs (É = E + ´, Ķ = K + ¸).
    await renderReceiptPdf(input('GCH-ÉÉÉÉ-ĶÅÊ', { lieu: 'État, Ķekava, Åland, Ἀθῆναι' }));
    const pdf = await renderReceiptPdf(input('GCH-86JJ-AKD', { lieu: 'Essai des parcours, rue Ampère' }));
    const text = pdfText(pdf);
    expect(text).toContain('Référence : GCH-86JJ-AKD');
    expect(text).toContain('Lieu : Essai des parcours, rue Ampère');
    expect(text).toContain('Reçue le : 10 mars 2026 à 11:15');
    expect(text).toContain('Service chargé de votre demande : Commune de Montargis');
    expect(text).toContain('Adresse postale : 1 place du Pâtis, 45200 Montargis');
    expect(text).toContain(
      'Votre demande est susceptible de donner lieu à une décision implicite d’acceptation : faute de réponse dans un délai de deux mois, elle sera réputée acceptée le 10 mai 2026.',
    );
    expect(text).toContain('Vous pourrez demander au service une attestation de la décision implicite d’acceptation');
    const info = pdfInfo(pdf);
    expect(info).toMatch(/^Tagged: +yes$/m);
    expect(info).toMatch(/^Title: +Accusé de réception GCH-86JJ-AKD$/m);
    expect(info).toMatch(/^PDF version: +1\.7$/m);
    // The language and the title shown by the reader are in the catalog.
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/Lang \(fr-FR\)/);
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    expect(raw).toMatch(/\/StructTreeRoot/);
    expect(raw).toMatch(/\/S \/H1/);
  });

  it('a refusal letter is tagged, and says where to appeal, with the reference exact', async () => {
    const pdf = await renderDecisionLetter({
      kind: 'refusal',
      organisationName: 'Commune de Montargis',
      serviceTitle: 'Essai des parcours',
      reference: 'GCH-86JJ-AKD',
      submittedAt: received,
      decidedAt: new Date('2026-04-02T08:00:00Z'),
      addressee: 'Élodie KARADENİZ',
      motivation: 'Pièce manquante : Kbis.',
      implicit: false,
      appeals: { court: 'le tribunal administratif d’Orléans' },
    });
    const text = pdfText(pdf);
    expect(text).toContain('Référence : GCH-86JJ-AKD');
    expect(text).toContain('Demandeur : Élodie KARADENİZ');
    expect(text).toContain('Pièce manquante : Kbis.');
    expect(text).toContain(
      'Voies et délais de recours : vous pouvez contester cette décision dans un délai de deux mois à compter de sa notification, par un recours gracieux auprès de Commune de Montargis, ou par un recours contentieux devant le tribunal administratif d’Orléans',
    );
    const info = pdfInfo(pdf);
    expect(info).toMatch(/^Tagged: +yes$/m);
    expect(info).toMatch(/^Title: +Décision de refus GCH-86JJ-AKD$/m);
  });
});
