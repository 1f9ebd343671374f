import { execFileSync } from 'node:child_process';
import type { ServiceDefinition } from '@guichet/shared';
import { answerLines, type AnswerDefinition } from './answer-lines';
import { renderReceiptPdf } from './receipt';
import { renderReceiptHtml } from './receipt-html';

const lines = (definition: AnswerDefinition, data: Record<string, unknown>) =>
  answerLines(definition, data).map((l) => [l.depth, l.label, l.value]);

describe('receipt lines', () => {
  const inscription: AnswerDefinition = {
    schema: {
      type: 'object',
      properties: {
        jours: {
          type: 'array',
          title: 'Jours de présence',
          uniqueItems: true,
          items: { type: 'string', enum: ['lundi', 'mardi-matin', 'mercredi'] },
        },
        formule: {
          type: 'string',
          title: 'Formule',
          oneOf: [
            { const: 'complet', title: 'Repas complet' },
            { const: 'sans-porc', title: 'Repas sans porc' },
          ],
        },
        garde: {
          type: 'string',
          title: 'Garde',
          enum: ['alternee', 'exclusive'],
        },
        // Keys longer first: the order PostgreSQL's jsonb would turn around.
        periode: {
          type: 'object',
          title: '**Période** de [garde](https://example.org)',
          properties: {
            dateDeDebut: { type: 'string', format: 'date', title: 'Date de début' },
            fin: { type: 'string', format: 'date', title: 'Date de _fin_' },
          },
        },
        demiPension: { type: 'boolean', title: 'Demi-pension' },
      },
    },
    uiSchema: {
      jours: { items: { 'ui:enumNames': ['Lundi', 'Mardi (matin)', 'Mercredi'] } },
      garde: { 'ui:enumNames': { alternee: 'Garde alternée', exclusive: 'Garde exclusive' } },
    },
    pages: [
      { id: 'enfant', title: 'L’enfant', fields: ['jours', 'formule', 'garde'] },
      { id: 'periode', title: 'La période', fields: ['periode', 'demiPension'] },
    ],
  };
  const answers = {
    demiPension: false,
    periode: { fin: '2026-07-03', dateDeDebut: '2026-09-01' },
    garde: 'alternee',
    formule: 'sans-porc',
    jours: ['lundi', 'mardi-matin'],
  };

  it('names choices as the citizen saw them (ui:enumNames as a list or a map, oneOf titles), dates in French, Oui/Non', () => {
    expect(lines(inscription, answers)).toEqual([
      [-1, 'L’enfant', ''],
      [0, 'Jours de présence', 'Lundi, Mardi (matin)'],
      [0, 'Formule', 'Repas sans porc'],
      [0, 'Garde', 'Garde alternée'],
      [-1, 'La période', ''],
      [0, 'Période de garde', ''],
      [1, 'Date de début', '01/09/2026'],
      [1, 'Date de fin', '03/07/2026'],
      [0, 'Demi-pension', 'Non'],
    ]);
  });

  it('keeps the authored order of a nested group whatever the order of the stored answers', () => {
    const reversed = { periode: { dateDeDebut: '2026-09-01', fin: '2026-07-03' } };
    const shortFirst = { periode: { fin: '2026-07-03', dateDeDebut: '2026-09-01' } };
    const labels = (data: Record<string, unknown>) => answerLines(inscription, data).map((l) => l.label);
    expect(labels(shortFirst)).toEqual(['La période', 'Période de garde', 'Date de début', 'Date de fin']);
    expect(labels(reversed)).toEqual(labels(shortFirst));
  });

  it('lists a then-branch field only when its condition holds, and the oneOf branch the answers took', () => {
    const conditional: AnswerDefinition = {
      schema: {
        type: 'object',
        properties: {
          statut: {
            type: 'string',
            title: 'Vous êtes',
            oneOf: [
              { const: 'particulier', title: 'Un particulier' },
              { const: 'entreprise', title: 'Une entreprise' },
            ],
          },
          contact: {
            title: 'Vous joindre',
            oneOf: [
              {
                title: 'Par courriel',
                properties: { courriel: { type: 'string', format: 'email', title: 'Courriel' } },
                required: ['courriel'],
              },
              {
                title: 'Par téléphone',
                properties: { telephone: { type: 'string', title: 'Téléphone' } },
                required: ['telephone'],
              },
            ],
          },
        },
        if: { properties: { statut: { const: 'entreprise' } }, required: ['statut'] },
        then: { properties: { siret: { type: 'string', title: 'SIRET' } }, required: ['siret'] },
      },
      pages: [{ id: 'p', title: 'Demandeur', fields: ['statut', 'siret', 'contact'] }],
    };
    expect(
      lines(conditional, { statut: 'entreprise', siret: '73282932000074', contact: { telephone: '0601020304' } }),
    ).toEqual([
      [-1, 'Demandeur', ''],
      [0, 'Vous êtes', 'Une entreprise'],
      [0, 'SIRET', '73282932000074'],
      [0, 'Vous joindre', 'Par téléphone'],
      [1, 'Téléphone', '0601020304'],
    ]);
    // The condition does not hold: the then-branch's field is not listed, even if an answer is left over.
    expect(lines(conditional, { statut: 'particulier', siret: '73282932000074' })).toEqual([
      [-1, 'Demandeur', ''],
      [0, 'Vous êtes', 'Un particulier'],
    ]);
  });

  it('prints the labels in the PDF and the HTML receipts', async () => {
    const input = {
      serviceTitle: 'Cantine',
      organisationName: 'Commune de Test',
      reference: 'GCH-TEST-TEST',
      submittedAt: new Date('2026-03-02T10:00:00Z'),
      identity: null,
      definition: inscription as ServiceDefinition,
      data: answers,
    };
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: await renderReceiptPdf(input) }).toString();
    expect(text).toContain('Jours de présence : Lundi, Mardi (matin)');
    expect(text).toContain('Période de garde');
    expect(text).not.toContain('**');
    expect(text).not.toContain('mardi-matin');
    const html = renderReceiptHtml(input);
    expect(html).toContain('<dd>Lundi, Mardi (matin)</dd>');
    expect(html).toContain('<dd>Garde alternée</dd>');
  });
});
