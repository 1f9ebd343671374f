import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { Attachments, RenderPool, Submissions, renderReceiptHtml } from '@guichet/submissions';
import { ApiUpload, readUpload } from './upload';
import { requestLocale } from '../errors/locale';
import { agentOf, ownerForNewDraft, ownerOf, required } from './owner';
import { sendDownload } from './download';
import { CaseActions, deskActorOf } from '@guichet/desk';
import { ApiTokenService } from '@guichet/identity';
import { AppError, contentDisposition } from '@guichet/shared';
import { AntiBot } from '../anti-bot/anti-bot';

export class CreateDraftDto {
  @ApiPropertyOptional({ description: 'Premières réponses (facultatif).' })
  @IsOptional()
  @IsObject({ message: 'Objet JSON attendu.' })
  data?: Record<string, unknown>;
}

export class AutosaveDto {
  @ApiProperty({ description: 'Toutes les réponses du brouillon.' })
  @IsDefined({ message: 'Les réponses sont obligatoires.' })
  @IsObject({ message: 'Objet JSON attendu.' })
  data!: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'Révision sur laquelle ce brouillon a été modifié (409 si une autre sauvegarde est passée entre-temps).',
  })
  @IsOptional()
  @IsInt({ message: 'Nombre entier attendu.' })
  @Min(1)
  expectedRevision?: number;
}

export class MessageDto {
  @ApiProperty({ example: 'Voici les statuts demandés.' })
  @IsString({ message: 'Texte attendu.' })
  @Length(1, 5000, { message: 'Écrivez un message de 1 à 5 000 caractères.' })
  body!: string;
  @ApiPropertyOptional({
    description: 'Agents : le message attend une réponse de l’usager (« En attente de réponse » jusqu’à la sienne).',
  })
  @IsOptional()
  @IsBoolean({ message: 'Booléen attendu.' })
  awaitingReply?: boolean;

  @ApiPropertyOptional({
    description: 'Agents : un fichier envoyé avant par POST …/message-attachments, joint au message.',
  })
  @IsOptional()
  @IsUUID('all', { message: 'Identifiant de pièce jointe attendu.' })
  attachmentId?: string;
}

function identityOf(req: Request): string | null {
  const user = req.session?.user;
  return user ? [user.givenName, user.familyName].filter(Boolean).join(' ') || null : null;
}

@ApiTags('usagers')
@Controller('api/v1')
export class SubmissionsController {
  constructor(
    private readonly submissions: Submissions,
    private readonly attachments: Attachments,
    private readonly actions: CaseActions,
    private readonly tokens: ApiTokenService,
    private readonly antiBot: AntiBot,
    private readonly renderer: RenderPool,
  ) {}

  @Post('public/services/:slug/submissions')
  @ApiOperation({ summary: 'Crée un brouillon sur la dernière version publiée.' })
  async create(@Param('slug') slug: string, @Body() body: CreateDraftDto, @Req() req: Request) {
    return this.submissions.createDraft(
      slug,
      await ownerForNewDraft(req),
      body.data,
      requestLocale(req.headers['accept-language']),
    );
  }

  @Patch('submissions/:id')
  @ApiOperation({
    summary:
      'Enregistre le brouillon (validation partielle) ; 409 s’il est déjà déposé ou si une autre sauvegarde est passée.',
  })
  autosave(
    @Param('id') id: string,
    @Body() body: AutosaveDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
  ) {
    const fromHeader = ifMatch && /^"?(\d{1,9})"?$/.exec(ifMatch.trim())?.[1];
    return this.submissions.autosave(
      id,
      required(ownerOf(req, false), req),
      body.data,
      body.expectedRevision ?? (fromHeader ? Number(fromHeader) : undefined),
      requestLocale(req.headers['accept-language']),
    );
  }

  @Post('submissions/:id/submit')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Dépose le dossier (validation complète) ; honore Idempotency-Key. Sur une démarche avec settings.antiBot = proof-of-work et sans usager connecté : en-tête X-Altcha (solution de GET /api/v1/public/challenge).',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      '1 à 255 caractères visibles ; un nouvel essai du même dépôt porte la même clé (même réponse ; autre corps : 422 IDEMPOTENCY_KEY_REUSED ; encore en cours : 409 IDEMPOTENCY_IN_FLIGHT).',
  })
  @ApiHeader({
    name: 'X-Altcha',
    required: false,
    description: 'Solution de la vérification anti-robot (GET /api/v1/public/challenge), si la démarche la demande.',
  })
  async submit(@Param('id') id: string, @Headers('idempotency-key') key: string | undefined, @Req() req: Request) {
    const owner = required(ownerOf(req, false), req);
    return this.submissions.submit(id, owner, {
      idempotencyKey: key,
      body: req.body ?? null,
      locale: requestLocale(req.headers['accept-language']),
      check: this.antiBot.submitCheck(owner, req.headers['x-altcha']),
    });
  }

  @Get('submissions/:id')
  @ApiOperation({ summary: 'Mon dossier : réponses, statut, historique.' })
  get(@Param('id') id: string, @Req() req: Request) {
    return this.submissions.get(id, required(ownerOf(req, false), req));
  }

  @Get('submissions/:id/receipt.pdf')
  @ApiOperation({ summary: 'L’accusé de réception en PDF.' })
  async receiptPdf(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const input = await this.submissions.receipt(id, required(ownerOf(req, false), req), identityOf(req));
    const pdf = await this.renderer.receipt(input);
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', contentDisposition('inline', `accuse-de-reception-${input.reference}.pdf`))
      .setHeader('Cache-Control', 'private, no-store')
      .send(pdf);
  }

  @Get('submissions/:id/receipt.html')
  @ApiOperation({ summary: 'L’accusé de réception, version HTML accessible.' })
  async receiptHtml(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const input = await this.submissions.receipt(id, required(ownerOf(req, false), req), identityOf(req));
    res.type('html').setHeader('Cache-Control', 'private, no-store').send(renderReceiptHtml(input));
  }

  @Post('submissions/:id/messages')
  @ApiOperation({
    summary:
      'Un message sur un dossier déposé : de l’usager aux services instructeurs, ou d’un agent (session ou jeton) à l’usager, qui en est averti par courriel. Agents : honore Idempotency-Key (le même message renvoyé avec la même clé donne la première réponse, sans second message ni second courriel ; la même clé pour un autre message : 422 IDEMPOTENCY_KEY_REUSED).',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Agents : 1 à 255 caractères visibles ; un nouvel essai du même message porte la même clé.',
  })
  async message(
    @Param('id') id: string,
    @Body() body: MessageDto,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
  ) {
    const agent = await agentOf(req, this.tokens);
    if (agent) {
      return this.actions.message(id, deskActorOf(agent), body.body, {
        awaitingReply: body.awaitingReply,
        attachmentId: body.attachmentId,
        idempotencyKey: key,
      });
    }
    if (body.awaitingReply !== undefined || body.attachmentId !== undefined) {
      throw new AppError('INVALID_REQUEST', {
        errors: [
          {
            pointer: body.attachmentId !== undefined ? '/attachmentId' : '/awaitingReply',
            code: 'agents_only',
            message: 'Réservé aux services instructeurs.',
          },
        ],
      });
    }
    return this.submissions.postMessage(id, required(ownerOf(req, false), req), body.body);
  }

  @Post('submissions/:id/attachments')
  @ApiUpload({ pointer: true })
  @ApiOperation({
    summary: 'Envoie un fichier pour un champ fichier (multipart : pointer puis file) ; type vérifié sur le contenu.',
  })
  async upload(@Param('id') id: string, @Req() req: Request) {
    const submission = await this.submissions.owned(id, required(ownerOf(req, false), req));
    const { pointer, file } = await readUpload(req, this.attachments.maxBytes);
    return this.attachments.store(submission, pointer, file);
  }

  @Get('submissions/:id/attachments/:attachmentId')
  @ApiOperation({ summary: 'Télécharge une pièce jointe de mon dossier.' })
  async download(
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const submission = await this.submissions.owned(id, required(ownerOf(req, false), req));
    const file = await this.attachments.open(submission, attachmentId);
    sendDownload(res, file);
  }

  @Get('me/submissions')
  @ApiOperation({ summary: 'Mes brouillons et mes demandes, les plus récents d’abord.' })
  async mine(@Req() req: Request) {
    const owner = ownerOf(req, false);
    return owner ? this.submissions.listMine(owner) : [];
  }
}
