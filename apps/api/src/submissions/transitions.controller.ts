import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { ApiTokenService, type Actor } from '@guichet/identity';
import { AppError, MESSAGE_FILE_MAX_BYTES, contentDisposition } from '@guichet/shared';
import { Attachments, Documents, Submissions, Transitions } from '@guichet/submissions';
import { DeskAccess, deskActorOf } from '@guichet/desk';
import { requestLocale } from '../errors/locale';
import { agentOf, ownerOf, required } from './owner';
import { sendDownload } from './download';
import { ApiUpload, readUpload } from './upload';

export class TransitionDto {
  @ApiProperty({ example: 'accept', description: 'Nom de la transition du circuit.' })
  @IsString({ message: 'Texte attendu.' })
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, { message: 'Nom de transition invalide.' })
  transition!: string;

  @ApiPropertyOptional({ example: 'Dossier complet.', description: 'Commentaire, visible par l’usager.' })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @Length(0, 5000, { message: 'Le commentaire compte au plus 5 000 caractères.' })
  comment?: string;

  @ApiPropertyOptional({ description: 'Révision lue (ou en-tête If-Match) : 409 si le dossier a changé depuis.' })
  @IsOptional()
  @IsInt({ message: 'Nombre entier attendu.' })
  @Min(1)
  expectedRevision?: number;
}

/**
 * Workflow transitions, for citizens (on their own requests: resubmit) and
 * caseworkers (on their organisations' requests), and the documents issued.
 */
@ApiTags('instruction')
@Controller('api/v1')
export class TransitionsController {
  constructor(
    private readonly submissions: Submissions,
    private readonly transitions: Transitions,
    private readonly documents: Documents,
    private readonly tokens: ApiTokenService,
    private readonly attachments: Attachments,
    private readonly access: DeskAccess,
  ) {}

  @Post('submissions/:id/transitions')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Fait avancer le dossier dans son circuit ({ transition, comment? }) ; If-Match ou expectedRevision ; 409 si périmé.',
  })
  async fire(
    @Param('id') id: string,
    @Body() body: TransitionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: Request,
  ) {
    const fromHeader = ifMatch && /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim())?.[1];
    const input = {
      transition: body.transition,
      comment: body.comment,
      expectedRevision: body.expectedRevision ?? (fromHeader ? Number(fromHeader) : undefined),
    };
    const agent = await this.agentOf(req);
    if (agent) {
      // The service and group must be the agent's, and the grant not read-only.
      const found = await this.access.locate(deskActorOf(agent), id, { act: true });
      const result = await this.transitions.fire(
        id,
        { kind: 'caseworker', id: agent.id, organisationIds: [found.organisationId] },
        input,
      );
      return { id: result!.id, status: result!.status, revision: result!.revision };
    }
    return this.submissions.transition(
      id,
      required(ownerOf(req, false), req),
      input,
      requestLocale(req.headers['accept-language']),
    );
  }

  @Get('services/:slug/submissions/:id/attachments/:attachmentId')
  @ApiOperation({
    summary:
      'Télécharge une pièce jointe d’un dossier déposé (instruction) ; avec inline=1, un PDF s’ouvre dans le navigateur (bac à sable).',
  })
  async caseAttachment(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Query('inline') inline: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (inline !== undefined && inline !== '1' && inline !== '0') {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/inline', code: 'query:inline', message: 'Attendu : inline=1 ou inline=0.' }],
      });
    }
    const agent = await this.agentOf(req);
    if (!agent) throw new AppError(req.session?.user ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    const found = await this.access.locate(deskActorOf(agent), id, { slug });
    // `locate` checked service, group and organisation: the attachment is looked up within that request.
    const file = await this.attachments.open(found, attachmentId);
    sendDownload(res, file, { inline: inline === '1' && file.mediaType === 'application/pdf' });
  }

  @Post('submissions/:id/message-attachments')
  @ApiUpload({ pointer: false })
  @ApiOperation({
    summary:
      'Agents : envoie le fichier d’un message à l’usager (multipart, champ file ; PDF ou image, 10 Mo au plus, type vérifié sur le contenu) → { attachmentId }, à donner ensuite à POST …/messages.',
  })
  async messageAttachment(@Param('id') id: string, @Req() req: Request) {
    const agent = await this.agentOf(req);
    if (!agent) throw new AppError(req.session?.user ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    const found = await this.access.locate(deskActorOf(agent), id, { act: true });
    const { file } = await readUpload(req, MESSAGE_FILE_MAX_BYTES, { pointer: false });
    return this.attachments.storeForMessage(found, file);
  }

  @Get('submissions/:id/documents/:documentId')
  @ApiOperation({ summary: 'Télécharge un document émis pour mon dossier (attestation, décision).' })
  async document(
    @Param('id') id: string,
    @Param('documentId') documentId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const submission = await this.submissions.owned(id, required(ownerOf(req, false), req));
    const document = await this.documents.read(submission, documentId);
    res
      .type(document.mediaType)
      .setHeader('Content-Disposition', contentDisposition('inline', document.filename))
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('X-Content-Type-Options', 'nosniff')
      .send(document.content);
  }

  private agentOf(req: Request): Promise<Actor | undefined> {
    return agentOf(req, this.tokens);
  }
}
