import express from 'express';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';

/**
 * An OpenID provider under the attacker's control, for attack tests: it
 * answers the code flow correctly, then hands out whatever tokens the test
 * asks for. `mode` 'good' proves the harness itself signs people in.
 */
export type RogueMode =
  | 'good'
  | 'alg-none'
  | 'other-key'
  | 'hs256-with-secret'
  | 'wrong-aud'
  | 'wrong-iss'
  | 'expired'
  | 'wrong-nonce'
  | 'no-nonce'
  | 'wrong-acr'
  | 'userinfo-other-sub'
  | 'userinfo-unsigned'
  | 'userinfo-other-key';

export interface RogueIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  mode: RogueMode;
  close(): Promise<void>;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startRogueIdp(): Promise<RogueIdp> {
  const good = await generateKeyPair('ES256');
  const other = await generateKeyPair('ES256');
  const publicJwk = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, { nonce: string }>();
  const app = express();
  const state: RogueIdp = {
    issuer: '',
    clientId: 'rogue-client',
    clientSecret: randomBytes(24).toString('base64url'),
    mode: 'good',
    close: async () => undefined,
  };

  const sign = (claims: Record<string, unknown>, key: KeyLike = good.privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key);

  app.get('/.well-known/openid-configuration', (_req, res) =>
    res.json({
      issuer: state.issuer,
      authorization_endpoint: `${state.issuer}/authorize`,
      token_endpoint: `${state.issuer}/token`,
      userinfo_endpoint: `${state.issuer}/userinfo`,
      jwks_uri: `${state.issuer}/jwks`,
      end_session_endpoint: `${state.issuer}/logout`,
    }),
  );
  app.get('/jwks', (_req, res) => res.json({ keys: [publicJwk] }));
  app.get('/authorize', (req, res) => {
    const code = randomBytes(16).toString('hex');
    codes.set(code, { nonce: String(req.query.nonce) });
    const back = new URL(String(req.query.redirect_uri));
    back.searchParams.set('code', code);
    back.searchParams.set('state', String(req.query.state));
    res.redirect(302, back.toString());
  });
  app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
    const grant = codes.get(String(req.body.code));
    if (!grant) return res.status(400).json({ error: 'invalid_grant' });
    codes.delete(String(req.body.code));
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: state.issuer,
      aud: state.clientId,
      sub: 'victime',
      iat: now,
      exp: now + 300,
      nonce: grant.nonce,
      acr: 'eidas1',
    };
    const m = state.mode;
    if (m === 'wrong-aud') claims.aud = 'someone-else';
    if (m === 'wrong-iss') claims.iss = 'https://evil.example';
    if (m === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (m === 'wrong-nonce') claims.nonce = randomBytes(32).toString('base64url');
    if (m === 'wrong-acr') claims.acr = 'eidas0';
    if (m === 'no-nonce') delete claims.nonce;
    let idToken: string;
    if (m === 'alg-none') idToken = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    else if (m === 'other-key') idToken = await sign(claims, other.privateKey);
    else if (m === 'hs256-with-secret')
      idToken = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .sign(Buffer.from(state.clientSecret));
    else idToken = await sign(claims);
    res.json({
      access_token: randomBytes(16).toString('hex'),
      token_type: 'Bearer',
      expires_in: 60,
      id_token: idToken,
    });
  });
  app.get('/userinfo', async (_req, res) => {
    const info = {
      iss: state.issuer,
      aud: state.clientId,
      sub: state.mode === 'userinfo-other-sub' ? 'quelquun-dautre' : 'victime',
      given_name: 'Eve',
      family_name: 'MALLORY',
    };
    if (state.mode === 'userinfo-unsigned') return res.json(info);
    res
      .type('application/jwt')
      .send(await sign(info, state.mode === 'userinfo-other-key' ? other.privateKey : good.privateKey));
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
