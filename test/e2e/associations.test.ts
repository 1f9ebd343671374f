import request from 'supertest';
import { MISBEHAVING_RNA } from '../../apps/fake-apis/src/associations';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { rnaDefinition } from '../fixtures/rna';
import {
  expectUnavailableInTime,
  filedField,
  spendLookups,
  startLookupStack,
  submitDraft,
} from '../support/lookup-e2e';
import type { Stack } from '../support/stack';

const LOOKUP_LIMIT = 40;
const TIMEOUT_MS = 1000;
const TOKEN = 'jeton-api-entreprise-de-test-0123456789';
const OPEN_DATA = '/associations/v4/djepva/api-association/associations/open_data';

/**
 * The RNA lookup over real HTTP against the bundled fake of API Entreprise's
 * associations (issue 23): found, dissolved, unknown, invalid, the provider
 * slow / answering garbage / down (503 LOOKUP_UNAVAILABLE, within the
 * timeout), the rate limit; then a service with an RNA field: the registry's
 * values are filed with their provenance, a tampered locked value is refused
 * at submit with a pointer, and with the provider down the values typed are
 * accepted, marked unverified. Neither the numbers, the answers nor the token
 * reach the logs.
 */
describe('RNA field and lookup', () => {
  let fake: RunningFakeApis;
  let stack: Stack;
  const logs: string[] = [];

  beforeAll(async () => {
    fake = await startFakeApis();
    stack = await startLookupStack({
      logs,
      env: {
        RATE_LIMIT_LOOKUPS_PER_IP: String(LOOKUP_LIMIT),
        ASSOCIATIONS_API_URL: fake.associationsUrl,
        ASSOCIATIONS_API_TIMEOUT_MS: String(TIMEOUT_MS),
        ASSOCIATIONS_API_TOKEN: TOKEN,
      },
      service: { slug: 'subvention-rna', title: 'Subvention', definition: rnaDefinition() },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  let lookups = 0;
  const lookup = (rna: string) => {
    lookups++;
    return request(stack.url).get(`/api/v1/public/associations/${rna}`);
  };

  it('answers an active association with the registry’s values', async () => {
    const res = await lookup('W452001234').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).toEqual({
      rna: 'W452001234',
      siren: '845123454',
      nom: 'LES AMIS DU LOIRET',
      objet: 'Faire connaître le patrimoine naturel et bâti du Loiret et organiser des sorties de découverte.',
      adresse: '5 RUE DES FRANCS BOURGEOIS 45000 ORLEANS',
      codePostal: '45000',
      commune: 'ORLEANS',
      dateDeclaration: '2019-01-10',
      datePublicationJo: '2019-01-26',
      etat: 'active',
      dateDissolution: null,
    });
    // Spaces and small letters are allowed, as people copy numbers.
    expect((await lookup('w452%20001%20234').expect(200)).body.rna).toBe('W452001234');
  });

  it('answers a dissolved association, flagged', async () => {
    expect((await lookup('W452005678').expect(200)).body).toMatchObject({
      nom: 'CLUB DE BRIDGE DES AUBRAIS',
      etat: 'dissoute',
      dateDissolution: '2021-06-30',
    });
  });

  it('answers 404 with a pointer for a number the registry does not know', async () => {
    const res = await lookup('W999999999');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', errors: [{ pointer: '/rna', code: 'rna_inconnu' }] });
  });

  it.each([
    ['8 digits', 'W45200123'],
    ['no W', '452001234'],
    ['a letter among the digits', 'W45200123X'],
    ['10 kB', 'W'.repeat(10_000)],
    ['an escape', 'W452001234%00'],
  ])('refuses %s with a 400 and a pointer, without asking the registry', async (_name, rna) => {
    const before = fake.hits(`${OPEN_DATA}/W452001234`) + fake.hits(`${OPEN_DATA}/${rna}`);
    const res = await lookup(rna);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ pointer: '/rna', code: 'pattern' }] });
    expect(res.body.errors[0].message).toMatch(/RNA/);
    expect(fake.hits(`${OPEN_DATA}/W452001234`) + fake.hits(`${OPEN_DATA}/${rna}`)).toBe(before);
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await request(stack.url).get('/api/docs-json').expect(200)).body;
    const operation = doc.paths['/api/v1/public/associations/{rna}'].get;
    expect(operation.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/AssociationDto',
    });
    expect(Object.keys(doc.components.schemas.AssociationDto.properties)).toEqual([
      'rna',
      'siren',
      'nom',
      'objet',
      'adresse',
      'codePostal',
      'commune',
      'dateDeclaration',
      'datePublicationJo',
      'etat',
      'dateDissolution',
    ]);
  });

  it.each([
    ['answers garbage', MISBEHAVING_RNA.garbage],
    ['answers 500', MISBEHAVING_RNA.error],
    ['is slow', MISBEHAVING_RNA.slow],
  ])('answers 503 LOOKUP_UNAVAILABLE, in French, when the provider %s', async (_name, rna) => {
    const started = Date.now();
    const res = await lookup(rna);
    expectUnavailableInTime(res, started, TIMEOUT_MS);
    expect(res.body.message).toMatch(/saisissez/);
  });

  async function submitWith(association: Record<string, string>) {
    const { submitted, read } = await submitDraft(stack.url, 'subvention-rna', {
      objetDemande: 'Sorties nature',
      association,
    });
    return { submitted, data: filedField<Record<string, string>>(read, 'association') };
  }

  const filled = {
    rna: 'W452001234',
    nom: 'LES AMIS DU LOIRET',
    objet: 'Faire connaître le patrimoine naturel et bâti du Loiret et organiser des sorties de découverte.',
    adresse: '5 RUE DES FRANCS BOURGEOIS 45000 ORLEANS',
    dateDeclaration: '2019-01-10',
    datePublicationJo: '2019-01-26',
    etat: 'Active',
  };

  it('files the registry’s values, with their provenance', async () => {
    const { submitted, data } = await submitWith(filled);
    expect(submitted.status).toBe(200);
    expect(data).toEqual({ ...filled, provenance: 'Répertoire national des associations' });
  });

  it.each([
    ['a changed name', { nom: 'AUTRE ASSOCIATION' }, '/association/nom'],
    [
      'a dissolved association said active',
      { rna: 'W452005678', nom: 'CLUB DE BRIDGE DES AUBRAIS' },
      '/association/etat',
    ],
    ['a number the registry does not know', { rna: 'W999999999' }, '/association/rna'],
  ])('refuses %s at submit with a 422 and a pointer', async (_name, change, pointer) => {
    const { submitted } = await submitWith({ ...filled, ...change });
    expect(submitted.status).toBe(422);
    expect(submitted.body).toMatchObject({ code: 'SUBMISSION_INVALID', errors: [{ pointer }] });
    expect((submitted.body.errors as Array<{ message: string }>)[0]!.message).toMatch(/associations/);
  });

  it('logs neither the token, nor the numbers looked up, nor what the registry answered', () => {
    const text = logs.join('');
    expect(text).toContain('/api/v1/public/associations/[masqué]');
    for (const secret of [TOKEN, 'W452001234', 'W452005678', 'W999999999', 'AMIS DU LOIRET', 'BRIDGE'])
      expect(text).not.toContain(secret);
  });

  // The fake closes here: the tests after it do not need it.
  it('with the provider down: 503 on lookup, and the values typed are accepted at submit, unverified', async () => {
    await fake.close();
    const started = Date.now();
    expectUnavailableInTime(await lookup('W751234567'), started, TIMEOUT_MS);
    const typed = { rna: 'W751234567', nom: 'Chorale du canal', etat: 'Active' };
    const { submitted, data } = await submitWith(typed);
    expect(submitted.status).toBe(200);
    expect(data).toEqual({ ...typed, provenance: 'Saisie par l’usager, non vérifiée' });
  });

  // Last: it spends what is left of this address's lookups.
  it('limits lookups per address with a 429, on the lookups’ counter', async () => {
    expect(await spendLookups(lookups, LOOKUP_LIMIT, () => lookup('W452001234'))).toBe(429);
    const res = await request(stack.url).get('/api/v1/public/entreprises/91234567500017');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
  });
});
