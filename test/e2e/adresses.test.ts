import request from 'supertest';
import { ADDRESS_MISBEHAVING } from '../../apps/fake-apis/src/adresse';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { addressDefinition } from '../fixtures/address';
import {
  expectUnavailableInTime,
  filedField,
  provenanceEvents,
  spendLookups,
  startLookupStack,
  submitDraft,
} from '../support/lookup-e2e';
import type { Stack } from '../support/stack';

const TIMEOUT_MS = 1000;
const LOOKUP_LIMIT = 40;
const CHOSEN = {
  label: '12 Rue des Tilleuls Argentés 45000 Orléans',
  numero: '12',
  voie: 'Rue des Tilleuls Argentés',
  codePostal: '45000',
  commune: 'Orléans',
  codeInsee: '45234',
  banId: '45234_a120_00012',
};

/**
 * The address lookup over real HTTP against the bundled fake API Adresse
 * (issue 23): suggestions, none, an invalid query, the provider slow / answering
 * garbage / 500 / down (503 LOOKUP_UNAVAILABLE within the timeout); then a
 * service with an address field: a chosen address is filed with the BAN's
 * values, a tampered label or point is refused at submit with a pointer, and
 * with the provider down the address typed is accepted, unverified. Queries
 * never reach the logs.
 */
describe('address field and lookup', () => {
  let fake: RunningFakeApis;
  let stack: Stack;
  const logs: string[] = [];

  beforeAll(async () => {
    fake = await startFakeApis();
    stack = await startLookupStack({
      logs,
      env: {
        RATE_LIMIT_LOOKUPS_PER_IP: String(LOOKUP_LIMIT),
        ADRESSE_API_URL: fake.adresseUrl,
        ADRESSE_API_TIMEOUT_MS: String(TIMEOUT_MS),
      },
      service: { slug: 'signalement-adresse', title: 'Signalement', definition: addressDefinition() },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  let lookups = 0;
  const lookup = (q: string) => {
    lookups++;
    return request(stack.url).get('/api/v1/public/adresses').query({ q });
  };
  let point: { lon: number; lat: number };

  it('answers the BAN’s suggestions, normalised, best first', async () => {
    const res = await lookup('12 rue des tilleuls').expect(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body.adresses[0]).toEqual({
      ...CHOSEN,
      lon: expect.any(Number),
      lat: expect.any(Number),
      type: 'housenumber',
      score: expect.any(Number),
    });
    point = { lon: res.body.adresses[0].lon, lat: res.body.adresses[0].lat };
    expect(res.body.adresses.length).toBeLessThanOrEqual(5);
  });

  it('answers an empty list when nothing matches', async () => {
    expect((await lookup('rue de nulle part').expect(200)).body).toEqual({ adresses: [] });
  });

  it.each([
    ['too short', 'ab', 'minLength'],
    ['too long', 'a'.repeat(201), 'maxLength'],
    ['a control character', 'rue\u0000 du mail', 'pattern'],
  ])('refuses a query %s with a 400 and a pointer, without asking the provider', async (_name, q, code) => {
    const before = fake.hits('/adresse/search/');
    const res = await lookup(q);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ pointer: '/q', code }] });
    expect(fake.hits('/adresse/search/')).toBe(before);
  });

  it('refuses a repeated q', async () => {
    const res = await request(stack.url).get('/api/v1/public/adresses?q=rue+du&q=mail');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/q', code: 'type' });
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await request(stack.url).get('/api/docs-json').expect(200)).body;
    const operation = doc.paths['/api/v1/public/adresses'].get;
    expect(operation.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/AddressListDto',
    });
    expect(Object.keys(doc.components.schemas.AddressDto.properties)).toEqual([
      'banId',
      'label',
      'numero',
      'voie',
      'codePostal',
      'commune',
      'codeInsee',
      'lon',
      'lat',
      'type',
      'score',
    ]);
  });

  it.each([
    ['answers garbage', `${ADDRESS_MISBEHAVING.garbage} rue`],
    ['answers 500', `${ADDRESS_MISBEHAVING.error} rue`],
    ['is slow', `${ADDRESS_MISBEHAVING.slow} rue`],
  ])('answers 503 LOOKUP_UNAVAILABLE, in French, when the provider %s', async (_name, q) => {
    const started = Date.now();
    const res = await lookup(q);
    expectUnavailableInTime(res, started, TIMEOUT_MS);
    expect(res.body.message).toMatch(/saisissez/);
  });

  async function submitWith(lieu: Record<string, unknown>) {
    const { id, submitted, read } = await submitDraft(stack.url, 'signalement-adresse', {
      objet: 'Nid-de-poule',
      lieu,
    });
    return { id, submitted, data: filedField<Record<string, unknown>>(read, 'lieu') };
  }

  it('files a chosen address with the BAN’s values and its provenance', async () => {
    // A page that kept the label and id only: the rest is written as the BAN writes it.
    const { id, submitted, data } = await submitWith({
      label: CHOSEN.label,
      banId: CHOSEN.banId,
      ...point,
      voie: 'rue',
    });
    expect(submitted.status).toBe(200);
    expect(data).toEqual({ ...CHOSEN, ...point, provenance: 'Base Adresse Nationale' });
    // The caseworkers' history says where it came from, hidden from the citizen.
    expect(await provenanceEvents(stack, id)).toEqual([
      { comment: 'Adresse du problème : Base Adresse Nationale', visibility: 'internal' },
    ]);
  });

  it.each([
    ['a label changed', { label: '14 Rue des Tilleuls Argentés 45000 Orléans' }, '/lieu/label'],
    ['another id', { banId: '45234_a120_00014' }, '/lieu/label'],
    ['moved coordinates', { lat: 48.8566 }, '/lieu/lat'],
    ['moved longitude', { lon: 2.3522 }, '/lieu/lon'],
  ])('refuses %s at submit with a 422 and a pointer', async (_name, change, pointer) => {
    const { submitted } = await submitWith({ ...CHOSEN, ...point, ...change });
    expect(submitted.status).toBe(422);
    expect(submitted.body).toMatchObject({
      code: 'SUBMISSION_INVALID',
      errors: [{ pointer, code: 'adresse_modifiee' }],
    });
  });

  it('keeps an address typed by hand, unverified', async () => {
    const typed = { label: '3 chemin des Écoliers 45800 Saint-Jean-de-Braye', codePostal: '45800' };
    const { submitted, data } = await submitWith(typed);
    expect(submitted.status).toBe(200);
    expect(data).toEqual({ ...typed, provenance: 'saisie par l’usager, non vérifiée' });
  });

  it('logs neither the queries nor the addresses', () => {
    const text = logs.join('');
    expect(text).toContain('/api/v1/public/adresses');
    for (const secret of ['tilleuls', 'Tilleuls', 'nulle part', 'Écoliers', 'charabia'])
      expect(text).not.toContain(secret);
  });

  // The fake closes here: the tests after it do not need it.
  it('with the provider down: 503 on lookup, and a chosen address is accepted at submit, unverified', async () => {
    await fake.close();
    const started = Date.now();
    expectUnavailableInTime(await lookup('3 rue des vignes'), started, TIMEOUT_MS);
    const claimed = {
      ...CHOSEN,
      label: '2 Rue des Tilleuls Argentés 45000 Orléans',
      banId: '45234_a120_00002',
      ...point,
    };
    const { submitted, data } = await submitWith(claimed);
    expect(submitted.status).toBe(200);
    expect(data).toEqual({ ...claimed, provenance: 'saisie par l’usager, non vérifiée' });
  });

  // Last: it spends what is left of this address's lookups, counted with the other lookups (communes, SIRET, RNA).
  it('limits lookups per address with a 429, shared with the other lookups', async () => {
    expect(await spendLookups(lookups, LOOKUP_LIMIT, () => lookup('rue des vignes'))).toBe(429);
    const res = await request(stack.url).get('/api/v1/public/communes?q=orl');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
  });
});
