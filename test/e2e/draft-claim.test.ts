import { DataSource } from 'typeorm';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant } from '../support/tenant';

/**
 * A careless citizen loses nothing (issue 18): the draft started without an
 * account follows them through « Se connecter » (over the bundled identity
 * provider), and a request whose anonymous session is gone says so in words
 * instead of « ressource introuvable ».
 */
describe('anonymous drafts and sign-in', () => {
  let idp: RunningIdp;
  let stack: Stack;
  let base: string;
  const SLUG = 'cantine-rattachement';

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: { PORT: String(port), PUBLIC_URL: base, RATE_LIMITS: 'off', ...signInEnv(idp.issuer, idp.secret) },
    });
    const designer = await createTenant(stack);
    const call = (path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: designer.auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const definition = canteenDefinition();
    expect(
      (
        await call('/api/v1/services', {
          slug: SLUG,
          title: 'Cantine',
          organisationId: designer.organisationId,
          definition,
        })
      ).status,
    ).toBe(201);
    expect((await call(`/api/v1/services/${SLUG}/publish`)).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await idp?.stop();
  });

  const send = (client: CookieClient, method: string, path: string, body?: unknown) => {
    const csrf = client.cookie(base, 'csrf_token');
    return client.request(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };

  async function anonymousDraft(client: CookieClient): Promise<string> {
    const created = await send(client, 'POST', `/api/v1/public/services/${SLUG}/submissions`, {
      data: { hasAllergy: 'non' },
    });
    expect(created.status).toBe(201);
    return ((await created.json()) as { id: string }).id;
  }

  /** « Se connecter » in the same browser: the whole OpenID Connect flow with a test identity. */
  async function signIn(client: CookieClient, identity: string): Promise<void> {
    const start = await client.request(`${base}/auth/login?as=citizen&returnTo=/demarches/${SLUG}`);
    const login = await client.follow(new URL(start.headers.get('location')!).toString());
    const posted = await client.postForm(`${login.url}/login`, { identity });
    const callback = await client.follow(
      new URL(posted.headers.get('location')!, login.url).toString(),
      `${base}/auth/callback`,
    );
    const landed = await client.request(callback.url);
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe(`/demarches/${SLUG}`);
  }

  it('hands the anonymous draft to the account the citizen signs in with, prefilled from their identity', async () => {
    const browser = new CookieClient();
    const id = await anonymousDraft(browser);
    const { parent, ...rest } = validCanteenData() as { parent: Record<string, unknown> };
    expect(
      (
        await send(browser, 'PATCH', `/api/v1/submissions/${id}`, {
          data: { ...rest, parent: { ...parent, lastName: 'X' } },
        })
      ).status,
    ).toBe(200);

    await signIn(browser, 'citoyen-marie-claire-dubois');
    const mine = await send(browser, 'GET', `/api/v1/submissions/${id}`);
    expect(mine.status).toBe(200);
    const view = (await mine.json()) as { status: string; data: { parent: { lastName: string; firstName: string } } };
    expect(view.status).toBe('draft');
    // The family name the service prefills (and locks) from the identity replaced what was typed anonymously.
    expect(view.data.parent.lastName).toBe('DUBOIS');
    expect(view.data.parent.firstName).toBe(parent.firstName);
    const list = (await (await send(browser, 'GET', '/api/v1/me/submissions')).json()) as Array<{ id: string }>;
    expect(list.map((s) => s.id)).toContain(id);
    // It is the account's now: the same person signing in from another browser finds it too…
    const elsewhere = new CookieClient();
    await signIn(elsewhere, 'citoyen-marie-claire-dubois');
    expect((await send(elsewhere, 'GET', `/api/v1/submissions/${id}`)).status).toBe(200);
    // …and it can be sent.
    expect((await send(browser, 'POST', `/api/v1/submissions/${id}/submit`, {})).status).toBe(200);
    const [row] = (await stack.api
      .get(DataSource)
      .query('SELECT anonymous_owner, owner_account_id FROM submission WHERE id = $1', [id])) as Array<{
      anonymous_owner: string | null;
      owner_account_id: string | null;
    }>;
    expect(row).toEqual({ anonymous_owner: null, owner_account_id: expect.any(String) });
  });

  it('claims nothing of anyone else: another browser’s anonymous draft stays theirs', async () => {
    const other = new CookieClient();
    const theirs = await anonymousDraft(other);
    const browser = new CookieClient();
    await anonymousDraft(browser);
    await signIn(browser, 'citoyen-leo-bernard');
    expect((await send(browser, 'GET', `/api/v1/submissions/${theirs}`)).status).toBe(404);
    expect((await send(other, 'GET', `/api/v1/submissions/${theirs}`)).status).toBe(200);
  });

  it('says « session expirée » for an anonymous draft whose session is gone, and keeps « introuvable » for others', async () => {
    const browser = new CookieClient();
    const id = await anonymousDraft(browser);
    // The session ends as the store ends it at its idle timeout: its row goes; the browser still sends the cookie.
    await stack.api.get(DataSource).query('DELETE FROM session');
    const save = await send(browser, 'PATCH', `/api/v1/submissions/${id}`, { data: validCanteenData() });
    expect(save.status).toBe(401);
    const body = (await save.json()) as { code: string; message: string };
    expect(body.code).toBe('SESSION_EXPIRED');
    expect(body.message).toMatch(/^Votre session a expiré/);
    // The browser dropped the expired session cookie (its max-age is the idle timeout) but kept the longer-lived
    // note that it worked anonymously here: the same answer, for the submit too.
    expect(browser.cookie(base, 'gch_anon')).toBe('1');
    const submit = await fetch(`${base}/api/v1/submissions/${id}/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'gch_anon=1' },
      body: '{}',
    });
    expect(submit.status).toBe(401);
    expect(((await submit.json()) as { code: string }).code).toBe('SESSION_EXPIRED');
    // A caller with no cookie at all learns nothing: « introuvable », as before.
    expect((await fetch(`${base}/api/v1/submissions/${id}`)).status).toBe(404);
    // Another live session is not told anything about a draft that is not its own.
    const stranger = new CookieClient();
    await anonymousDraft(stranger);
    expect((await send(stranger, 'GET', `/api/v1/submissions/${id}`)).status).toBe(404);
    // The answers the page still holds go into a new draft.
    const fresh = await send(browser, 'POST', `/api/v1/public/services/${SLUG}/submissions`, {
      data: validCanteenData(),
    });
    expect(fresh.status).toBe(201);
  });
});
