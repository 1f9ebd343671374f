import { LookupUnavailableError, parseAddressAnswer } from '@guichet/forms';
import { ADDRESS_MISBEHAVING, ADDRESS_SLOW_MS, FAKE_ADDRESSES, answerAddressSearch } from './adresse';

const ask = (q: string, limit?: number) =>
  answerAddressSearch(new URLSearchParams({ q, ...(limit ? { limit: String(limit) } : {}) }));

describe('fake API Adresse', () => {
  it('holds a few dozen addresses of two communes, with unique ids', () => {
    expect(FAKE_ADDRESSES.length).toBeGreaterThanOrEqual(24);
    expect(new Set(FAKE_ADDRESSES.map((a) => a.city))).toEqual(new Set(['Orléans', 'Saint-Jean-de-Braye']));
    expect(new Set(FAKE_ADDRESSES.map((a) => a.id)).size).toBe(FAKE_ADDRESSES.length);
  });

  it('answers in the documented shape, which the connector reads', () => {
    const answer = ask('12 rue des tilleuls');
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body);
    expect(body).toMatchObject({ type: 'FeatureCollection', attribution: 'BAN', licence: 'ETALAB-2.0' });
    expect(parseAddressAnswer(body)[0]).toEqual({
      banId: '45234_a120_00012',
      label: '12 Rue des Tilleuls Argentés 45000 Orléans',
      numero: '12',
      voie: 'Rue des Tilleuls Argentés',
      codePostal: '45000',
      commune: 'Orléans',
      codeInsee: '45234',
      lon: expect.any(Number),
      lat: expect.any(Number),
      type: 'housenumber',
      score: 0.9,
    });
  });

  it('matches without accents, the last word as a prefix, within the limit', () => {
    const streets = parseAddressAnswer(JSON.parse(ask('vignes bas', 2).body));
    expect(streets).toHaveLength(2);
    expect(streets.every((a) => a.commune === 'Saint-Jean-de-Braye')).toBe(true);
    expect(JSON.parse(ask('rue de nulle part').body).features).toEqual([]);
  });

  it('misbehaves on purpose', () => {
    expect(ask(`${ADDRESS_MISBEHAVING.error} 1 rue`).status).toBe(500);
    expect(() => parseAddressAnswer(JSON.parse(ask(`${ADDRESS_MISBEHAVING.garbage} rue`).body))).toThrow(
      LookupUnavailableError,
    );
    expect(ask(`${ADDRESS_MISBEHAVING.slow} rue`).delayMs).toBe(ADDRESS_SLOW_MS);
    expect(ask('ab').status).toBe(400);
  });
});
