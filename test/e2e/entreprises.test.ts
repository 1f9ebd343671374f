import request from 'supertest';
import { MISBEHAVING } from '../../apps/fake-apis/src/entreprises';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { siretDefinition } from '../fixtures/siret';
import {
  expectUnavailableInTime,
  filedField,
  provenanceEvents,
  spendLookups,
  startLookupStack,
  submitDraft,
} from '../support/lookup-e2e';
import type { Stack } from '../support/stack';

const LOOKUP_LIMIT = 40;
/** The SIRET block's title in test/fixtures/siret.ts. */
const STRUCTURE_TITLE = (siretDefinition().schema.properties as Record<string, { title?: string }>).structure!.title;
const TIMEOUT_MS = 1000;

/**
 * The SIRET lookup over real HTTP against the bundled fake API Recherche
 * d'entreprises (issue 23): found, closed, unknown, invalid, the provider
 * slow / answering garbage / down (503 LOOKUP_UNAVAILABLE, within the
 * timeout), the rate limit; then a service with a SIRET field: the
 * directory's values are filed, a tampered locked value is refused at submit
 * with a pointer, and with the provider down the values typed are accepted,
 * marked unverified.
 */
describe('SIRET field and lookup', () => {
  let fake: RunningFakeApis;
  let stack: Stack;
  const logs: string[] = [];

  beforeAll(async () => {
    fake = await startFakeApis();
    stack = await startLookupStack({
      logs,
      env: {
        RATE_LIMIT_LOOKUPS_PER_IP: String(LOOKUP_LIMIT),
        ENTREPRISES_API_URL: fake.entreprisesUrl,
        ENTREPRISES_API_TIMEOUT_MS: String(TIMEOUT_MS),
      },
      service: { slug: 'subvention-asso', title: 'Subvention', definition: siretDefinition() },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  let lookups = 0;
  const lookup = (siret: string) => {
    lookups++;
    return request(stack.url).get(`/api/v1/public/entreprises/${siret}`);
  };

  it('answers an active establishment with the directory’s values', async () => {
    const res = await lookup('91234567500017').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).toEqual({
      siret: '91234567500017',
      siren: '912345675',
      raisonSociale: 'BOULANGERIE DU MAIL',
      formeJuridique: 'Société à responsabilité limitée (SARL)',
      natureJuridique: '5499',
      adresse: '12 RUE DU MAIL 45000 ORLEANS',
      codePostal: '45000',
      commune: 'ORLEANS',
      codeNaf: '10.71C',
      etat: 'actif',
    });
    // Spaces are allowed, as people copy SIRETs.
    expect((await lookup('912%20345%20675%2000017').expect(200)).body.siret).toBe('91234567500017');
  });

  it('answers a closed establishment, and an association', async () => {
    expect((await lookup('91234567500025').expect(200)).body).toMatchObject({ etat: 'ferme', commune: 'TOURS' });
    expect((await lookup('53211098800013').expect(200)).body).toMatchObject({ etat: 'ferme' });
    expect((await lookup('84512345400017').expect(200)).body).toMatchObject({
      raisonSociale: 'LES AMIS DU LOIRET',
      formeJuridique: 'Association déclarée',
      codeNaf: '94.99Z',
    });
  });

  it('answers 404 with a pointer for a SIRET the directory does not know', async () => {
    const res = await lookup('73282932000074');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', errors: [{ pointer: '/siret', code: 'siret_inconnu' }] });
  });

  it.each([
    ['a wrong key', '91234567500018', 'siret_cle'],
    ['13 digits', '9123456750001', 'pattern'],
    ['letters', '9123456750001A', 'pattern'],
    ['10 kB', '9'.repeat(10_000), 'pattern'],
    ['an escape', '91234567500017%00', 'pattern'],
  ])('refuses %s with a 400 and a pointer, without asking the directory', async (_name, siret, code) => {
    const before = fake.hits('/entreprises/search');
    const res = await lookup(siret);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ pointer: '/siret', code }] });
    expect(res.body.errors[0].message).toMatch(/SIRET/);
    expect(fake.hits('/entreprises/search')).toBe(before);
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await request(stack.url).get('/api/docs-json').expect(200)).body;
    const operation = doc.paths['/api/v1/public/entreprises/{siret}'].get;
    expect(operation.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CompanyDto',
    });
    expect(Object.keys(doc.components.schemas.CompanyDto.properties)).toEqual([
      'siret',
      'siren',
      'raisonSociale',
      'formeJuridique',
      'natureJuridique',
      'adresse',
      'codePostal',
      'commune',
      'codeNaf',
      'etat',
    ]);
  });

  it.each([
    ['answers garbage', MISBEHAVING.garbage],
    ['answers 500', MISBEHAVING.error],
    ['is slow', MISBEHAVING.slow],
  ])('answers 503 LOOKUP_UNAVAILABLE, in French, when the provider %s', async (_name, siret) => {
    const started = Date.now();
    const res = await lookup(siret);
    expectUnavailableInTime(res, started, TIMEOUT_MS);
    expect(res.body.message).toMatch(/saisissez/);
  });

  async function submitWith(structure: Record<string, string>) {
    const { id, submitted, read } = await submitDraft(stack.url, 'subvention-asso', {
      objet: 'Fête de quartier',
      structure,
    });
    return { id, submitted, data: filedField<Record<string, string>>(read, 'structure') };
  }

  const filled = {
    siret: '84512345400017',
    raisonSociale: 'LES AMIS DU LOIRET',
    formeJuridique: 'Association déclarée',
    adresse: '5 RUE DES FRANCS BOURGEOIS 45000 ORLEANS',
    codeNaf: '94.99Z',
    etat: 'Actif',
  };

  it('files the directory’s values, with their provenance', async () => {
    const { id, submitted, data } = await submitWith(filled);
    expect(submitted.status).toBe(200);
    expect(data).toEqual({ ...filled, provenance: 'Répertoire Sirene (INSEE)' });
    // The caseworkers' history says it too, once, hidden from the citizen.
    expect(await provenanceEvents(stack, id)).toEqual([
      { comment: `${STRUCTURE_TITLE} : Répertoire Sirene (INSEE)`, visibility: 'internal' },
    ]);
  });

  it.each([
    ['a changed name', { raisonSociale: 'AUTRE ASSOCIATION' }, '/structure/raisonSociale'],
    [
      'a closed establishment said active',
      {
        siret: '91234567500025',
        raisonSociale: 'BOULANGERIE DU MAIL',
        formeJuridique: 'Société à responsabilité limitée (SARL)',
      },
      '/structure/etat',
    ],
    ['another legal form', { formeJuridique: 'Fondation' }, '/structure/formeJuridique'],
    ['a SIRET the directory does not know', { siret: '73282932000074' }, '/structure/siret'],
  ])('refuses %s at submit with a 422 and a pointer', async (_name, change, pointer) => {
    const { submitted } = await submitWith({ ...filled, ...change });
    expect(submitted.status).toBe(422);
    expect(submitted.body).toMatchObject({ code: 'SUBMISSION_INVALID', errors: [{ pointer }] });
  });

  it('logs neither the SIRETs looked up nor what the directory answered', () => {
    const text = logs.join('');
    expect(text).toContain('/api/v1/public/entreprises/[masqué]');
    for (const secret of ['91234567500017', '84512345400017', '73282932000074', 'BOULANGERIE', 'AMIS DU LOIRET'])
      expect(text).not.toContain(secret);
  });

  // The fake closes here: the tests after it do not need it.
  it('with the provider down: 503 on lookup, and the values typed are accepted at submit, unverified', async () => {
    await fake.close();
    const started = Date.now();
    expectUnavailableInTime(await lookup('77856712300014'), started, TIMEOUT_MS);
    const typed = { siret: '77856712300014', raisonSociale: 'Atelier numérique', etat: 'Actif' };
    const { id, submitted, data } = await submitWith(typed);
    expect(submitted.status).toBe(200);
    expect(data).toEqual({ ...typed, provenance: 'Saisie par l’usager, non vérifiée' });
    expect(await provenanceEvents(stack, id)).toEqual([
      { comment: `${STRUCTURE_TITLE} : Saisie par l’usager, non vérifiée`, visibility: 'internal' },
    ]);
  });
  // Last: it spends what is left of this address's lookups.
  it('limits lookups per address with a 429', async () => {
    expect(await spendLookups(lookups, LOOKUP_LIMIT, () => lookup('91234567500017'))).toBe(429);
    const res = await lookup('91234567500017');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
  });
});
