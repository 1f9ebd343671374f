import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { AppError } from '@guichet/shared';
import type { Owner } from '@guichet/submissions';
import type { Actor, ApiTokenService } from '@guichet/identity';
import { AGENT_HINT_COOKIE, readCookie } from '../auth/sessions';
import { sessionAgent } from '../auth/session-rights';

declare module 'express-session' {
  interface SessionData {
    /** Owner token of anonymous requests made from this browser. */
    anonymousToken?: string;
  }
}

/** The request's owner: the signed-in person, or this browser's anonymous token (created only when asked). */
export function ownerOf(req: Request, create: boolean): Owner | undefined {
  const user = req.session?.user;
  if (user) return { kind: 'account', accountId: user.accountId, claims: user.claims };
  if (!req.session) return undefined;
  if (!req.session.anonymousToken && create) req.session.anonymousToken = randomBytes(32).toString('base64url');
  return req.session.anonymousToken ? { kind: 'anonymous', token: req.session.anonymousToken } : undefined;
}

/**
 * The owner of a draft about to be created. A browser's first anonymous token
 * is written to the session store before anything belongs to it: express-session
 * saves only after the answer has gone out, so a failed save (the database
 * going away) would leave the citizen with a 201 and a draft they can never
 * open again. Now that failure is a 503 and no draft is created.
 */
export async function ownerForNewDraft(req: Request): Promise<Owner> {
  const fresh = !req.session?.user && req.session !== undefined && !req.session.anonymousToken;
  const owner = required(ownerOf(req, true));
  if (fresh) {
    req.res?.cookie(ANONYMOUS_HINT_COOKIE, '1', {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      maxAge: HINT_MAX_AGE_MS,
      path: '/',
    });
    await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
  }
  return owner;
}

/**
 * Set when a browser starts its first anonymous request, and kept longer than
 * the session (30 days): it holds nothing but « this browser has worked
 * without an account here », so that once the session is gone a request can
 * say « session expirée » rather than « introuvable » (issue 18).
 */
export const ANONYMOUS_HINT_COOKIE = 'gch_anon';
const HINT_MAX_AGE_MS = 30 * 24 * 3600_000;

/** A browser that had anonymous requests and has no session any more: it owns nothing, and is told why. */
const SESSION_GONE: Owner = { kind: 'anonymous', token: '' };
/** The same browser, where an agent also signed in before: what is not an anonymous request is 401, not 404. */
const SESSION_GONE_AGENT: Owner = { kind: 'anonymous', token: '', agentSessionEnded: true };

/**
 * Without a session nothing can be yours: « introuvable », whatever the id;
 * unless this browser worked anonymously before, when the lookup tells
 * « session expirée » for a request started without an account; or an agent
 * signed in from it before: their session ended (401). With both hints, the
 * lookup still tells « session expirée » for an anonymous request (the
 * citizen's page offers to keep its answers; the desk reads any 401 as its
 * session ended), and 401 for any other id, existing or not: the agent is
 * told her session ended, and a stranger learns nothing that either hint
 * alone would not tell them. The 404 of a browser with neither stays.
 */
export function required(owner: Owner | undefined, req?: Request): Owner {
  if (owner) return owner;
  const agent = req !== undefined && readCookie(req, AGENT_HINT_COOKIE) === '1';
  if (req && readCookie(req, ANONYMOUS_HINT_COOKIE) === '1') return agent ? SESSION_GONE_AGENT : SESSION_GONE;
  if (agent) throw new AppError('UNAUTHENTICATED');
  throw new AppError('NOT_FOUND');
}

/** A signed-in agent, or an API token; undefined for citizens and anonymous callers. A bad token is a 401. */
export async function agentOf(req: Request, tokens: ApiTokenService): Promise<Actor | undefined> {
  const header = req.headers.authorization;
  if (header) {
    const bearer = /^Bearer (\S+)$/i.exec(header)?.[1];
    const actor = bearer ? await tokens.authenticate(bearer) : undefined;
    if (!actor) throw new AppError('UNAUTHENTICATED');
    return actor;
  }
  return sessionAgent(req);
}
