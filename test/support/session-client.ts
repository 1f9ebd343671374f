import { CookieClient } from './browserless';

/** A JSON answer, read loosely: each test looks at what it expects. */
export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * Someone signed in through the bundled identity provider, over real HTTP,
 * who calls the API with their session cookie and the CSRF double submit.
 */
export class SessionClient {
  private constructor(
    readonly base: string,
    readonly cookies: CookieClient,
  ) {}

  /**
   * Runs the provider's whole flow for `identity` (see apps/idp/src/identities.ts), in a fresh browser or in
   * `cookies`, one used before (its hint cookies kept; a provider that remembers it sends it straight back).
   */
  static async signIn(
    base: string,
    as: 'agent' | 'citizen',
    identity: string,
    cookies = new CookieClient(),
  ): Promise<SessionClient> {
    const start = await cookies.request(`${base}/auth/login?as=${as}&returnTo=/`);
    if (start.status !== 302) throw new Error(`sign-in did not start: ${start.status}`);
    const login = await cookies.follow(new URL(start.headers.get('location')!).toString(), `${base}/auth/callback`);
    let callback = login;
    if (!login.url.startsWith(`${base}/auth/callback`)) {
      const posted = await cookies.postForm(`${login.url}/login`, { identity });
      callback = await cookies.follow(
        new URL(posted.headers.get('location')!, login.url).toString(),
        `${base}/auth/callback`,
      );
    }
    const landed = await cookies.request(callback.url);
    if (landed.status !== 303) throw new Error(`sign-in refused for ${identity}: ${landed.status}`);
    return new SessionClient(base, cookies);
  }

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await this.raw(method, path, body);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a CSV export): the text itself.
    }
    return { status: res.status, body: parsed };
  }

  raw(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-csrf-token'] = this.cookies.cookie(this.base, 'csrf_token') ?? '';
    return this.cookies.request(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** The account id the API records as author (`account:<id>`). */
  async accountId(): Promise<string> {
    const me = await this.call('GET', '/api/v1/me');
    if (me.status !== 200) throw new Error(`not signed in: ${me.status}`);
    return `account:${(me.body as { id: string }).id}`;
  }
}
