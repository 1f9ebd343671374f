import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiTokenService, type Actor } from '@guichet/identity';
import { AppError } from '@guichet/shared';
import { sessionAgent } from './session-rights';

type WithActor = Request & { actor?: Actor };

/**
 * Requires a caller: a signed-in session (agent or citizen), or an
 * organisation API token (`Authorization: Bearer gch_…`, exempt from CSRF as
 * API.md says). Which organisation the caller may act on is decided by the
 * use case, which knows the resource.
 */
@Injectable()
export class ActorGuard implements CanActivate {
  constructor(private readonly tokens: ApiTokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithActor>();
    const user = req.session?.user;
    if (user && !req.headers.authorization) {
      // These routes are agents' and integrations': a citizen never reaches them.
      if (user.kind !== 'agent') throw new AppError('FORBIDDEN');
      req.actor = sessionAgent(req);
      return true;
    }
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header)?.[1] : undefined;
    const actor = bearer ? await this.tokens.authenticate(bearer) : undefined;
    if (!actor) {
      context.switchToHttp().getResponse().setHeader('WWW-Authenticate', 'Bearer realm="guichet"');
      throw new AppError('UNAUTHENTICATED');
    }
    req.actor = actor;
    return true;
  }
}

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<WithActor>().actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return actor;
});
