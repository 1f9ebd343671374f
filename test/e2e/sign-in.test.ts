import { sessionCookieName } from '@guichet/config';
import { DataSource } from 'typeorm';
import { DEMO_ORGANISATION, seedDemoAgents, seedDemoOrganisation } from '@guichet/persistence';
import request from 'supertest';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant } from '../support/tenant';

/** Citizens and agents sign in and out through the bundled provider, over real HTTP. */
describe('sign-in through the bundled identity provider', () => {
  let idp: RunningIdp;
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        PORT: String(port),
        PUBLIC_URL: base,
        ...signInEnv(idp.issuer, idp.secret),
      },
    });
    const ds = stack.api.get(DataSource);
    const demo = await seedDemoOrganisation(ds);
    await seedDemoAgents(ds, demo.id);
  });
  afterAll(async () => {
    await stack?.close();
    await idp?.stop();
  });

  /** Runs the whole flow for an identity; returns the client (with its cookies) and the callback URL used. */
  async function signIn(as: 'citizen' | 'agent', identity: string, returnTo = '/mes-demarches') {
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=${as}&returnTo=${encodeURIComponent(returnTo)}`);
    expect(start.status).toBe(302);
    const before = client.cookie(base, sessionCookieName(stack.config));
    const authorize = new URL(start.headers.get('location')!);
    const login = await client.follow(authorize.toString());
    const posted = await client.postForm(`${login.url}/login`, { identity });
    const callback = await client.follow(
      new URL(posted.headers.get('location')!, login.url).toString(),
      `${base}/auth/callback`,
    );
    const landed = await client.request(callback.url);
    return { client, authorize, callbackUrl: callback.url, landed, sessionBefore: before };
  }

  const csrfOf = (client: CookieClient) => client.cookie(base, 'csrf_token')!;

  it('asks FranceConnect-style: state, a 43-character nonce, acr_values=eidas1, one scope per claim', async () => {
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=citizen`);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.toString().startsWith(`${idp.issuer}/authorize`)).toBe(true);
    const params = Object.fromEntries(authorize.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: 'guichet-usagers',
      acr_values: 'eidas1',
      redirect_uri: `${base}/auth/callback`,
    });
    expect(params.nonce!.length).toBeGreaterThanOrEqual(32);
    expect(params.state!.length).toBeGreaterThanOrEqual(32);
    expect(params.scope!.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'given_name', 'family_name', 'birthdate', 'email']),
    );
  });

  it('signs a citizen in, rotates the session, returns them where they were, and signs them out', async () => {
    const anonymous = new CookieClient();
    expect((await anonymous.request(`${base}/api/v1/me`)).status).toBe(401);

    const { client, landed, sessionBefore } = await signIn('citizen', 'citoyen-jean-pierre-lefevre', '/mes-demarches');
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe('/mes-demarches');
    // A fresh session id at sign-in: a session fixed before (the one the sign-in started in) cannot be ridden.
    expect(sessionBefore).toBeDefined();
    expect(client.cookie(base, sessionCookieName(stack.config))).toBeDefined();
    expect(client.cookie(base, sessionCookieName(stack.config))).not.toBe(sessionBefore);
    const stale = await fetch(`${base}/api/v1/me`, {
      headers: { cookie: `${sessionCookieName(stack.config)}=${sessionBefore}` },
    });
    expect(stale.status).toBe(401);
    const me = await client.request(`${base}/api/v1/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      kind: 'citizen',
      givenName: 'Jean-Pierre',
      familyName: 'LEFÈVRE',
      email: 'jp.martin@example.fr',
      roles: [],
    });
    const session = (await (await client.request(`${base}/auth/session`)).json()) as { expiresAt: string };
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now() + 20 * 60_000);
    const extended = await client.request(`${base}/auth/session/extend`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfOf(client) },
    });
    expect(extended.status).toBe(200);
    const after = (await extended.json()) as { expiresAt: string };
    expect(Date.parse(after.expiresAt)).toBeGreaterThanOrEqual(Date.parse(session.expiresAt));
    expect((await new CookieClient().request(`${base}/auth/session/extend`, { method: 'POST' })).status).toBe(401);

    // A citizen never reaches the agents' routes.
    expect((await client.request(`${base}/api/v1/services`)).status).toBe(403);

    const noCsrf = await client.request(`${base}/auth/logout`, { method: 'POST' });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { code: string }).code).toBe('CSRF');
    const out = await client.request(`${base}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfOf(client) },
    });
    expect(out.status).toBe(200);
    const { redirectTo } = (await out.json()) as { redirectTo: string };
    const logout = new URL(redirectTo);
    expect(logout.toString().startsWith(`${idp.issuer}/session/end`)).toBe(true);
    expect(logout.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/`);
    expect((await client.request(`${base}/api/v1/me`)).status).toBe(401);
  });

  it('reads a stored session only until its expiry, whatever the cookie says', async () => {
    const { client } = await signIn('citizen', 'citoyen-jean-pierre-lefevre');
    const me = await client.request(`${base}/api/v1/me`);
    expect(me.status).toBe(200);
    // Read to its end: express-session holds back the answer's last byte until its touch (a new expiry) is stored,
    // so an UPDATE sent as soon as the status arrives could run before that touch and be overwritten by it.
    await me.text();
    const sid = decodeURIComponent(client.cookie(base, sessionCookieName(stack.config))!).replace(
      /^s:([^.]+)\..*$/,
      '$1',
    );
    const ds = stack.api.get(DataSource);
    // The row is still there, the browser's cookie still valid: only the stored expiry has passed.
    const [, updated] = (await ds.query(`UPDATE "session" SET expire = now() - interval '1 second' WHERE sid = $1`, [
      sid,
    ])) as [unknown, number];
    expect(updated).toBe(1);
    expect((await client.request(`${base}/api/v1/me`)).status).toBe(401);
  });

  it('refuses a replayed callback: the state is single-use', async () => {
    const { callbackUrl, landed } = await signIn('citizen', 'citoyen-yannick-le-goff');
    expect(landed.status).toBe(303);
    const attacker = new CookieClient();
    const replay = await attacker.request(callbackUrl);
    expect(replay.status).toBe(403);
    expect(await replay.text()).toContain('La connexion n’a pas abouti');
    expect((await attacker.request(`${base}/api/v1/me`)).status).toBe(401);
  });

  it('never redirects outside the site after sign-in', async () => {
    for (const evil of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const { landed } = await signIn('citizen', 'citoyen-leo-bernard', evil);
      expect(landed.headers.get('location')).toBe('/');
    }
  });

  it('shows a clear page when the citizen cancels at the provider', async () => {
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=citizen`);
    const login = await client.follow(start.headers.get('location')!);
    const aborted = await client.postForm(`${login.url}/abort`, {});
    const callback = await client.follow(
      new URL(aborted.headers.get('location')!, login.url).toString(),
      `${base}/auth/callback`,
    );
    const page = await client.request(callback.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Connexion annulée');
    expect((await client.request(`${base}/api/v1/me`)).status).toBe(401);
  });

  it('gives agents their roles, and lets a designer work with the session and the CSRF token', async () => {
    const { client } = await signIn('agent', 'agent-claire', '/studio');
    const me = (await (await client.request(`${base}/api/v1/me`)).json()) as {
      kind: string;
      roles: Array<{ role: string }>;
    };
    expect(me.kind).toBe('agent');
    expect(me.roles.map((r) => r.role)).toEqual(['designer']);
    expect((await client.request(`${base}/api/v1/services`)).status).toBe(200);

    const organisationId = (
      await stack.api.get(DataSource).query('SELECT id FROM organisation WHERE slug = $1', [DEMO_ORGANISATION.slug])
    )[0].id;
    const body = JSON.stringify({ slug: 'cantine-claire', title: 'Cantine', organisationId });
    const headers = { 'content-type': 'application/json' };
    expect((await client.request(`${base}/api/v1/services`, { method: 'POST', headers, body })).status).toBe(403);
    const created = await client.request(`${base}/api/v1/services`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': csrfOf(client) },
      body,
    });
    expect(created.status).toBe(201);

    const caseworker = (await signIn('agent', 'agent-lea', '/instruction')).client;
    expect(
      (
        await caseworker.request(`${base}/api/v1/services`, {
          method: 'POST',
          headers: { ...headers, 'x-csrf-token': csrfOf(caseworker) },
          body,
        })
      ).status,
    ).toBe(403);
  });

  it('lets a signed-in agent choose how they hear of new requests; citizens and bad values are refused', async () => {
    const lea = (await signIn('agent', 'agent-lea', '/instruction')).client;
    // Never chosen: the daily digest, not one email per request.
    expect(await (await lea.request(`${base}/api/v1/me/preferences`)).json()).toEqual({ notify: 'digest' });
    const put = (client: CookieClient, body: unknown) =>
      client.request(`${base}/api/v1/me/preferences`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfOf(client) },
        body: JSON.stringify(body),
      });
    expect((await put(lea, { notify: 'instant' })).status).toBe(200);
    expect(await (await lea.request(`${base}/api/v1/me/preferences`)).json()).toEqual({ notify: 'instant' });
    const [row] = await stack.api
      .get(DataSource)
      .query(`SELECT notify FROM agent_preference WHERE email = 'lea.fontaine@mairie-de-demo.fr'`);
    expect(row).toEqual({ notify: 'instant' });
    const wrong = await put(lea, { notify: 'toujours' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { errors: Array<{ pointer: string }> }).errors[0]!.pointer).toBe('/notify');
    const citizen = (await signIn('citizen', 'citoyen-leo-bernard')).client;
    expect((await citizen.request(`${base}/api/v1/me/preferences`)).status).toBe(403);
  });

  it('prefills a signed-in citizen’s request from their identity and refuses a tampered locked value', async () => {
    const designer = await createTenant(stack);
    const definition = canteenDefinition();
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({ slug: 'cantine-fc', title: 'Cantine', organisationId: designer.organisationId, definition })
      .expect(201);
    await request(stack.url)
      .post('/api/v1/services/cantine-fc/publish')
      .set('Authorization', designer.auth)
      .expect(201);

    const { client } = await signIn('citizen', 'citoyen-marie-claire-dubois');
    const headers = () => ({ 'content-type': 'application/json', 'x-csrf-token': csrfOf(client) });
    const created = await client.request(`${base}/api/v1/public/services/cantine-fc/submissions`, {
      method: 'POST',
      headers: headers(),
      body: '{}',
    });
    expect(created.status).toBe(201);
    const draft = (await created.json()) as { id: string; data: { parent: { lastName: string } } };
    expect(draft.data.parent.lastName).toBe('DUBOIS');

    const tampered = {
      ...validCanteenData(),
      parent: { ...(validCanteenData().parent as object), lastName: 'Quelquun' },
    };
    const refused = await client.request(`${base}/api/v1/submissions/${draft.id}`, {
      method: 'PATCH',
      headers: headers(),
      body: JSON.stringify({ data: tampered }),
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { errors: Array<{ pointer: string; code: string }> }).errors).toEqual([
      expect.objectContaining({ pointer: '/parent/lastName', code: 'prefill_locked' }),
    ]);
    const honest = { ...tampered, parent: { ...tampered.parent, lastName: 'DUBOIS' } };
    expect(
      (
        await client.request(`${base}/api/v1/submissions/${draft.id}`, {
          method: 'PATCH',
          headers: headers(),
          body: JSON.stringify({ data: honest }),
        })
      ).status,
    ).toBe(200);
    const submitted = await client.request(`${base}/api/v1/submissions/${draft.id}/submit`, {
      method: 'POST',
      headers: headers(),
      body: '{}',
    });
    expect(submitted.status).toBe(200);
    const mine = (await (await client.request(`${base}/api/v1/me/submissions`)).json()) as Array<{ id: string }>;
    expect(mine.map((m) => m.id)).toEqual([draft.id]);
    const pdf = await client.request(`${base}/api/v1/submissions/${draft.id}/receipt.html`);
    expect(await pdf.text()).toContain('<dd>Marie-Claire Anne DUBOIS</dd>');
  });

  it('answers 400 for an unknown kind of sign-in', async () => {
    const res = await new CookieClient().request(`${base}/auth/login?as=robot`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ pointer: string }> }).errors[0]!.pointer).toBe('/as');
  });
});

describe('sign-in with the provider down', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        FC_ISSUER: `http://127.0.0.1:${await freePort()}/api/v2`,
        FC_CLIENT_ID: 'x',
        FC_CLIENT_SECRET: 'y'.repeat(32),
      },
    });
  });
  afterAll(() => stack?.close());

  it('answers a fast 503, and the API itself stays up', async () => {
    const res = await new CookieClient().request(`${stack.url}/auth/login?as=citizen`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('SIGN_IN_UNAVAILABLE');
    const agents = await new CookieClient().request(`${stack.url}/auth/login?as=agent`);
    expect(agents.status).toBe(503);
    expect((await fetch(`${stack.url}/health/live`)).status).toBe(200);
  });
});
