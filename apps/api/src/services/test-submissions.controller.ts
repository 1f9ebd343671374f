import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { browserValidatorModule, definitionHash } from '@guichet/forms';
import type { Actor } from '@guichet/identity';
import { AppError } from '@guichet/shared';
import { Attachments, TestSubmissions } from '@guichet/submissions';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';
import { requestLocale } from '../errors/locale';
import { AutosaveDto, CreateDraftDto } from '../submissions/submissions.controller';
import { ApiUpload, readUpload } from '../submissions/upload';

/**
 * The designers' test mode: trials of a service's draft, validated like real
 * requests but kept apart from them (no inbox, export, count, email, webhook),
 * deleted when the service is published.
 */
@ApiTags('conception')
@ApiBearerAuth()
@UseGuards(ActorGuard)
@Controller('api/v1/services/:slug/test-submissions')
export class TestSubmissionsController {
  constructor(
    private readonly trials: TestSubmissions,
    private readonly attachments: Attachments,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Mode test : commence un essai du brouillon de la démarche (aucune vraie demande) → { id, test: true, url, definition }.',
  })
  create(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Body() body: CreateDraftDto,
    @Headers('accept-language') language: string | undefined,
  ) {
    return this.trials.create(actor, slug, body.data, requestLocale(language));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Un essai : réponses, état et la définition (brouillon) avec laquelle l’afficher.' })
  get(@CurrentActor() actor: Actor, @Param('slug') slug: string, @Param('id') id: string) {
    return this.trials.get(actor, slug, id);
  }

  @Get(':id/validator.js')
  @ApiOperation({
    summary:
      'Le validateur précompilé du brouillon essayé (module ES), pour que la page d’essai vérifie comme le serveur.',
  })
  async validator(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Res() res: Response,
  ): Promise<void> {
    const trial = await this.trials.get(actor, slug, id);
    const source = browserValidatorModule(trial.definition, definitionHash(trial.definition));
    res
      .type('text/javascript; charset=utf-8')
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('X-Content-Type-Options', 'nosniff')
      .send(source);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Enregistre les réponses d’un essai (validation partielle, 409 si périmé).' })
  autosave(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Body() body: AutosaveDto,
    @Headers('accept-language') language: string | undefined,
  ) {
    return this.trials.autosave(actor, slug, id, body.data, body.expectedRevision, requestLocale(language));
  }

  @Post(':id/attachments')
  @ApiUpload({ pointer: true })
  @ApiOperation({
    summary:
      'Joint un fichier à un essai (multipart : pointer puis file), vérifié comme pour une vraie demande ; gardé avec l’essai et effacé avec lui.',
  })
  async upload(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Req() req: Request,
  ) {
    // Who may write to this trial is known before a byte of the file is read.
    const trial = await this.trials.get(actor, slug, id);
    if (trial.status !== 'draft') throw new AppError('NOT_A_DRAFT');
    const { pointer, file } = await readUpload(req, this.attachments.maxBytes);
    return this.trials.storeFile(actor, slug, id, pointer, file, this.attachments.maxBytes);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validation complète d’un essai, comme un dépôt ; rien n’est envoyé ni instruit.' })
  submit(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Headers('accept-language') language: string | undefined,
  ) {
    return this.trials.submit(actor, slug, id, requestLocale(language));
  }
}
