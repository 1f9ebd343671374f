import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Pool } from 'pg';
import { sessionCookieName, type Config } from '@guichet/config';
import type { SessionUser } from '@guichet/identity';
import { AppError } from '@guichet/shared';

export const CSRF_COOKIE = 'csrf_token';

declare module 'express-session' {
  interface SessionData {
    user?: SessionUser;
    /** The sign-in under way: which provider, its state handle and nonce, where to return. */
    pending?: { kind: 'citizen' | 'agent'; handle?: string; nonce?: string; issued: number; returnTo: string };
  }
}

export interface Sessions {
  middleware: RequestHandler;
  /** The sessions' own connections (every request that carries a session cookie waits for one first). */
  pool: Pool;
  close(): Promise<void>;
}

/**
 * Server-side sessions in PostgreSQL: the cookie holds only a signed id,
 * HttpOnly, SameSite=Lax, Secure behind TLS; the idle timeout restarts with
 * each request (rolling), so an active citizen never loses their session.
 */
export function createSessions(config: Config): Sessions {
  if (!config.SESSION_SECRET) throw new Error('SESSION_SECRET is required by the API (npm start provides one)');
  const pool = new Pool({
    connectionString: config.DATABASE_URL,
    max: 4,
    connectionTimeoutMillis: 3000,
    application_name: 'guichet-sessions',
  });
  pool.on('error', () => undefined);
  const Store = connectPgSimple(session);
  const store = new Store({ pool, tableName: 'session', pruneSessionInterval: 15 * 60, errorLog: () => undefined });
  throttleTouch(store, 60_000);
  readByNamedStatement(store, pool);
  const secure = (config.PUBLIC_URL ?? '').startsWith('https://');
  return {
    pool,
    middleware: session({
      name: sessionCookieName(config),
      secret: config.SESSION_SECRET,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy: secure,
      cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: config.SESSION_IDLE_MINUTES * 60_000, path: '/' },
    }),
    async close() {
      store.close();
      await pool.end().catch(() => undefined);
    },
  };
}

/**
 * A rolling session is "touched" (its expiry pushed back) on every request:
 * one UPDATE per request. Once a minute per session is enough for an idle
 * timeout counted in tens of minutes.
 */
function throttleTouch(store: session.Store, everyMs: number): void {
  const touched = new Map<string, number>();
  const touch = store.touch?.bind(store);
  if (!touch) return;
  store.touch = (sid, sess, callback) => {
    const now = Date.now();
    if (now - (touched.get(sid) ?? 0) < everyMs) return callback?.();
    if (touched.size > 100_000) touched.clear();
    touched.set(sid, now);
    touch(sid, sess, callback);
  };
}

/**
 * Every request with a session cookie reads its session first: connect-pg-simple sends that read unnamed, so
 * PostgreSQL parsed and planned it at each request. The same statement, named, is planned once per connection
 * (issue 22: PostgreSQL's CPU per autosave ×0.84 in three alternated runs of `request-layers`). What the store's `get`
 * answers is unchanged: the session, nothing when there is none or it expired, and a session that does not parse is
 * destroyed.
 */
function readByNamedStatement(store: session.Store, pool: Pool): void {
  store.get = (sid, callback) => {
    pool.query<{ sess: session.SessionData | string }>(
      {
        name: 'guichet_session_get',
        text: 'SELECT sess FROM "session" WHERE sid = $1 AND expire >= to_timestamp($2)',
        values: [sid, Math.ceil(Date.now() / 1000)],
      },
      (error, result) => {
        if (error) return callback(error);
        const row = result.rows[0];
        if (!row) return callback(null);
        let sess: session.SessionData;
        try {
          sess = typeof row.sess === 'string' ? (JSON.parse(row.sess) as session.SessionData) : row.sess;
        } catch {
          return store.destroy(sid, (destroyed?: unknown) => callback(destroyed ?? null));
        }
        callback(null, sess);
      },
    );
  };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Double-submit CSRF (API.md): every response carries a `csrf_token` cookie;
 * a state-changing request that relies on the session cookie must send the
 * same value in `X-CSRF-Token`. API-token calls (Authorization: Bearer) are exempt.
 */
export function csrf(config: Config) {
  const secure = (config.PUBLIC_URL ?? '').startsWith('https://');
  const sessionCookie = sessionCookieName(config);
  return (req: Request, res: Response, next: NextFunction) => {
    const token =
      typeof req.cookies?.[CSRF_COOKIE] === 'string'
        ? (req.cookies[CSRF_COOKIE] as string)
        : readCookie(req, CSRF_COOKIE);
    if (!token || !/^[\w-]{32,64}$/.test(token)) {
      res.cookie(CSRF_COOKIE, randomBytes(32).toString('base64url'), {
        httpOnly: false,
        sameSite: 'lax',
        secure,
        path: '/',
      });
    }
    if (!STATE_CHANGING.has(req.method)) return next();
    if (/^Bearer /i.test(req.headers.authorization ?? '')) return next();
    if (!readCookie(req, sessionCookie)) return next();
    const header = req.headers['x-csrf-token'];
    const sent = readCookie(req, CSRF_COOKIE);
    if (typeof header !== 'string' || !sent || !same(header, sent)) return next(new AppError('CSRF'));
    next();
  };
}

/**
 * Set when an agent signs in, and kept longer than the session (30 days): it holds nothing but « an agent signed in
 * from this browser ». A caseworker's decision or message goes to a route that citizens share; once her session is
 * gone, it is told « session ended » (401) rather than « introuvable », which she would read as the request gone.
 */
export const AGENT_HINT_COOKIE = 'gch_agent';
export const AGENT_HINT_MAX_AGE_MS = 30 * 24 * 3600_000;

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
