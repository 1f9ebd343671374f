import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import passport from 'passport';
import { Strategy as OpenIdStrategy, type VerifyCallback } from 'passport-openidconnect';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { publicUrl, type Config } from '@guichet/config';
import { AccountService, OidcClient, SignInRefused, displayNameOf, type SessionUser } from '@guichet/identity';
import { AppError } from '@guichet/shared';
import { CONFIG } from '../tokens';
import { AGENT_HINT_COOKIE, AGENT_HINT_MAX_AGE_MS } from './sessions';

export type SignInKind = 'citizen' | 'agent';

const PENDING_TTL_MS = 10 * 60_000;

/**
 * The strategy generates a 20-character nonce, which FranceConnect refuses:
 * ours is 43 characters (32 random bytes), passed as an authorization parameter.
 */
class LongNonceStrategy extends OpenIdStrategy {
  override authorizationParams(): Record<string, string> {
    return { nonce: randomBytes(32).toString('base64url') };
  }
}

/**
 * The state store of the strategy: the state handle and nonce live in the
 * session, are single-use (a replayed callback finds nothing) and expire
 * after ten minutes.
 */
const stateStore = {
  store(
    req: Request,
    ctx: { nonce?: string },
    _appState: unknown,
    _meta: unknown,
    cb: (err: Error | null, handle?: string) => void,
  ) {
    const pending = req.session.pending;
    if (!pending) return cb(new Error('no sign-in under way'));
    const handle = randomBytes(24).toString('base64url');
    req.session.pending = { ...pending, handle, nonce: ctx.nonce, issued: Date.now() };
    cb(null, handle);
  },
  verify(
    req: Request,
    handle: string,
    cb: (err: Error | null, ctx?: false | { nonce?: string }, info?: { message: string }) => void,
  ) {
    const pending = req.session.pending;
    req.session.pending = undefined;
    const valid =
      pending?.handle &&
      typeof handle === 'string' &&
      pending.handle.length === handle.length &&
      timingSafeEqual(Buffer.from(pending.handle), Buffer.from(handle)) &&
      Date.now() - pending.issued < PENDING_TTL_MS;
    if (!valid) return cb(null, false, { message: 'state_mismatch' });
    (req as Request & { signIn?: typeof pending }).signIn = pending;
    cb(null, { nonce: pending.nonce });
  },
};

/** Only paths of this site: never another host, never a protocol-relative URL. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/';
  if (!/^\/(?![/\\])[\w\-./~%?=&#]*$/.test(value)) return '/';
  return value;
}

@Injectable()
export class SignInService implements OnModuleInit {
  private readonly logger = new Logger(SignInService.name);
  private readonly clients = new Map<SignInKind, Promise<OidcClient>>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly accounts: AccountService,
  ) {}

  onModuleInit(): void {
    // Discovery happens on first use, so the API starts even while the provider is down.
    passport.initialize();
  }

  private settings(kind: SignInKind) {
    const c = this.config;
    return kind === 'citizen'
      ? c.FC_ISSUER && c.FC_CLIENT_ID && c.FC_CLIENT_SECRET
        ? {
            issuer: c.FC_ISSUER,
            clientId: c.FC_CLIENT_ID,
            clientSecret: c.FC_CLIENT_SECRET,
            algorithm: c.FC_SIGNING_ALG,
            acr: 'eidas1' as const,
            scope: c.FC_SCOPES,
          }
        : undefined
      : c.AGENT_OIDC_ISSUER && c.AGENT_CLIENT_ID && c.AGENT_CLIENT_SECRET
        ? {
            issuer: c.AGENT_OIDC_ISSUER,
            clientId: c.AGENT_CLIENT_ID,
            clientSecret: c.AGENT_CLIENT_SECRET,
            algorithm: c.FC_SIGNING_ALG,
            acr: undefined,
            scope: 'given_name family_name email',
          }
        : undefined;
  }

  /** The provider client, discovered once; a failed discovery is retried at the next sign-in. */
  private client(kind: SignInKind): Promise<OidcClient> {
    const settings = this.settings(kind);
    if (!settings) return Promise.reject(new AppError('SIGN_IN_UNAVAILABLE'));
    let client = this.clients.get(kind);
    if (!client) {
      client = OidcClient.discover(settings).then((discovered) => {
        passport.use(`oidc-${kind}`, this.strategy(kind, discovered, settings.scope));
        return discovered;
      });
      client.catch(() => this.clients.delete(kind));
      this.clients.set(kind, client);
    }
    return client.catch((error: unknown) => {
      this.logger.warn({ msg: 'identity provider unreachable', kind, err: (error as Error).message });
      throw new AppError('SIGN_IN_UNAVAILABLE');
    });
  }

  private strategy(kind: SignInKind, client: OidcClient, scope: string) {
    const m = client.metadata;
    const verify = (async (
      req: Request,
      _issuer: string,
      _profile: unknown,
      _context: unknown,
      idToken: string,
      accessToken: string,
      _refreshToken: string,
      _params: unknown,
      done: VerifyCallback,
    ) => {
      try {
        const pending = (req as Request & { signIn?: { nonce?: string } }).signIn;
        const claims = await client.verifyIdToken(idToken, pending?.nonce ?? '');
        const info = await client.userinfo(accessToken, String(claims.sub));
        const email = typeof info.email === 'string' ? info.email : null;
        const account = await this.accounts.signIn({
          kind,
          issuer: client.settings.issuer,
          subject: String(claims.sub),
          email,
          displayName: displayNameOf(info),
        });
        const user: SessionUser = {
          accountId: account.id,
          kind,
          givenName: typeof info.given_name === 'string' ? info.given_name : null,
          familyName: typeof info.family_name === 'string' ? info.family_name : null,
          email,
          claims: Object.fromEntries(
            Object.entries(info).filter(
              (e): e is [string, string] => typeof e[1] === 'string' && !['iss', 'aud', 'sub'].includes(e[0]),
            ),
          ),
          signedInAt: Date.now(),
          idToken,
          issuer: client.settings.issuer,
        };
        done(null, user);
      } catch (error) {
        if (error instanceof SignInRefused) done(null, false, { message: error.reason });
        else done(error as Error);
      }
    }) as unknown as ConstructorParameters<typeof OpenIdStrategy>[1];
    return new LongNonceStrategy(
      {
        issuer: m.issuer,
        authorizationURL: m.authorization_endpoint,
        tokenURL: m.token_endpoint,
        userInfoURL: m.userinfo_endpoint,
        clientID: client.settings.clientId,
        clientSecret: client.settings.clientSecret,
        callbackURL: `${publicUrl(this.config)}/auth/callback`,
        scope: scope.split(/\s+/).filter(Boolean),
        acrValues: client.settings.acr,
        skipUserProfile: true,
        passReqToCallback: true,
        store: stateStore as never,
      },
      verify,
    );
  }

  async start(req: Request, res: Response, next: NextFunction, kind: SignInKind, returnTo: string): Promise<void> {
    await this.client(kind);
    req.session.pending = { kind, issued: Date.now(), returnTo };
    passport.authenticate(`oidc-${kind}`, { session: false })(req, res, next);
  }

  /** Ends the flow: a user in a fresh session (id rotated), or a refusal with its reason. */
  async finish(
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<{ user?: SessionUser; returnTo: string; refused?: string; anonymousToken?: string }> {
    const kind = req.session.pending?.kind;
    const returnTo = req.session.pending?.returnTo ?? '/';
    if (!kind) return { returnTo, refused: 'no_sign_in_under_way' };
    if (typeof req.query.error === 'string') {
      // The provider sent the person back without signing them in (cancelled, refused): the flow ends here.
      req.session.pending = undefined;
      return { returnTo, refused: /^[a-z_]{1,64}$/.test(req.query.error) ? req.query.error : 'provider_error' };
    }
    await this.client(kind);
    const outcome = await new Promise<{ user?: SessionUser; refused?: string }>((resolve, reject) => {
      passport.authenticate(
        `oidc-${kind}`,
        { session: false },
        (err: unknown, user: SessionUser | false, info?: { message?: string }) => {
          if (err) {
            // The provider's own errors (a bad code, a token endpoint refusing) are refusals, not crashes.
            const code = (err as { code?: string; name?: string }).code ?? (err as { name?: string }).name;
            if (code && /TokenError|AuthorizationError|invalid_grant|InternalOAuthError/.test(code))
              return resolve({ refused: String(code) });
            return reject(err);
          }
          resolve(user ? { user } : { refused: info?.message ?? 'refused' });
        },
      )(req, res, next);
    });
    if (!outcome.user) return { returnTo, refused: outcome.refused };
    // The new session starts empty: the anonymous drafts of the old one are handed to the caller to claim.
    const anonymousToken = req.session.anonymousToken;
    await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
    req.session.user = outcome.user;
    await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
    if (kind === 'agent') {
      res.cookie(AGENT_HINT_COOKIE, '1', {
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        maxAge: AGENT_HINT_MAX_AGE_MS,
        path: '/',
      });
    }
    return { user: outcome.user, returnTo, anonymousToken };
  }

  async logoutUrl(user: SessionUser): Promise<string | undefined> {
    const client = await this.client(user.kind).catch(() => undefined);
    return client?.logoutUrl(user.idToken, `${publicUrl(this.config)}/`, randomBytes(16).toString('base64url'));
  }
}
