import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length, ValidateIf } from 'class-validator';
import { CaseActions, Inbox, type DeskActor } from '@guichet/desk';
import { organisationsWhere, type Actor } from '@guichet/identity';
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

/** The caseworkers' routes: inbox, the request file, notes, assignment, following. */
export function deskActor(actor: Actor): DeskActor {
  return { id: actor.id, organisationIds: organisationsWhere(actor, ['caseworker', 'admin']) };
}

@ApiTags('instruction')
@ApiBearerAuth()
@UseGuards(ActorGuard)
@Controller('api/v1')
export class DeskController {
  constructor(
    private readonly inbox: Inbox,
    private readonly actions: CaseActions,
  ) {}

  @Get('services/:slug/inbox')
  @ApiOperation({
    summary:
      'Les demandes d’une démarche, par pages (curseur) : tab=a_traiter|suivis|traites|tous, status, assignee=me|none|account:…, group, q, from, to, field=/champ=valeur (répétable), sort=submitted|deadline, limit ≤ 100.',
  })
  list(@CurrentActor() actor: Actor, @Param('slug') slug: string, @Query() query: Record<string, unknown>) {
    return this.inbox.list(slug, deskActor(actor), query);
  }

  @Get('services/:slug/submissions/:id')
  @ApiOperation({
    summary:
      'Le dossier complet : réponses, historique entier, messages, notes privées, documents (consultation tracée).',
  })
  read(@CurrentActor() actor: Actor, @Param('slug') slug: string, @Param('id') id: string) {
    return this.actions.read(slug, id, deskActor(actor));
  }

  @Post('submissions/:id/notes')
  @ApiOperation({ summary: 'Ajoute une note privée (jamais montrée à l’usager).' })
  note(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: NoteDto) {
    return this.actions.note(id, deskActor(actor), body.body);
  }

  @Post('submissions/:id/assign')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Attribue la demande à un agent ({ agentId }), ou retire l’attribution ({ agentId: null }).',
  })
  assign(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: AssignDto) {
    return this.actions.assign(id, deskActor(actor), body.agentId);
  }

  @Put('submissions/:id/follow')
  @ApiOperation({ summary: 'Suit la demande (onglet « Suivis »).' })
  follow(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.actions.follow(id, deskActor(actor), true);
  }

  @Delete('submissions/:id/follow')
  @ApiOperation({ summary: 'Ne suit plus la demande.' })
  unfollow(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.actions.follow(id, deskActor(actor), false);
  }
}
