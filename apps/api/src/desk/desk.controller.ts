import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn } from 'class-validator';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AgentPreferences, CaseActions, DeskAccess, DeskExports, Inbox, deskActorOf } from '@guichet/desk';
import { AppError, MAX_COLUMNS, contentDisposition, errorMessage } from '@guichet/shared';
import { Transitions } from '@guichet/submissions';
import type { Actor } from '@guichet/identity';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';

export class NoteDto {
  @ApiProperty({ example: 'Appeler la famille pour le justificatif de domicile.' })
  @IsString({ message: 'Texte attendu.' })
  @Length(1, 5000, { message: 'Écrivez une note de 1 à 5 000 caractères.' })
  body!: string;
}

export class AssignDto {
  @ApiProperty({ nullable: true, description: 'account:<id> d’un agent, ou null pour retirer l’attribution.' })
  @ValidateIf((_, value) => value !== null)
  @IsString({ message: 'Identifiant d’agent ou null attendu.' })
  agentId!: string | null;
}

export class PreferencesDto {
  @ApiProperty({ enum: ['instant', 'digest', 'none'], description: 'Nouvelles demandes et réponses des usagers.' })
  @IsIn(['instant', 'digest', 'none'], { message: 'Attendu : instant, digest ou none.' })
  notify!: 'instant' | 'digest' | 'none';
}

export class InboxColumnsDto {
  @ApiProperty({
    type: [String],
    example: ['/association/name', '/funding/amount'],
    description: `Champs du formulaire (pointeurs JSON), ${MAX_COLUMNS} au plus.`,
  })
  @IsArray({ message: 'Liste attendue.' })
  @ArrayMaxSize(MAX_COLUMNS, { message: `${MAX_COLUMNS} colonnes au plus.` })
  @IsString({ each: true, message: 'Pointeurs JSON attendus.' })
  columns!: string[];
}

export class BatchActionDto {
  @ApiProperty({ required: false, example: 'start_review', description: 'Une transition à faire sur chaque demande…' })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, { message: 'Nom de transition invalide.' })
  transition?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @Length(0, 5000)
  comment?: string;

  @ApiProperty({ required: false, nullable: true, description: '…ou une attribution (account:<id>, ou null).' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString({ message: 'Identifiant d’agent ou null attendu.' })
  assign?: string | null;
}

export class BatchDto {
  @ApiProperty({ type: [String], description: 'De 1 à 100 demandes de cette démarche.' })
  @IsArray({ message: 'Liste attendue.' })
  @ArrayMinSize(1, { message: 'Au moins une demande.' })
  @ArrayMaxSize(100, { message: 'Au plus 100 demandes à la fois.' })
  @IsString({ each: true, message: 'Identifiants attendus.' })
  ids!: string[];

  @ApiProperty({ type: BatchActionDto })
  @ValidateNested()
  @Type(() => BatchActionDto)
  action!: BatchActionDto;
}

/** The caseworkers' routes: inbox, the request file, notes, assignment, following, batches. */
@ApiTags('instruction')
@ApiBearerAuth()
@UseGuards(ActorGuard)
@Controller('api/v1')
export class DeskController {
  constructor(
    private readonly inbox: Inbox,
    private readonly actions: CaseActions,
    private readonly transitions: Transitions,
    private readonly access: DeskAccess,
    private readonly agentPreferences: AgentPreferences,
    private readonly exports: DeskExports,
  ) {}

  @Get('services/:slug/exports/:exportId')
  @ApiOperation({
    summary:
      'Un export fait en tâche de fond (réponse 202 de GET …/export) : état (pending, running, ready, failed) et, prêt, son adresse de téléchargement (24 h, pour l’agent qui l’a demandé seulement).',
  })
  exportStatus(@CurrentActor() actor: Actor, @Param('slug') slug: string, @Param('exportId') exportId: string) {
    return this.exports.status(slug, exportId, deskActorOf(actor));
  }

  @Get('services/:slug/exports/:exportId/download')
  @ApiOperation({ summary: 'Le fichier d’un export fait en tâche de fond, une fois prêt (agent qui l’a demandé).' })
  async exportDownload(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Param('exportId') exportId: string,
    @Res() res: Response,
  ) {
    const file = await this.exports.open(slug, exportId, deskActorOf(actor));
    res
      .status(200)
      .type(file.mediaType)
      .setHeader('Content-Length', String(file.bytes))
      .setHeader('Content-Disposition', contentDisposition('attachment', file.filename))
      .setHeader('Cache-Control', 'private, no-store');
    file.stream.on('error', (error) => res.destroy(error));
    file.stream.pipe(res);
  }

  /** The signed-in agent's professional email (preferences are kept by it, like roles). */
  private agentEmail(req: Request): string {
    const user = req.session?.user;
    if (!user || user.kind !== 'agent' || !user.email || req.headers.authorization) throw new AppError('FORBIDDEN');
    return user.email.toLowerCase();
  }

  @Get('me/preferences')
  @ApiOperation({ summary: 'Mes préférences d’agent : courriels instantanés, résumé quotidien, ou rien.' })
  async preferences(@Req() req: Request) {
    return { notify: await this.agentPreferences.notify(this.agentEmail(req)) };
  }

  @Put('me/preferences')
  @ApiOperation({ summary: 'Change mes préférences d’agent ({ notify: instant | digest | none }).' })
  async setPreferences(@Req() req: Request, @Body() body: PreferencesDto) {
    return { notify: await this.agentPreferences.setNotify(this.agentEmail(req), body.notify) };
  }

  @Get('me/preferences/columns/:slug')
  @ApiOperation({ summary: 'Les réponses que je montre en colonnes dans la corbeille de cette démarche.' })
  async inboxColumns(@CurrentActor() actor: Actor, @Req() req: Request, @Param('slug') slug: string) {
    return { columns: await this.agentPreferences.columns(this.agentEmail(req), slug, deskActorOf(actor)) };
  }

  @Put('me/preferences/columns/:slug')
  @ApiOperation({
    summary: 'Choisit les réponses montrées en colonnes dans la corbeille de cette démarche ({ columns }).',
  })
  async setInboxColumns(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Param('slug') slug: string,
    @Body() body: InboxColumnsDto,
  ) {
    const email = this.agentEmail(req);
    return { columns: await this.agentPreferences.setColumns(email, slug, deskActorOf(actor), body.columns) };
  }

  @Get('desk/services')
  @ApiOperation({
    summary: 'Les démarches publiées sur lesquelles je travaille (instruction), avec les effectifs des onglets.',
  })
  services(@CurrentActor() actor: Actor) {
    return this.inbox.services(deskActorOf(actor));
  }

  @Get('desk/services/:slug')
  @ApiOperation({
    summary: 'Une démarche pour l’instruction : effectifs des onglets, états du circuit, définition publiée (champs).',
  })
  service(@CurrentActor() actor: Actor, @Param('slug') slug: string) {
    return this.inbox.describe(slug, deskActorOf(actor));
  }

  @Post('services/:slug/batch')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Une action sur plusieurs demandes de la démarche ({ ids, action: { transition, comment? } | { assign } }), avec un résultat par demande.',
  })
  async batch(@CurrentActor() actor: Actor, @Param('slug') slug: string, @Body() body: BatchDto) {
    const desk = deskActorOf(actor);
    const { action } = body;
    const isTransition = action.transition !== undefined;
    if (isTransition === (action.assign !== undefined)) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/action', code: 'action', message: 'Donnez soit une transition, soit une attribution.' }],
      });
    }
    const results = [];
    // One at a time, each in its own transaction: one refusal does not undo the others.
    for (const id of [...new Set(body.ids)]) {
      try {
        const found = await this.access.locate(desk, id, { slug, act: true });
        if (isTransition) {
          const done = await this.transitions.fire(
            id,
            { kind: 'caseworker', id: desk.id, organisationIds: [found.organisationId] },
            { transition: action.transition!, comment: action.comment },
          );
          results.push({ id, status: 200, result: { status: done!.status, revision: done!.revision } });
        } else {
          results.push({ id, status: 200, result: await this.actions.assign(id, desk, action.assign ?? null) });
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results.push({
          id,
          status: error.status,
          code: error.code,
          message: errorMessage(error.code, 'fr', error.params),
        });
      }
    }
    return { results };
  }

  @Get('services/:slug/inbox')
  @ApiOperation({
    summary:
      'Les demandes d’une démarche, par pages (curseur) : tab=a_traiter|suivis|traites|tous, status, assignee=me|none|account:…, group, q, from, to, field=/champ=valeur (répétable), sort=submitted|deadline, limit ≤ 100.',
  })
  list(@CurrentActor() actor: Actor, @Param('slug') slug: string, @Query() query: Record<string, unknown>) {
    return this.inbox.list(slug, deskActorOf(actor), query);
  }

  @Get('services/:slug/submissions/:id')
  @ApiOperation({
    summary:
      'Le dossier complet : réponses, historique entier, messages, notes privées, documents (consultation tracée).',
  })
  read(@CurrentActor() actor: Actor, @Param('slug') slug: string, @Param('id') id: string) {
    return this.actions.read(slug, id, deskActorOf(actor));
  }

  @Post('submissions/:id/notes')
  @ApiOperation({
    summary:
      'Ajoute une note privée (jamais montrée à l’usager). Honore Idempotency-Key : la même note renvoyée avec la même clé donne la première réponse, sans seconde note ; la même clé pour une autre note : 422 IDEMPOTENCY_KEY_REUSED.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1 à 255 caractères visibles ; un nouvel essai de la même note porte la même clé.',
  })
  note(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: NoteDto,
    @Headers('idempotency-key') key: string | undefined,
  ) {
    return this.actions.note(id, deskActorOf(actor), body.body, { idempotencyKey: key });
  }

  @Post('submissions/:id/assign')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Attribue la demande à un agent ({ agentId }), ou retire l’attribution ({ agentId: null }).',
  })
  assign(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: AssignDto) {
    return this.actions.assign(id, deskActorOf(actor), body.agentId);
  }

  @Put('submissions/:id/follow')
  @ApiOperation({ summary: 'Suit la demande (onglet « Suivis »).' })
  follow(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.actions.follow(id, deskActorOf(actor), true);
  }

  @Delete('submissions/:id/follow')
  @ApiOperation({ summary: 'Ne suit plus la demande.' })
  unfollow(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.actions.follow(id, deskActorOf(actor), false);
  }
}
