import { CookieClient } from '../support/browserless';
import { signInEnv } from '../support/idp';
import { freePort } from '../support/processes';
import { startRogueIdp, type RogueIdp, type RogueMode } from '../support/rogue-idp';
import { startStack, type Stack } from '../support/stack';

/**
 * Forged and tampered tokens from a provider the attacker controls: each is
 * refused with a clear page and no session. The 'good' case proves the
 * harness would otherwise sign the person in.
 */
describe('sign-in attacks', () => {
  let rogue: RogueIdp;
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    rogue = await startRogueIdp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        PORT: String(port),
        PUBLIC_URL: base,
        ...signInEnv(rogue.issuer, rogue.clientSecret, { citizen: rogue.clientId }),
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await rogue?.close();
  });

  async function attempt(mode: RogueMode) {
    rogue.mode = mode;
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=citizen`);
    const back = await client.follow(start.headers.get('location')!, `${base}/auth/callback`);
    const callback = await client.request(back.url);
    const me = await client.request(`${base}/api/v1/me`);
    return { callback, me };
  }

  it('signs in with well-formed tokens (the harness works)', async () => {
    const { callback, me } = await attempt('good');
    expect(callback.status).toBe(303);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ kind: 'citizen', givenName: 'Eve' });
  });

  it.each<RogueMode>([
    'alg-none',
    'other-key',
    'hs256-with-secret',
    'wrong-aud',
    'wrong-iss',
    'expired',
    'wrong-nonce',
    'no-nonce',
    'wrong-acr',
    'userinfo-other-sub',
    'userinfo-unsigned',
    'userinfo-other-key',
  ])('refuses %s with a clear page and no session', async (mode) => {
    const { callback, me } = await attempt(mode);
    expect(callback.status).toBe(403);
    const html = await callback.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('La connexion n’a pas abouti');
    expect(me.status).toBe(401);
  });

  it('refuses a callback with a state it never issued', async () => {
    rogue.mode = 'good';
    const client = new CookieClient();
    await client.request(`${base}/auth/login?as=citizen`);
    const forged = await client.request(`${base}/auth/callback?code=abc&state=${'x'.repeat(32)}`);
    expect(forged.status).toBe(403);
    expect((await client.request(`${base}/api/v1/me`)).status).toBe(401);
  });

  it('refuses a callback without any sign-in under way', async () => {
    const res = await new CookieClient().request(`${base}/auth/callback?code=abc&state=def`);
    expect(res.status).toBe(403);
  });
});
