import { Writable } from 'node:stream';
import { MISBEHAVING_IDENTITIES, SLOW_QUOTIENT_MS } from '../../apps/fake-apis/src/particulier';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { quotientDefinition } from '../fixtures/quotient';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService } from '../support/tenant';

const TOKEN = 'jeton-api-particulier-de-test-0123456789';
const TIMEOUT_MS = 1000;
const PER_ACCOUNT = 8;
const PER_IP = 30;
const SLUG = 'cantine-quotient';
const QF_PATH = '/particulier/v3/dss/quotient_familial/identite';

/**
 * The family quotient over real HTTP (issue 23), against the bundled fake of
 * API Particulier and the bundled FranceConnect identity provider: only a
 * citizen signed in with FranceConnect who consents gets their quotient
 * (401 / 403 / 400 otherwise), the CAF's and the MSA's answers, the unknown
 * person (404), the API answering garbage, failing or slow (503 within the
 * timeout); at submit the locked values are checked against the API for the
 * submitting citizen, a tampered one refused with its pointer, and whatever
 * the API does the typed values go through, « Déclaré par l’usager ». Neither
 * the token nor the answers reach the logs.
 */
describe('family quotient (API Particulier)', () => {
  let idp: RunningIdp;
  let fake: RunningFakeApis;
  let stack: Stack;
  let base: string;
  const logs: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    fake = await startFakeApis();
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      logStream: new Writable({
        write(chunk, _enc, done) {
          logs.push(String(chunk));
          done();
        },
      }),
      env: {
        PORT: String(port),
        PUBLIC_URL: base,
        ...signInEnv(idp.issuer, idp.secret),
        PARTICULIER_API_URL: fake.particulierUrl,
        PARTICULIER_API_TOKEN: TOKEN,
        PARTICULIER_API_TIMEOUT_MS: String(TIMEOUT_MS),
        RATE_LIMIT_QUOTIENT_PER_ACCOUNT: String(PER_ACCOUNT),
        RATE_LIMIT_QUOTIENT_PER_IP: String(PER_IP),
        // Client addresses set with X-Forwarded-For for the per-address limit (as in rate-limits.test.ts).
        TRUST_PROXY: 'loopback',
      },
    });
    const designer = await createTenant(stack);
    await publishService(stack.url, designer, { slug: SLUG, title: 'Cantine', definition: quotientDefinition() });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await idp?.stop();
    await fake?.close();
  });

  const send = (client: CookieClient, method: string, path: string, body?: unknown, csrf = true, ip?: string) => {
    const token = client.cookie(base, 'csrf_token');
    return client.request(`${base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(csrf && token ? { 'x-csrf-token': token } : {}),
        ...(ip ? { 'x-forwarded-for': ip } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };

  /** The whole OpenID Connect flow with one of the bundled provider's identities. */
  async function signIn(identity: string, as: 'citizen' | 'agent' = 'citizen'): Promise<CookieClient> {
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=${as}&returnTo=/`);
    const login = await client.follow(new URL(start.headers.get('location')!).toString());
    const posted = await client.postForm(`${login.url}/login`, { identity });
    const callback = await client.follow(
      new URL(posted.headers.get('location')!, login.url).toString(),
      `${base}/auth/callback`,
    );
    expect((await client.request(callback.url)).status).toBe(303);
    await client.request(`${base}/api/v1/me`);
    return client;
  }

  const ask = (client: CookieClient, body: unknown = { consentement: true }) =>
    send(client, 'POST', '/api/v1/me/quotient-familial', body);

  let marie: CookieClient;
  beforeAll(async () => {
    marie = await signIn('citoyen-marie-claire-dubois');
  });

  it('gives a FranceConnect citizen who consents the CAF’s quotient, never cached', async () => {
    const res = await ask(marie);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      quotient: 650,
      annee: 2026,
      mois: 10,
      regime: 'CAF',
      allocataires: ['MARIE-CLAIRE ANNE DUBOIS', 'MARC PETIT'],
      valeurs: {
        quotient: 650,
        periode: '2026-10',
        regime: 'CAF',
        allocataire: 'MARIE-CLAIRE ANNE DUBOIS, MARC PETIT',
      },
      provenance: 'Fourni par la CAF via API Particulier',
    });
  });

  it('gives the MSA’s quotient to an MSA family (usage name preferred for the allocataire)', async () => {
    const res = await ask(await signIn('citoyen-jean-pierre-lefevre'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      quotient: 420,
      regime: 'MSA',
      allocataires: ['JEAN-PIERRE MARTIN'],
      provenance: 'Fourni par la MSA via API Particulier',
    });
  });

  it('refuses without consent (400 with its pointer), and asks nothing of the API', async () => {
    const before = fake.hits(QF_PATH);
    for (const body of [{}, { consentement: false }, { consentement: 'true' }]) {
      const res = await ask(marie, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'INVALID_REQUEST',
        errors: [{ pointer: '/consentement', code: 'consentement_requis' }],
      });
    }
    expect(fake.hits(QF_PATH)).toBe(before);
  });

  it('is for a signed-in FranceConnect citizen only: 401 signed out, 403 an agent, 403 without the CSRF header', async () => {
    const anonymous = new CookieClient();
    await anonymous.request(`${base}/api/v1/me`);
    expect((await ask(anonymous)).status).toBe(401);
    const agent = await signIn('agent-admin', 'agent');
    const refused = await ask(agent);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('FORBIDDEN');
    const noCsrf = await send(marie, 'POST', '/api/v1/me/quotient-familial', { consentement: true }, false);
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { code: string }).code).toBe('CSRF');
  });

  it('answers 404 with a pointer for a person neither the CAF nor the MSA knows', async () => {
    const res = await ask(await signIn('citoyen-helene-gerard-loeuillet'));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errors: [{ pointer: '/quotient', code: 'quotient_inconnu' }] });
  });

  it('limits the lookups per account (429), other accounts unaffected', async () => {
    const leo = await signIn('citoyen-leo-bernard');
    const statuses: number[] = [];
    for (let i = 0; i <= PER_ACCOUNT; i++) statuses.push((await ask(leo)).status);
    expect(statuses.slice(0, PER_ACCOUNT).every((s) => s === 404)).toBe(true);
    expect(statuses[PER_ACCOUNT]).toBe(429);
    expect((await ask(await signIn('citoyen-ines-garcia-lopez'))).status).toBe(200);
  });

  it('answers 503 LOOKUP_UNAVAILABLE when the API answers garbage, fails, or is slower than the timeout', async () => {
    expect(MISBEHAVING_IDENTITIES.garbage.nomNaissance).toBe('DUBOIS');
    for (const identity of ['citoyen-angela-dubois', 'citoyen-nguyen-thi-mai', 'citoyen-yannick-le-goff']) {
      const client = await signIn(identity);
      const started = Date.now();
      const res = await ask(client);
      expect({ identity, status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({
        identity,
        status: 503,
        code: 'LOOKUP_UNAVAILABLE',
      });
      expect(Date.now() - started).toBeLessThan(SLOW_QUOTIENT_MS / 2);
    }
  });

  async function draft(client: CookieClient, quotientFamilial: Record<string, unknown>): Promise<string> {
    const created = await send(client, 'POST', `/api/v1/public/services/${SLUG}/submissions`, {
      data: { enfant: 'Lucie', quotientFamilial },
    });
    expect(created.status).toBe(201);
    return ((await created.json()) as { id: string }).id;
  }
  const submit = (client: CookieClient, id: string) => send(client, 'POST', `/api/v1/submissions/${id}/submit`);
  const filed = async (client: CookieClient, id: string) =>
    ((await (await send(client, 'GET', `/api/v1/submissions/${id}`)).json()) as { data: Record<string, unknown> }).data
      .quotientFamilial;

  it('files the API’s values with their provenance, the locked ones checked at submit', async () => {
    const id = await draft(marie, {
      consentement: true,
      quotient: 650,
      periode: '2026-10',
      regime: 'CAF',
      allocataire: 'MARIE-CLAIRE ANNE DUBOIS, MARC PETIT',
    });
    const res = await submit(marie, id);
    expect(res.status).toBe(200);
    expect(await filed(marie, id)).toEqual({
      consentement: true,
      quotient: 650,
      periode: '2026-10',
      regime: 'CAF',
      allocataire: 'MARIE-CLAIRE ANNE DUBOIS, MARC PETIT',
      provenance: 'Fourni par la CAF via API Particulier',
    });
  });

  it('refuses a tampered locked quotient at submit, with its pointer', async () => {
    const id = await draft(marie, { consentement: true, quotient: 300, periode: '2026-10', regime: 'CAF' });
    const res = await submit(marie, id);
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      code: string;
      errors: Array<{ pointer: string; code: string; message: string }>;
    };
    expect(body.code).toBe('SUBMISSION_INVALID');
    expect(body.errors).toEqual([
      {
        pointer: '/quotientFamilial/quotient',
        code: 'valeur_verrouillee',
        message: 'Cette valeur est fournie par la CAF via API Particulier et ne peut pas être modifiée (« 650 »).',
      },
    ]);
  });

  it('keeps a quotient typed without consent as declared, without asking the API', async () => {
    const before = fake.hits(QF_PATH);
    const id = await draft(marie, { quotient: 300 });
    expect((await submit(marie, id)).status).toBe(200);
    expect(await filed(marie, id)).toEqual({ quotient: 300, provenance: 'Déclaré par l’usager' });
    expect(fake.hits(QF_PATH)).toBe(before);
  });

  it('never blocks the request when the API is slow or failing: the typed values are filed, unverified', async () => {
    for (const identity of ['citoyen-yannick-le-goff', 'citoyen-nguyen-thi-mai']) {
      const client = await signIn(identity);
      const id = await draft(client, { consentement: true, quotient: 512, periode: '2026-09', regime: 'MSA' });
      const res = await submit(client, id);
      expect({ identity, status: res.status }).toEqual({ identity, status: 200 });
      expect(await filed(client, id)).toEqual({
        consentement: true,
        quotient: 512,
        periode: '2026-09',
        regime: 'MSA',
        provenance: 'Déclaré par l’usager',
      });
    }
  });

  it('limits the lookups per address too (429), whichever account asks; another address unaffected', async () => {
    const from = (client: CookieClient, ip: string) =>
      send(client, 'POST', '/api/v1/me/quotient-familial', { consentement: true }, true, ip);
    const accounts = await Promise.all(
      [
        'citoyen-jean-pierre-lefevre',
        'citoyen-ines-garcia-lopez',
        'citoyen-helene-gerard-loeuillet',
        'citoyen-yannick-le-goff',
        'citoyen-angela-dubois',
        'citoyen-nguyen-thi-mai',
      ].map((i) => signIn(i)),
    );
    // Accounts each under their own limit (one lookup or none before): the address's counter is what refuses.
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP + 1; i++) statuses.push((await from(accounts[i % 6]!, '203.0.113.7')).status);
    expect(statuses.slice(0, PER_IP).includes(429)).toBe(false);
    expect(statuses[PER_IP]).toBe(429);
    expect((await from(accounts[1]!, '203.0.113.8')).status).toBe(200);
  });

  it('logs neither the token, nor the identity sent, nor the API’s answers', () => {
    const all = logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('MARC PETIT');
    expect(all).not.toContain('nomNaissance');
    expect(all).not.toContain('Fourni par la CAF');
  });
});
