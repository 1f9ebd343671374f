import express, { type Express, type Request, type Response } from 'express';
import type { JWK } from 'jose';
import type Provider from 'oidc-provider' with { 'resolution-mode': 'import' };
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider' with {
  'resolution-mode': 'import',
};
import { randomBytes } from 'node:crypto';
import { IDENTITY_CLAIMS } from '@guichet/shared';
import { AGENTS, CITIZENS } from './identities';
import { withProviderNotices, type NoticeLog } from './notices';
import { errorPage, loginPage, logoutPage } from './pages';

export const CITIZEN_CLIENT_ID = 'guichet-usagers';
export const AGENT_CLIENT_ID = 'guichet-agents';
/** FranceConnect asks for each claim as a scope of its own. */
export const CLAIM_SCOPES = IDENTITY_CLAIMS;

export interface IdpSettings {
  /** Where the provider is reached, e.g. http://localhost:3001 (routes live under /api/v2). */
  baseUrl: string;
  keys: JWK[];
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /**
   * Where oidc-provider's own notices go (see withProviderNotices): at debug,
   * or as warnings when `production`. Without it they are dropped.
   */
  log?: NoticeLog;
  production?: boolean;
}

const identities = new Map<string, Record<string, unknown>>([
  ...CITIZENS.map((c) => [c.sub, { ...c.claims }] as const),
  ...AGENTS.map(
    (a) =>
      [a.sub, { given_name: a.claims.given_name, family_name: a.claims.family_name, email: a.claims.email }] as const,
  ),
]);

/**
 * oidc-provider's cookie names, followed by the port when the provider's address names one: browsers keep cookies
 * by host, not by port, so the providers of two installations on one machine (localhost:3001, localhost:3003) would
 * otherwise overwrite each other's sign-in sessions and interactions.
 */
export function cookieNames(baseUrl: string): { session: string; interaction: string; resume: string } {
  const { port } = new URL(baseUrl);
  const suffix = port ? `_${port}` : '';
  return { session: `_session${suffix}`, interaction: `_interaction${suffix}`, resume: `_interaction_resume${suffix}` };
}

/**
 * A FranceConnect-like OpenID Provider for development, tests and the
 * embedded default, on oidc-provider: routes under /api/v2, ES256 and RS256
 * keys, userinfo as a signed JWT, acr `eidas1`, RP-initiated logout, and an
 * accessible login page listing test identities. Pointing Guichet at the
 * real FranceConnect replaces it by configuration.
 */
export async function createIdp(settings: IdpSettings): Promise<{ app: Express; provider: Provider; issuer: string }> {
  // oidc-provider is an ES module; Node 20.19+ loads it from CommonJS.
  const { default: OidcProvider } = await import('oidc-provider');
  const issuer = `${settings.baseUrl.replace(/\/$/, '')}/api/v2`;
  const client = (client_id: string): ClientMetadata => ({
    client_id,
    client_secret: settings.clientSecret,
    redirect_uris: settings.redirectUris,
    post_logout_redirect_uris: settings.postLogoutRedirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
    userinfo_signed_response_alg: 'ES256',
  });

  const configuration: Configuration = {
    clients: [client(CITIZEN_CLIENT_ID), client(AGENT_CLIENT_ID)],
    jwks: { keys: settings.keys as Configuration['jwks'] extends { keys: infer K } ? K : never },
    routes: {
      authorization: '/authorize',
      token: '/token',
      userinfo: '/userinfo',
      jwks: '/jwks',
      end_session: '/session/end',
    },
    scopes: ['openid', ...CLAIM_SCOPES],
    claims: Object.fromEntries([['openid', ['sub']], ...CLAIM_SCOPES.map((c) => [c, [c]])]),
    acrValues: ['eidas1'],
    // Claims come from userinfo, as with FranceConnect; the ID token carries identity only.
    conformIdTokenClaims: true,
    pkce: { required: () => false },
    responseTypes: ['code'],
    // Said rather than left to the defaults (which print « you SHOULD change it » at the first sign-in).
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    cookies: { keys: [randomBytes(32).toString('hex')], names: cookieNames(settings.baseUrl) },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: async (ctx, form) => void (ctx.body = logoutPage(form)) },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const claims = identities.get(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
    // First-party clients: no consent screen; the grant covers the scopes asked for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const clientId = ctx.oidc.client!.clientId;
      const existing = ctx.oidc.session!.grantIdFor(clientId);
      if (existing) {
        const found = await ctx.oidc.provider.Grant.find(existing);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(String(ctx.oidc.params!.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(`${out.error}${out.error_description ? ` : ${out.error_description}` : ''}`);
    },
  };

  const { value: provider } = withProviderNotices(() => new OidcProvider(issuer, configuration), {
    production: settings.production ?? false,
    log: settings.log ?? { debug: () => undefined, warn: () => undefined },
  });
  provider.proxy = true;
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self' *; frame-ancestors 'none'",
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });

  const form = express.urlencoded({ extended: false, limit: '10kb' });
  const expired = (res: Response) =>
    res
      .status(400)
      .type('html')
      .send(errorPage('Cette demande de connexion a expiré. Revenez au service et recommencez.'));

  app.get('/interaction/:uid', async (req: Request, res: Response) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const kind = details.params.client_id === AGENT_CLIENT_ID ? 'agent' : 'citizen';
      res.type('html').send(loginPage({ uid: details.uid, kind, identities: kind === 'agent' ? AGENTS : CITIZENS }));
    } catch {
      expired(res);
    }
  });

  app.post('/interaction/:uid/login', form, async (req: Request, res: Response) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const kind = details.params.client_id === AGENT_CLIENT_ID ? 'agent' : 'citizen';
      const allowed = kind === 'agent' ? AGENTS : CITIZENS;
      const sub = typeof req.body?.identity === 'string' ? req.body.identity : '';
      if (!allowed.some((i) => i.sub === sub)) {
        res
          .status(400)
          .type('html')
          .send(
            loginPage({
              uid: details.uid,
              kind,
              identities: allowed,
              error: 'Choisissez une identité de test dans la liste.',
            }),
          );
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: sub, acr: 'eidas1', amr: ['pwd'] } },
        { mergeWithLastSubmission: false },
      );
    } catch {
      expired(res);
    }
  });

  app.post('/interaction/:uid/abort', form, async (req: Request, res: Response) => {
    try {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'La connexion a été annulée.' },
        { mergeWithLastSubmission: false },
      );
    } catch {
      expired(res);
    }
  });

  app.use('/api/v2', provider.callback());
  return { app, provider, issuer };
}
