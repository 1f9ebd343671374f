import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { CookieClient } from '../support/browserless';
import { startIdp, type RunningIdp } from '../support/idp';

/**
 * The bundled FranceConnect-like provider over real HTTP, as an RP sees it:
 * discovery, keys, the authorization code flow with state, a long nonce and
 * acr_values=eidas1, the ID token and the JWT userinfo verified against the
 * published keys, cancellation, and RP-initiated logout.
 */
describe('bundled identity provider', () => {
  jest.setTimeout(60_000);
  let idp: RunningIdp;
  let issuer: string;
  let secret: string;
  const redirectUri = 'http://127.0.0.1:59999/auth/callback';
  const postLogout = 'http://127.0.0.1:59999/';

  beforeAll(async () => {
    idp = await startIdp({ redirectUris: [redirectUri], postLogoutRedirectUris: [postLogout] });
    issuer = idp.issuer;
    secret = idp.secret;
  });
  afterAll(() => idp?.stop());

  const authorizeUrl = (clientId: string, state: string, nonce: string) =>
    `${issuer}/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid given_name family_name birthdate birthplace birthcountry gender email preferred_username',
      state,
      nonce,
      acr_values: 'eidas1',
    })}`;

  it('publishes discovery and ES256 and RS256 keys under /api/v2', async () => {
    const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      issuer,
      acr_values_supported: ['eidas1'],
      userinfo_signing_alg_values_supported: expect.arrayContaining(['ES256', 'RS256']),
      end_session_endpoint: `${issuer}/session/end`,
    });
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<{ alg: string; d?: string }> };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) expect(key.d).toBeUndefined();
  });

  it('signs a citizen in: verified ID token with acr eidas1, claims in a signed userinfo, then logs out', async () => {
    const client = new CookieClient();
    const state = randomBytes(16).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    const login = await client.follow(authorizeUrl('guichet-usagers', state, nonce));
    expect(login.url).toMatch(/\/interaction\/[\w-]+$/);
    const html = await login.res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<legend>Identités de test</legend>');
    expect(html).toContain('Inés García López — née à l’étranger');

    const posted = await client.postForm(`${login.url}/login`, { identity: 'citoyen-jean-pierre-lefevre' });
    const back = await client.follow(new URL(posted.headers.get('location')!, login.url).toString(), redirectUri);
    const callback = new URL(back.url);
    expect(callback.searchParams.get('state')).toBe(state);
    const code = callback.searchParams.get('code')!;
    expect(code).toBeTruthy();

    const token = (await (
      await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: 'guichet-usagers',
          client_secret: secret,
        }),
      })
    ).json()) as { id_token: string; access_token: string };
    const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const idToken = await jwtVerify(token.id_token, keys, {
      issuer,
      audience: 'guichet-usagers',
      algorithms: ['ES256'],
    });
    expect(idToken.payload).toMatchObject({ sub: 'citoyen-jean-pierre-lefevre', nonce, acr: 'eidas1' });
    expect(idToken.payload.given_name).toBeUndefined();

    const userinfo = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect(userinfo.headers.get('content-type')).toMatch(/^application\/jwt/);
    const jwt = await userinfo.text();
    expect(decodeProtectedHeader(jwt).alg).toBe('ES256');
    const claims = await jwtVerify(jwt, keys, { issuer, audience: 'guichet-usagers', algorithms: ['ES256'] });
    expect(claims.payload).toMatchObject({
      sub: 'citoyen-jean-pierre-lefevre',
      given_name: 'Jean-Pierre',
      family_name: 'LEFÈVRE',
      preferred_username: 'MARTIN',
      birthdate: '1975-03-02',
      birthplace: '75056',
      birthcountry: '99100',
    });

    const logout = await client.follow(
      `${issuer}/session/end?${new URLSearchParams({ id_token_hint: token.id_token, post_logout_redirect_uri: postLogout, state: 'bye' })}`,
    );
    const form = await logout.res.text();
    expect(form).toContain('Se déconnecter');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1];
    expect(xsrf).toBeTruthy();
    const done = await client.postForm(`${issuer}/session/end/confirm`, { xsrf: xsrf!, logout: 'yes' });
    const after = await client.follow(new URL(done.headers.get('location')!, issuer).toString(), postLogout);
    expect(after.url).toBe(`${postLogout}?state=bye`);
  });

  it('gives an agent client the agent identities only', async () => {
    const client = new CookieClient();
    const login = await client.follow(authorizeUrl('guichet-agents', 'abc', randomBytes(32).toString('base64url')));
    const html = await login.res.text();
    expect(html).toContain('Claire Rousseau — conceptrice');
    expect(html).not.toContain('Dubois');
    const refused = await client.postForm(`${login.url}/login`, { identity: 'citoyen-leo-bernard' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('role="alert"');
  });

  it('sends the citizen back with access_denied when they cancel', async () => {
    const client = new CookieClient();
    const login = await client.follow(
      authorizeUrl('guichet-usagers', 'cancel-state', randomBytes(32).toString('base64url')),
    );
    const aborted = await client.postForm(`${login.url}/abort`, {});
    const back = await client.follow(new URL(aborted.headers.get('location')!, login.url).toString(), redirectUri);
    const callback = new URL(back.url);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('cancel-state');
  });

  it('refuses an unknown redirect_uri with a page, never a redirect', async () => {
    const res = await fetch(
      authorizeUrl('guichet-usagers', 's', 'n'.repeat(32)).replace(
        encodeURIComponent(redirectUri),
        encodeURIComponent('https://evil.example/cb'),
      ),
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('La connexion n’a pas abouti');
  });
});
