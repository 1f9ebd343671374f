import type { ServiceDefinition } from '@guichet/shared';
import { renderReceiptText } from './receipt-text';

const definition = {
  schema: { type: 'object', properties: { motif: { type: 'string', title: 'Motif' } } },
  pages: [{ id: 'tout', title: 'Tout', fields: ['motif'] }],
} as unknown as Pick<ServiceDefinition, 'schema' | 'pages'>;

describe('renderReceiptText', () => {
  const input = {
    serviceTitle: 'Inscription à la cantine',
    organisationName: 'Mairie de Trifouillis',
    reference: 'GCH-2026-000042',
    submittedAt: new Date('2026-03-02T09:30:00Z'),
    identity: null,
    definition,
    data: { motif: 'Une réponse personnelle' },
    organisation: { address: '1 place de la Mairie, 99999 Trifouillis', email: null, phone: '01 02 03 04 05' },
  };

  it('states what an electronic receipt must: date, service with its contacts, silence and appeals', () => {
    const text = renderReceiptText(input);
    expect(text).toContain('ACCUSÉ DE RÉCEPTION\nMairie de Trifouillis — Inscription à la cantine');
    expect(text).toContain('Référence : GCH-2026-000042');
    expect(text).toContain('Reçue le : 2 mars 2026 à 10:30');
    expect(text).toContain('Déposée par : dépôt sans compte');
    expect(text).toContain('1 place de la Mairie, 99999 Trifouillis');
    expect(text).toContain('01 02 03 04 05');
    // The default silence: an acceptance after two months, on a date in words.
    expect(text).toMatch(/acceptation[^]*2 mai 2026/);
    expect(text).toContain('Délais et voies de recours');
  });

  it('leaves the answers out (the request’s page and its PDF show them)', () => {
    expect(renderReceiptText(input)).not.toContain('Une réponse personnelle');
  });

  it('names the person who filed it when signed in', () => {
    expect(renderReceiptText({ ...input, identity: 'Marie DUBOIS' })).toContain('Déposée par : Marie DUBOIS');
  });
});
