import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Config } from '@guichet/config';
import { sessionLifetime, type AccountService, type Actor, type OrganisationGrant } from '@guichet/identity';

declare module 'express-serve-static-core' {
  interface Request {
    /** A signed-in agent's roles as the memberships say at this request (never kept in the session). */
    agentGrants?: OrganisationGrant[];
  }
}

/**
 * After the session is loaded: a session past its absolute lifetime ends
 * (however active it was), the idle timeout is cut short so that the cookie
 * and `/auth/session` tell the real end, and an agent's rights are read from
 * the memberships as they are now — one indexed query — so a role taken back
 * ends on the agent's next request, not at their next sign-in.
 */
export function sessionRights(config: Config, accounts: AccountService): RequestHandler {
  const limits = { idleMs: config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.SESSION_ABSOLUTE_SECONDS * 1000 };
  return (req: Request, _res: Response, next: NextFunction) => {
    const user = req.session?.user;
    if (!user) return next();
    const life = sessionLifetime(user.signedInAt, Date.now(), limits);
    if (life.expired) {
      // As a sign-out: the stored session is destroyed and the request goes on without anyone signed in.
      req.session.regenerate((error) => next(error));
      return;
    }
    req.session.cookie.maxAge = life.maxAgeMs;
    if (user.kind !== 'agent') return next();
    accounts.rolesOf(user.email).then((grants) => {
      req.agentGrants = grants;
      next();
    }, next);
  };
}

/** The actor of a signed-in agent's session, with the rights read for this request. */
export function sessionAgent(req: Request): Actor | undefined {
  const user = req.session?.user;
  if (user?.kind !== 'agent') return undefined;
  return {
    kind: 'agent',
    id: `account:${user.accountId}`,
    roles: req.agentGrants ?? [],
    onBehalfOf: user.email?.toLowerCase() ?? null,
  };
}
