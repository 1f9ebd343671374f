import { Controller, Get, HttpCode, Inject, Next, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { sessionCookieName, type Config } from '@guichet/config';
import { AppError, escapeHtml as escape } from '@guichet/shared';
import { Submissions } from '@guichet/submissions';
import { CONFIG } from '../tokens';
import { SignInService, safeReturnTo, type SignInKind } from './sign-in.service';

/** A plain accessible page for the one case where the person must read rather than be redirected. */
function refusalPage(reason: string, returnTo: string): string {
  const cancelled = reason === 'access_denied';
  const title = cancelled ? 'Connexion annulée' : 'La connexion n’a pas abouti';
  const text = cancelled
    ? 'Vous avez annulé la connexion. Vous pouvez réessayer quand vous le souhaitez.'
    : 'La connexion n’a pas pu être vérifiée. Réessayez ; si le problème persiste, contactez la mairie.';
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} — Guichet</title></head>
<body><main id="contenu"><h1>${title}</h1><p role="alert">${text}</p><p><a href="${escape(returnTo)}">Revenir au service</a></p></main></body></html>`;
}

@ApiTags('connexion')
@Controller()
export class AuthController {
  constructor(
    private readonly signIn: SignInService,
    private readonly submissions: Submissions,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get('auth/login')
  @ApiOperation({ summary: 'Démarre la connexion OpenID Connect (usager : FranceConnect ; agent : ProConnect).' })
  async login(
    @Query('as') as: string | undefined,
    @Query('returnTo') returnTo: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
    @Next() next: NextFunction,
  ): Promise<void> {
    const kind: SignInKind = as === 'agent' ? 'agent' : 'citizen';
    if (as !== undefined && as !== 'agent' && as !== 'citizen') {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/as', code: 'enum', message: 'Valeurs possibles : citizen, agent.' }],
      });
    }
    await this.signIn.start(req, res, next, kind, safeReturnTo(returnTo));
  }

  @Get('auth/callback')
  @ApiOperation({
    summary: 'Retour du fournisseur d’identité : ouvre la session, ou explique pourquoi elle ne l’est pas.',
  })
  async callback(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const outcome = await this.signIn.finish(req, res, next);
    if (res.headersSent) return;
    if (outcome.user) {
      // « Se connecter » in the middle of a form: the draft started anonymously comes along.
      if (outcome.user.kind === 'citizen' && outcome.anonymousToken) {
        await this.submissions.claimAnonymousDrafts(outcome.anonymousToken, {
          kind: 'account',
          accountId: outcome.user.accountId,
          claims: outcome.user.claims,
        });
      }
      res.redirect(303, outcome.returnTo);
      return;
    }
    res
      .status(outcome.refused === 'access_denied' ? 200 : 403)
      .type('html')
      .send(refusalPage(outcome.refused ?? 'refused', outcome.returnTo));
  }

  @Post('auth/logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ferme la session ; renvoie l’adresse de déconnexion du fournisseur d’identité.' })
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ redirectTo: string }> {
    const user = req.session.user;
    const redirectTo = (user && (await this.signIn.logoutUrl(user))) ?? '/';
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(sessionCookieName(this.config), { path: '/' });
    return { redirectTo };
  }

  @Get('auth/session')
  @ApiOperation({ summary: 'Quand la session se termine, pour prévenir l’usager avant (RGAA 13.1).' })
  session(@Req() req: Request) {
    if (!req.session.user) throw new AppError('UNAUTHENTICATED');
    return { expiresAt: req.session.cookie.expires?.toISOString() ?? null };
  }

  @Post('auth/session/extend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Prolonge la session (toute requête la prolonge ; celle-ci ne fait que ça).' })
  extend(@Req() req: Request) {
    if (!req.session.user) throw new AppError('UNAUTHENTICATED');
    req.session.touch();
    return { expiresAt: req.session.cookie.expires?.toISOString() ?? null };
  }

  @Get('api/v1/me')
  @ApiOperation({ summary: 'Qui est connecté.' })
  me(@Req() req: Request) {
    const user = req.session.user;
    if (!user) throw new AppError('UNAUTHENTICATED');
    return {
      id: user.accountId,
      kind: user.kind,
      givenName: user.givenName,
      familyName: user.familyName,
      email: user.email,
      // As the memberships say now (read for this request), not as they were at sign-in.
      roles: req.agentGrants ?? [],
    };
  }
}
