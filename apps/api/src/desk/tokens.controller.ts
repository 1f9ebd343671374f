import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { ApiTokenService, hasRole, type Actor } from '@guichet/identity';
import type { ApiToken } from '@guichet/persistence';
import { AppError, isUuid, organisationId } from '@guichet/shared';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';
import { NotBlank } from '../http/not-blank';

export class CreateTokenDto {
  @ApiProperty()
  @IsUUID('all', { message: 'Identifiant d’organisation attendu.' })
  organisationId!: string;

  @ApiProperty({ example: 'Logiciel de gestion de la cantine' })
  @IsString({ message: 'Texte attendu.' })
  @Length(1, 200, { message: 'Un nom de 1 à 200 caractères.' })
  @NotBlank({ message: 'Un nom de 1 à 200 caractères, dont au moins un visible.' })
  name!: string;

  @ApiProperty({ enum: ['caseworker', 'designer', 'admin'] })
  @IsIn(['caseworker', 'designer', 'admin'], { message: 'Rôle attendu : caseworker, designer ou admin.' })
  role!: 'caseworker' | 'designer' | 'admin';

  @ApiPropertyOptional({
    type: [String],
    description:
      'Limite le jeton à ces démarches (identifiants courts). Absent : toute l’organisation ; une liste vide est refusée.',
  })
  @IsOptional()
  @IsArray({ message: 'Liste attendue.' })
  @ArrayMaxSize(50)
  @Matches(/^[a-z0-9-]{1,63}$/, { each: true, message: 'Identifiant de démarche invalide.' })
  services?: string[];

  @ApiPropertyOptional({ description: 'Lecture et export seulement, aucune action.' })
  @IsOptional()
  @IsBoolean({ message: 'true ou false attendu.' })
  readOnly?: boolean;

  @ApiPropertyOptional({ example: '2027-06-30T00:00:00Z' })
  @IsOptional()
  @IsDateString({}, { message: 'Date ISO 8601 attendue.' })
  expiresAt?: string;
}

/** Organisation API tokens, for integrations: created by an admin, shown once, stored hashed. */
@ApiTags('administration')
@ApiBearerAuth()
@UseGuards(ActorGuard)
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: ApiTokenService) {}

  @Post()
  @ApiOperation({
    summary:
      'Crée un jeton (administrateurs) : rôle, démarches, lecture seule, expiration. Le secret n’est montré qu’ici.',
  })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateTokenDto) {
    // A token limited to some services, or read-only, cannot mint one that is not.
    if (!hasRole(actor, body.organisationId, ['admin'], { act: true })) throw new AppError('FORBIDDEN');
    const organisation = organisationId(body.organisationId);
    let serviceIds: string[] | null = null;
    // An empty list once meant "no limit": a scope that widens when emptied is refused, not guessed.
    if (body.services !== undefined && body.services.length === 0) {
      throw new AppError('INVALID_REQUEST', {
        errors: [
          {
            pointer: '/services',
            code: 'empty',
            message:
              'Choisissez au moins une démarche, ou retirez la liste pour un jeton valable sur toute l’organisation.',
          },
        ],
      });
    }
    if (body.services?.length) {
      const found = await this.tokens.servicesBySlug(organisation, body.services);
      const missing = body.services.findIndex((slug) => !found.some((s) => s.slug === slug));
      if (missing >= 0) {
        throw new AppError('INVALID_REQUEST', {
          errors: [
            {
              pointer: `/services/${missing}`,
              code: 'unknown_service',
              message: 'Démarche inconnue dans cette organisation.',
            },
          ],
        });
      }
      serviceIds = found.map((s) => s.id);
    }
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/expiresAt', code: 'past', message: 'L’expiration doit être dans le futur.' }],
      });
    }
    const { token, record } = await this.tokens.issue({
      organisationId: organisation,
      name: body.name,
      role: body.role,
      serviceIds,
      readOnly: body.readOnly ?? false,
      expiresAt,
      createdBy: actor,
    });
    return { ...this.view(record), services: body.services ?? null, token };
  }

  @Get()
  @ApiOperation({ summary: 'Les jetons d’une organisation (sans leur secret).' })
  async list(@CurrentActor() actor: Actor, @Query('organisationId') id: string) {
    if (typeof id !== 'string' || !hasRole(actor, id, ['admin'])) throw new AppError('FORBIDDEN');
    const records = await this.tokens.list(organisationId(id));
    return records.map((r) => this.view(r));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Révoque un jeton.' })
  async revoke(@CurrentActor() actor: Actor, @Param('id') id: string) {
    if (!isUuid(id)) throw new AppError('NOT_FOUND');
    const record = await this.tokens.findInAnyOrganisation(id);
    if (!record || !hasRole(actor, record.organisationId, ['admin'])) throw new AppError('NOT_FOUND');
    if (!hasRole(actor, record.organisationId, ['admin'], { act: true })) throw new AppError('FORBIDDEN');
    await this.tokens.revoke(organisationId(record.organisationId), id);
    return { id, revoked: true };
  }

  private view(r: ApiToken) {
    return {
      id: r.id,
      organisationId: r.organisationId,
      name: r.name,
      role: r.role,
      serviceIds: r.serviceIds,
      readOnly: r.readOnly,
      expiresAt: r.expiresAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
      // Whose role it hangs on (revoked when that admin's role ends); null: the operator's, or made before this was kept.
      createdBy: r.createdByEmail,
    };
  }
}
