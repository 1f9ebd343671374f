import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiTokenService, type Actor } from '@guichet/identity';
import { AppError } from '@guichet/shared';

type WithActor = Request & { actor?: Actor };

/**
 * Requires a caller: today an organisation API token (`Authorization: Bearer
 * gch_…`); the sign-in issue adds agents' sessions. Token calls are exempt
 * from CSRF (API.md). Which organisation the caller may act on is decided by
 * the use case, which knows the resource.
 */
@Injectable()
export class ActorGuard implements CanActivate {
  constructor(private readonly tokens: ApiTokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithActor>();
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
