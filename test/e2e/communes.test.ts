import request from 'supertest';
import { communeDefinition } from '../fixtures/commune';
import { spendLookups, startLookupStack, submitDraft } from '../support/lookup-e2e';
import type { Stack } from '../support/stack';

const LOOKUP_LIMIT = 60;

/**
 * The commune search over HTTP (issue 23): answers, bounds and hostile
 * queries (each a 400 with a code and a pointer, never a 500), the rate
 * limit; then a service with a commune field: a chosen commune is filed, an
 * altered one refused at submit with a pointer, one typed by hand completed.
 */
describe('commune field and search', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startLookupStack({
      env: { RATE_LIMIT_LOOKUPS_PER_IP: String(LOOKUP_LIMIT) },
      service: { slug: 'commune-famille', title: 'Famille', definition: communeDefinition() },
    });
  });
  afterAll(() => stack?.close());

  let lookups = 0;
  const search = (query: string) => {
    lookups++;
    return request(stack.url).get(`/api/v1/public/communes?${query}`);
  };

  it('answers communes by name, by postcode, within a territory', async () => {
    const byName = await search('q=orl&limit=3').expect(200);
    expect(byName.headers['cache-control']).toBe('public, max-age=3600');
    expect(byName.body).toHaveLength(3);
    expect(byName.body[0]).toEqual({
      codeInsee: '45234',
      nom: 'Orléans',
      codesPostaux: ['45000', '45100'],
      departement: { code: '45', nom: 'Loiret' },
      epci: { siren: '244500468', nom: expect.stringContaining('Orléans') },
    });
    const byPostcode = await search('q=45000').expect(200);
    expect(byPostcode.body.map((c: { nom: string }) => c.nom)).toEqual(['Orléans']);
    const homonyms = await search(`q=${encodeURIComponent('st-dénis')}&limit=20`).expect(200);
    const departements = homonyms.body
      .filter((c: { nom: string }) => c.nom === 'Saint-Denis')
      .map((c: { departement: { code: string } }) => c.departement.code);
    expect(departements.sort()).toEqual(['11', '30', '93', '974']);
    const loiret = await search('q=saint&departements=45&limit=20').expect(200);
    expect(loiret.body.length).toBe(20);
    expect(loiret.body.every((c: { departement: { code: string } }) => c.departement.code === '45')).toBe(true);
    expect((await search('q=zzzz').expect(200)).body).toEqual([]);
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await request(stack.url).get('/api/docs-json').expect(200)).body;
    const operation = doc.paths['/api/v1/public/communes'].get;
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['q', 'limit', 'departements', 'epci', 'communes']),
    );
    const schema = operation.responses['200'].content['application/json'].schema;
    expect(schema.type).toBe('array');
    // The items' schema comes from apps/api/src/openapi/responses.ts's table; the decorator's DTO is a component.
    expect(Object.keys(doc.components.schemas.CommuneDto.properties)).toEqual([
      'codeInsee',
      'nom',
      'codesPostaux',
      'departement',
      'epci',
    ]);
  });

  it.each([
    ['no q', '', '/q', 'required'],
    ['an empty q', 'q=%20%20', '/q', 'required'],
    ['10 kB of q', `q=${'a'.repeat(10_000)}`, '/q', 'maxLength'],
    ['101 characters', `q=${'é'.repeat(101)}`, '/q', 'maxLength'],
    ['a NUL', 'q=orl%00', '/q', 'pattern'],
    ['a control character', 'q=orl%0Aeans', '/q', 'pattern'],
    ['a bidirectional override', `q=${encodeURIComponent('orl\u202eeans')}`, '/q', 'pattern'],
    ['a zero-width space', `q=${encodeURIComponent('orl\u200beans')}`, '/q', 'pattern'],
    ['a private-use character', `q=${encodeURIComponent('orl\ue000')}`, '/q', 'pattern'],
    ['q twice', 'q=orl&q=tours', '/q', 'type'],
    // Express's simple query parser: « q[a] » is another name, so q is missing.
    ['q as an object', 'q[a]=orl', '/q', 'required'],
    ['a limit of 0', 'q=orl&limit=0', '/limit', 'range'],
    ['a limit of 21', 'q=orl&limit=21', '/limit', 'range'],
    ['a limit that is no number', 'q=orl&limit=1e1', '/limit', 'range'],
    ['a wrong département', 'q=orl&departements=45,4x', '/departements/1', 'pattern'],
    ['too many départements', `q=orl&departements=${Array(21).fill('45').join(',')}`, '/departements', 'maxItems'],
    ['a wrong EPCI', 'q=orl&epci=12345', '/epci/0', 'pattern'],
  ])('refuses %s with a 400, a code and a pointer', async (_name, query, pointer, code) => {
    const res = await search(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ pointer, code }] });
    expect(res.body.errors[0].message).toMatch(/[a-zé]/);
  });

  it('answers an escape that is not UTF-8 as text, never with a 500', async () => {
    // Read as « orl » and a replacement character, or as the raw text: an answer either way.
    const res = await search('q=orl%ED%A0%80');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
  });

  it('takes unicode it can read: a decomposed accent, a ligature, full case', async () => {
    const decomposed = await search(`q=${encodeURIComponent('Orle\u0301ans')}`).expect(200);
    expect(decomposed.body[0]?.nom).toBe('Orléans');
    const ligature = await search(`q=${encodeURIComponent('ŒUILLY')}`).expect(200);
    expect(ligature.body[0]?.nom).toBe('Œuilly');
  });

  async function submitWith(commune: Record<string, string>) {
    const { submitted, read } = await submitDraft(stack.url, 'commune-famille', { nom: 'Dubois', commune });
    return { submitted, read };
  }

  it('files a commune chosen from the list', async () => {
    const { submitted, read } = await submitWith({ codeInsee: '45234', nom: 'Orléans', codePostal: '45100' });
    expect(submitted.status).toBe(200);
    expect(JSON.stringify(read.body)).toContain('45234');
  });

  it.each([
    ['a code that does not exist', { codeInsee: '45999', nom: 'Orléans', codePostal: '45000' }, '/commune/codeInsee'],
    ['a code of another commune', { codeInsee: '45234', nom: 'Tours', codePostal: '37000' }, '/commune/nom'],
    [
      'a postcode of another commune',
      { codeInsee: '45234', nom: 'Orléans', codePostal: '45140' },
      '/commune/codePostal',
    ],
    [
      'a commune outside the territory',
      { codeInsee: '37261', nom: 'Tours', codePostal: '37000' },
      '/commune/codeInsee',
    ],
    ['a typed commune outside the territory', { nom: 'Tours', codePostal: '37000' }, '/commune/codePostal'],
  ])('refuses %s at submit with a 422 and a pointer', async (_name, commune, pointer) => {
    const { submitted } = await submitWith(commune);
    expect(submitted.status).toBe(422);
    expect(submitted.body).toMatchObject({ code: 'SUBMISSION_INVALID', errors: [{ pointer }] });
    expect(String((submitted.body.errors as Array<{ message: string }>)[0]!.message)).toMatch(
      /commune|code postal|Orléans|territoire/i,
    );
  });

  it('completes a commune typed by hand, and keeps an unknown one unverified', async () => {
    const typed = await submitWith({ nom: 'orleans', codePostal: '45000' });
    expect(typed.submitted.status).toBe(200);
    expect(JSON.stringify(typed.read.body)).toContain('"codeInsee":"45234"');
    const unknown = await submitWith({ nom: 'La Source', codePostal: '45100' });
    expect(unknown.submitted.status).toBe(200);
    expect(JSON.stringify(unknown.read.body)).not.toContain('codeInsee');
  });

  // Last: it spends what is left of this address's lookups.
  it('limits lookups per address with a 429', async () => {
    expect(await spendLookups(lookups, LOOKUP_LIMIT, () => search('q=orl'))).toBe(429);
    const res = await search('q=orl');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
  });
});
