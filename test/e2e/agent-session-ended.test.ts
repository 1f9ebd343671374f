import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort } from '../support/processes';
import { SessionClient } from '../support/session-client';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const SLUG = 'cantine-session-agent';
const LEA = 'lea.fontaine@mairie-de-demo.fr';

/**
 * A caseworker's session ends while her page is open: on the routes she shares with citizens (decisions,
 * messages), the API answers 401 « session ended », not 404 « introuvable », which she reads as the request gone.
 * Her browser may hold both hint cookies (`gch_agent` from her sign-in, `gch_anon` from a form she tried without
 * an account): that must still say 401, while a caller who is no agent learns nothing about which requests exist.
 */
describe('an agent whose session ended, on the routes citizens share', () => {
  let idp: RunningIdp;
  let stack: Stack;
  let base: string;
  let tenant: Tenant;
  /** Filed by a citizen signed in with FranceConnect, and one filed without an account. */
  let signedInRequest: string;
  let anonymousRequest: string;

  /** A request, filed from `client`'s browser session (anonymous or signed in). */
  async function file(client: CookieClient): Promise<string> {
    const post = async (path: string, body: unknown) => {
      const res = await client.request(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': client.cookie(base, 'csrf_token') ?? '' },
        body: JSON.stringify(body),
      });
      expect([path, res.status < 300]).toEqual([path, true]);
      return (await res.json()) as { id: string };
    };
    // A first GET gives the browser its CSRF cookie.
    await client.request(`${base}/api/v1/public/services`);
    const draft = await post(`/api/v1/public/services/${SLUG}/submissions`, { data: validCanteenData() });
    await post(`/api/v1/submissions/${draft.id}/submit`, {});
    return draft.id;
  }

  /** What the routes citizens share answer to `client`, for these requests. */
  async function answers(client: CookieClient, ids: string[]) {
    const out: Array<[string, string, number, string]> = [];
    for (const id of ids) {
      const csrf = client.cookie(base, 'csrf_token') ?? '';
      const send = (method: string, path: string, body?: unknown) =>
        client.request(`${base}${path}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      for (const [name, res] of [
        ['decision', await send('POST', `/api/v1/submissions/${id}/transitions`, { transition: 'start_review' })],
        ['message', await send('POST', `/api/v1/submissions/${id}/messages`, { body: 'Bonjour.' })],
        ['read', await send('GET', `/api/v1/submissions/${id}`)],
      ] as const) {
        out.push([id, name, res.status, ((await res.json()) as { code: string }).code]);
      }
    }
    return out;
  }

  const each = (ids: string[], status: number, code: string) =>
    ids.flatMap((id) => ['decision', 'message', 'read'].map((name) => [id, name, status, code]));

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: { PORT: String(port), PUBLIC_URL: base, ...signInEnv(idp.issuer, idp.secret) },
    });
    tenant = await createTenant(stack);
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', tenant.auth)
      .send({ slug: SLUG, title: 'Cantine', organisationId: tenant.organisationId, definition: canteenDefinition() })
      .expect(201);
    await request(stack.url).post(`/api/v1/services/${SLUG}/publish`).set('Authorization', tenant.auth).expect(201);
    await stack.api
      .get(DataSource)
      .query(`INSERT INTO agent_membership (organisation_id, email, role) VALUES ($1, $2, 'caseworker')`, [
        tenant.organisationId,
        LEA,
      ]);
    const marie = await SessionClient.signIn(base, 'citizen', 'citoyen-marie-claire-dubois');
    signedInRequest = await file(marie.cookies);
    anonymousRequest = await file(new CookieClient());
  });
  afterAll(async () => {
    await stack?.close();
    await idp?.stop();
  });

  it('answers 401 to her browser holding both hints, for every id, and « introuvable » still to strangers', async () => {
    // Léa's browser: a form tried without an account (gch_anon), then her sign-in as an agent (gch_agent).
    const browser = new CookieClient();
    await file(browser);
    const lea = await SessionClient.signIn(base, 'agent', 'agent-lea', browser);
    expect([browser.cookie(base, 'gch_anon'), browser.cookie(base, 'gch_agent')]).toEqual(['1', '1']);
    const message = await lea.call('POST', `/api/v1/submissions/${signedInRequest}/messages`, { body: 'Bonjour.' });
    expect(message.status).toBe(201);

    // Her session ends on the server (idle time, an operator's restart of the sessions).
    const [, ended] = (await stack.api
      .get(DataSource)
      .query(`DELETE FROM session WHERE sess::text LIKE $1`, [`%${LEA}%`])) as [unknown, number];
    expect(ended).toBeGreaterThan(0);
    const nobody = randomUUID();
    // Signed-in citizen's request, or none at all: the same 401, so her browser learns nothing of which exists.
    expect(await answers(browser, [signedInRequest, nobody, 'pas-un-identifiant'])).toEqual(
      each([signedInRequest, nobody, 'pas-un-identifiant'], 401, 'UNAUTHENTICATED'),
    );
    // A request started without an account: « session expirée », a 401 too (what gch_anon alone says of it, so
    // that a citizen's page in the same browser still offers to keep its answers).
    expect(await answers(browser, [anonymousRequest])).toEqual(each([anonymousRequest], 401, 'SESSION_EXPIRED'));

    // Strangers keep « introuvable »: no cookie at all, or a browser that only worked anonymously.
    expect(await answers(new CookieClient(), [signedInRequest, nobody])).toEqual(
      each([signedInRequest, nobody], 404, 'NOT_FOUND'),
    );
    const citizenOnly = new CookieClient();
    await file(citizenOnly);
    await stack.api.get(DataSource).query(`DELETE FROM session WHERE sess::text NOT LIKE '%"user"%'`);
    expect(citizenOnly.cookie(base, 'gch_anon')).toBe('1');
    expect(await answers(citizenOnly, [signedInRequest, nobody])).toEqual(
      each([signedInRequest, nobody], 404, 'NOT_FOUND'),
    );

    // Signed in again, the same browser acts as before.
    const again = await SessionClient.signIn(base, 'agent', 'agent-lea', browser);
    const started = await again.call('POST', `/api/v1/submissions/${signedInRequest}/transitions`, {
      transition: 'start_review',
    });
    expect([started.status, started.body.status]).toEqual([200, 'in_review']);
  });
});
