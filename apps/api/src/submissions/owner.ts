import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { AppError } from '@guichet/shared';
import type { Owner } from '@guichet/submissions';
import type { Actor, ApiTokenService } from '@guichet/identity';

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

export function required(owner: Owner | undefined): Owner {
  // Without a session nothing can be yours: "not found", whatever the id.
  if (!owner) throw new AppError('NOT_FOUND');
  return owner;
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
  const user = req.session?.user;
  if (user?.kind === 'agent') return { kind: 'agent', id: `account:${user.accountId}`, roles: user.roles };
  return undefined;
}
