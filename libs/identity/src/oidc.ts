import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Pinned: a token signed with anything else (HS256, none, another curve) is refused. */
  algorithm: 'ES256' | 'RS256';
  /** Required `acr` in the ID token, e.g. eidas1 for FranceConnect. */
  acr?: string;
}

/** Why a sign-in was refused: a code for logs and tests, never shown as is. */
export class SignInRefused extends Error {
  constructor(
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`sign-in refused: ${reason}`, { cause });
    this.name = 'SignInRefused';
  }
}

const TIMEOUT_MS = 5000;

async function fetchWithTimeout(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
}

/**
 * What the OpenID Connect strategy alone does not do: check signatures.
 * ID tokens and userinfo JWTs are verified against the provider's published
 * keys (refetched once when a `kid` is unknown), with the algorithm pinned,
 * and `iss`, `aud`, `exp`, `acr` and the userinfo `sub` checked.
 */
export class OidcClient {
  private constructor(
    readonly settings: OidcClientSettings,
    readonly metadata: ProviderMetadata,
    private readonly keys: ReturnType<typeof createRemoteJWKSet>,
  ) {}

  static async discover(settings: OidcClientSettings): Promise<OidcClient> {
    const res = await fetchWithTimeout(`${settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`discovery failed: HTTP ${res.status}`);
    const metadata = (await res.json()) as ProviderMetadata;
    if (metadata.issuer !== settings.issuer) throw new Error(`discovery issuer mismatch: ${metadata.issuer}`);
    return new OidcClient(
      settings,
      metadata,
      createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: TIMEOUT_MS, cooldownDuration: 30_000 }),
    );
  }

  async verifyIdToken(idToken: string, expectedNonce: string): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
        algorithms: [this.settings.algorithm],
        requiredClaims: ['sub', 'exp', 'iat', 'nonce'],
        clockTolerance: 30,
      }));
    } catch (error) {
      throw new SignInRefused('id_token_invalid', error);
    }
    if (payload.nonce !== expectedNonce) throw new SignInRefused('nonce_mismatch');
    if (this.settings.acr && payload.acr !== this.settings.acr) throw new SignInRefused('acr_mismatch');
    return payload;
  }

  /** Userinfo as a signed JWT (FranceConnect v2), verified like the ID token; `sub` must be the same person. */
  async userinfo(accessToken: string, sub: string): Promise<JWTPayload> {
    const res = await fetchWithTimeout(this.metadata.userinfo_endpoint, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/jwt' },
    });
    if (!res.ok) throw new SignInRefused('userinfo_http_error');
    if (!/^application\/jwt\b/.test(res.headers.get('content-type') ?? ''))
      throw new SignInRefused('userinfo_not_signed');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(await res.text(), this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
        algorithms: [this.settings.algorithm],
      }));
    } catch (error) {
      throw new SignInRefused('userinfo_invalid', error);
    }
    if (payload.sub !== sub) throw new SignInRefused('userinfo_sub_mismatch');
    return payload;
  }

  /** RP-initiated logout at the provider, with the ID token as hint. */
  logoutUrl(idToken: string, postLogoutRedirectUri: string, state: string): string | undefined {
    if (!this.metadata.end_session_endpoint) return undefined;
    const url = new URL(this.metadata.end_session_endpoint);
    url.search = new URLSearchParams({
      id_token_hint: idToken,
      post_logout_redirect_uri: postLogoutRedirectUri,
      state,
    }).toString();
    return url.toString();
  }
}
