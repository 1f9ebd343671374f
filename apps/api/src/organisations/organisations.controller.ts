import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { Request, Response } from 'express';
import { OrganisationArchives } from '@guichet/desk';
import { LOGO_MAX_BYTES, OrganisationAdmin, ROLES, hasRole, organisationsReached, type Actor } from '@guichet/identity';
import type { OrganisationRole } from '@guichet/persistence';
import { AppError, contentDisposition, isUuid, organisationId, type OrganisationId } from '@guichet/shared';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';
import { HEX_COLOR } from '@guichet/shared';
import { ApiUpload } from '../submissions/upload';
import { readLogoUpload } from './logo-upload';
import { NotBlank } from '../http/not-blank';

export class ContactDto {
  @ApiPropertyOptional({ example: 'accueil@mairie-x.fr', nullable: true })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @MaxLength(320, { message: '320 caractères au plus.' })
  email?: string | null;

  @ApiPropertyOptional({ example: '02 38 00 00 00', nullable: true })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @Matches(/^$|^\+?[0-9 ().-]{4,40}$/, { message: 'Numéro de téléphone invalide (chiffres, espaces, + . - ( )).' })
  phone?: string | null;

  @ApiPropertyOptional({ example: '1 place de la Mairie, 45000 X', nullable: true })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @MaxLength(500, { message: '500 caractères au plus.' })
  address?: string | null;

  @ApiPropertyOptional({ example: 'https://www.mairie-x.fr', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== '')
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { message: 'Adresse de site invalide : elle commence par https://.' },
  )
  @MaxLength(500, { message: '500 caractères au plus.' })
  website?: string | null;
}

export class ProfileDto {
  @ApiProperty({ example: 'Mairie de X' })
  @IsString({ message: 'Texte attendu.' })
  @Length(1, 200, { message: 'Un nom de 1 à 200 caractères.' })
  @NotBlank({ message: 'Un nom de 1 à 200 caractères.' })
  name!: string;

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional()
  @IsObject({ message: 'Objet attendu.' })
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ example: '#000091', nullable: true, description: 'Au moins 4,5:1 de contraste sur blanc.' })
  @IsOptional()
  @IsString({ message: 'Couleur attendue au format #rrggbb.' })
  @Matches(HEX_COLOR, { message: 'Couleur attendue au format #rrggbb (exemple : #000091).' })
  accentColor?: string | null;
}

export class AddAgentDto {
  @ApiProperty({ example: 'prenom.nom@mairie-x.fr' })
  @IsString({ message: 'Adresse électronique attendue.' })
  @MaxLength(320, { message: '320 caractères au plus.' })
  email!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: 'Rôle attendu : admin, designer ou caseworker.' })
  role!: OrganisationRole;

  @ApiPropertyOptional({ description: 'Limite un instructeur à cette démarche (son identifiant court).' })
  @IsOptional()
  @IsString({ message: 'Identifiant de démarche attendu.' })
  @MaxLength(63, { message: 'Identifiant de démarche invalide.' })
  service?: string | null;

  @ApiPropertyOptional({ description: 'Limite un instructeur à ce groupe de la démarche.' })
  @IsOptional()
  @IsString({ message: 'Nom de groupe attendu.' })
  @MaxLength(40, { message: '40 caractères au plus.' })
  group?: string | null;
}

export class CreateGroupDto {
  @ApiProperty({ example: 'nord', description: 'Tel que les règles d’orientation le nomment.' })
  @IsString({ message: 'Nom de groupe attendu.' })
  @Length(1, 40, { message: 'Nom de groupe : 1 à 40 caractères.' })
  key!: string;

  @ApiPropertyOptional({ example: 'Secteur nord' })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @MaxLength(200, { message: '200 caractères au plus.' })
  label?: string | null;
}

export class AddMemberDto {
  @ApiProperty({ example: 'prenom.nom@mairie-x.fr' })
  @IsString({ message: 'Adresse électronique attendue.' })
  @MaxLength(320, { message: '320 caractères au plus.' })
  email!: string;
}

/**
 * An organisation's administration: profile and branding, agents and their
 * roles, caseworker groups, the archive of all its data. Admins of the
 * organisation only (a session, or an API token with the admin role over the
 * whole organisation); a read-only grant reads. Others who work in the
 * organisation get 403, everyone else 404.
 */
@ApiTags('administration')
@ApiBearerAuth()
@UseGuards(ActorGuard)
@Controller('api/v1/organisations')
export class OrganisationsController {
  constructor(
    private readonly admin: OrganisationAdmin,
    private readonly archives: OrganisationArchives,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'Profil de l’organisation : nom, coordonnées, couleur d’accent, logo.' })
  profile(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.admin.profile(this.allow(actor, id, false));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Modifie le profil ; 422 si la couleur n’a pas 4,5:1 de contraste sur blanc.' })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ProfileDto) {
    return this.admin.updateProfile(this.allow(actor, id, true), body);
  }

  @Put(':id/logo')
  @ApiUpload({ pointer: false })
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Dépose le logo (champ « file » : PNG ou JPEG, 200 Ko au plus).' })
  async setLogo(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() req: Request) {
    const organisationId = this.allow(actor, id, true);
    return this.admin.setLogo(organisationId, await readLogoUpload(req, LOGO_MAX_BYTES));
  }

  @Delete(':id/logo')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retire le logo.' })
  removeLogo(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.admin.removeLogo(this.allow(actor, id, true));
  }

  @Get(':id/agents')
  @ApiOperation({ summary: 'Les agents de l’organisation : une ligne par rôle et portée.' })
  agents(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.admin.listAgents(this.allow(actor, id, false));
  }

  @Post(':id/agents')
  @ApiOperation({ summary: 'Donne un rôle à un agent, par son adresse professionnelle.' })
  addAgent(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: AddAgentDto) {
    return this.admin.addAgent(this.allow(actor, id, true), body, actor);
  }

  @Delete(':id/agents/:membershipId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retire un rôle ; 409 pour le dernier administrateur.' })
  removeAgent(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('membershipId') membershipId: string) {
    return this.admin.removeAgent(this.allow(actor, id, true), membershipId, actor);
  }

  @Get(':id/services/:slug/groups')
  @ApiOperation({ summary: 'Les groupes instructeurs d’une démarche et leurs membres.' })
  groups(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('slug') slug: string) {
    return this.admin.listGroups(this.allow(actor, id, false), slug);
  }

  @Post(':id/services/:slug/groups')
  @ApiOperation({ summary: 'Déclare un groupe instructeur (clé et libellé).' })
  createGroup(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('slug') slug: string,
    @Body() body: CreateGroupDto,
  ) {
    return this.admin.createGroup(this.allow(actor, id, true), slug, body);
  }

  @Delete(':id/services/:slug/groups/:key')
  @HttpCode(200)
  @ApiOperation({ summary: 'Supprime un groupe et ses membres ; 409 tant que l’orientation l’utilise.' })
  deleteGroup(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('slug') slug: string,
    @Param('key') key: string,
  ) {
    return this.admin.deleteGroup(this.allow(actor, id, true), slug, key, actor);
  }

  @Post(':id/services/:slug/groups/:key/members')
  @ApiOperation({ summary: 'Ajoute un instructeur au groupe.' })
  addMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Body() body: AddMemberDto,
  ) {
    return this.admin.addGroupMember(this.allow(actor, id, true), slug, key, body.email, actor);
  }

  @Delete(':id/services/:slug/groups/:key/members/:membershipId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retire un instructeur du groupe.' })
  removeMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Param('membershipId') membershipId: string,
  ) {
    return this.admin.removeGroupMember(this.allow(actor, id, true), slug, key, membershipId, actor);
  }

  @Post(':id/archives')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Demande l’archive de toutes les données de l’organisation (ZIP), préparée en tâche de fond et gardée 24 h ; tant qu’une archive est en préparation, la redemander répond celle-ci.',
  })
  async requestArchive(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { view } = await this.archives.request(this.allow(actor, id, true), actor.id);
    res.setHeader('Location', view.statusUrl).setHeader('Cache-Control', 'private, no-store');
    return view;
  }

  @Get(':id/archives/:archiveId')
  @ApiOperation({
    summary: 'Une archive de l’organisation : état (queued, running, ready, failed) et, prête, son adresse.',
  })
  archive(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('archiveId') archiveId: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const organisation = this.allow(actor, id, false);
    res.setHeader('Cache-Control', 'private, no-store');
    return this.archives.status(organisation, archiveIdOf(archiveId));
  }

  @Get(':id/archives/:archiveId/file')
  @ApiOperation({ summary: 'Le fichier ZIP d’une archive prête (24 h après sa préparation).' })
  async archiveFile(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('archiveId') archiveId: string,
    @Res() res: Response,
  ) {
    const file = await this.archives.open(this.allow(actor, id, false), archiveIdOf(archiveId));
    res
      .status(200)
      .type('application/zip')
      .setHeader('Content-Length', String(file.bytes))
      .setHeader('Content-Disposition', contentDisposition('attachment', file.filename))
      .setHeader('Cache-Control', 'private, no-store');
    file.stream.on('error', (error) => res.destroy(error));
    file.stream.pipe(res);
  }

  /**
   * Admin of the whole organisation (an admin limited to some services is not one).
   * Someone who works in it otherwise learns only that they may not (403); to
   * anyone else it does not exist (404). Changes need a grant that may act.
   * Answers the id as the OrganisationId that the organisation's repositories take.
   */
  private allow(actor: Actor, id: string, act: boolean): OrganisationId {
    if (!isUuid(id)) throw new AppError('NOT_FOUND');
    if (!hasRole(actor, id, ['admin'])) {
      if (organisationsReached(actor, ROLES).includes(id)) throw new AppError('FORBIDDEN');
      throw new AppError('NOT_FOUND');
    }
    if (act && !hasRole(actor, id, ['admin'], { act: true })) throw new AppError('FORBIDDEN');
    return organisationId(id);
  }
}

/** An archive's id from the address: 400 with a pointer when it is not one. */
function archiveIdOf(archiveId: string): string {
  if (isUuid(archiveId)) return archiveId;
  throw new AppError('INVALID_REQUEST', {
    errors: [{ pointer: '/archiveId', code: 'format', message: 'Identifiant d’archive invalide (UUID attendu).' }],
  });
}

/** Citizens' pages show the organisation's logo: public, cached for good under its versioned address. */
@ApiTags('usagers')
@Controller('api/v1/public/organisations')
export class PublicOrganisationsController {
  constructor(private readonly admin: OrganisationAdmin) {}

  @Get(':slug/logo')
  @ApiOperation({ summary: 'Le logo de l’organisation (PNG ou JPEG).' })
  async logo(@Param('slug') slug: string, @Req() req: Request, @Res() res: Response) {
    const logo = await this.admin.logo(slug);
    if (!logo) throw new AppError('NOT_FOUND');
    const etag = `"${logo.hash}"`;
    const versioned = req.query.v === logo.hash.slice(0, 16);
    res.setHeader('ETag', etag);
    res.setHeader(
      'Cache-Control',
      versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300, must-revalidate',
    );
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.type(logo.type).send(logo.bytes);
  }
}
