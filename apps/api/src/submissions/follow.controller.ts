import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { AppError, contentDisposition } from '@guichet/shared';
import { Attachments, Documents, FollowLinks, RenderPool, Submissions } from '@guichet/submissions';
import { sendDownload } from './download';
import { ownerForNewDraft, ownerOf, required } from './owner';

export class FollowTokenDto {
  @ApiProperty({ description: 'Le jeton du lien de suivi (ce qui suit « # » dans /suivi#…).' })
  @IsString({ message: 'Texte attendu.' })
  // Any other length is simply a link that opens nothing (404), like a wrong one.
  @MaxLength(200, { message: 'Lien de suivi invalide.' })
  token!: string;
}

export class FollowMessageDto extends FollowTokenDto {
  @ApiProperty({ example: 'Voici les statuts demandés.' })
  @IsString({ message: 'Texte attendu.' })
  @Length(1, 5000, { message: 'Écrivez un message de 1 à 5 000 caractères.' })
  body!: string;
}

/**
 * Following a request filed without an account from any browser, with the
 * link of its receipt email or confirmation page (FollowLinks). The token
 * travels in the body of a POST, never in a path or a query string: proxies
 * and logs keep paths, and the portal keeps it in the page's fragment
 * (`/suivi#…`), which browsers never send. A wrong, revoked or expired link
 * is the same 404 as a request that does not exist; these routes are
 * rate-limited per address (RATE_LIMIT_FOLLOW_PER_IP).
 */
@ApiTags('usagers')
@Controller('api/v1')
export class FollowController {
  constructor(
    private readonly links: FollowLinks,
    private readonly submissions: Submissions,
    private readonly documents: Documents,
    private readonly attachments: Attachments,
    private readonly renderer: RenderPool,
  ) {}

  @Get('submissions/:id/follow-link')
  @ApiOperation({
    summary:
      'Le lien de suivi d’une demande déposée sans compte depuis ce navigateur → { token, path } (404 pour une demande d’un compte).',
  })
  async link(@Param('id') id: string, @Req() req: Request) {
    const { token } = await this.links.tokenForOwner(id, required(ownerOf(req, false), req));
    return { token, path: `/suivi#${token}` };
  }

  @Post('follow')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Suivre une demande avec son lien : statut, historique, messages, documents (sans les réponses).',
  })
  view(@Body() body: FollowTokenDto) {
    return this.links.view(body.token);
  }

  @Post('follow/receipt.pdf')
  @HttpCode(200)
  @ApiOperation({ summary: 'L’accusé de réception en PDF, par le lien de suivi.' })
  async receipt(@Body() body: FollowTokenDto, @Res() res: Response): Promise<void> {
    const owner = await this.links.open(body.token);
    const input = await this.submissions.receipt(owner.submissionId, owner, null);
    const pdf = await this.renderer.receipt(input);
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', contentDisposition('attachment', `accuse-de-reception-${input.reference}.pdf`))
      .setHeader('Cache-Control', 'private, no-store')
      .send(pdf);
  }

  @Post('follow/documents/:documentId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Un document émis pour la demande (attestation, décision), par le lien de suivi.' })
  async document(
    @Param('documentId') documentId: string,
    @Body() body: FollowTokenDto,
    @Res() res: Response,
  ): Promise<void> {
    const owner = await this.links.open(body.token);
    const document = await this.documents.read(
      { id: owner.submissionId, organisationId: owner.organisationId },
      documentId,
    );
    res
      .type(document.mediaType)
      .setHeader('Content-Disposition', contentDisposition('attachment', document.filename))
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('X-Content-Type-Options', 'nosniff')
      .send(document.content);
  }

  @Post('follow/attachments/:attachmentId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Le fichier joint à un message du service, par le lien de suivi (les fichiers de la demande : non).',
  })
  async messageFile(
    @Param('attachmentId') attachmentId: string,
    @Body() body: FollowTokenDto,
    @Res() res: Response,
  ): Promise<void> {
    const owner = await this.links.open(body.token);
    // A link reads what the service sent (messages' files), not the files of the answers.
    if (!(await this.links.sentByService(owner, attachmentId))) throw new AppError('NOT_FOUND');
    sendDownload(
      res,
      await this.attachments.open({ id: owner.submissionId, organisationId: owner.organisationId }, attachmentId),
    );
  }

  @Post('follow/messages')
  @ApiOperation({ summary: 'Écrire au service instructeur, par le lien de suivi.' })
  async message(@Body() body: FollowMessageDto) {
    const owner = await this.links.open(body.token);
    return this.submissions.postMessage(owner.submissionId, owner, body.body);
  }

  @Post('follow/renew')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Désactive tous les liens de suivi de la demande (celui-ci compris) et en donne un nouveau → { token, path }.',
  })
  async renew(@Body() body: FollowTokenDto) {
    const { token } = await this.links.renew(body.token);
    return { token, path: `/suivi#${token}` };
  }

  @Post('follow/claim')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Quand le service demande une correction : la demande passe dans la session anonyme de ce navigateur pour être corrigée → { id } (403 à un usager connecté).',
  })
  async claim(@Body() body: FollowTokenDto, @Req() req: Request) {
    // A browser without an account takes it; a signed-in person or an API token has no anonymous session to take it into.
    if (req.session?.user || req.headers.authorization) throw new AppError('FORBIDDEN');
    // Checked before a session is made for it: a wrong link leaves nothing behind.
    await this.links.open(body.token);
    return this.links.claim(body.token, await ownerForNewDraft(req));
  }
}
