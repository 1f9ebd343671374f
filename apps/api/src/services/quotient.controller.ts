import { Body, Controller, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { Request } from 'express';
import type { Config } from '@guichet/config';
import { LookupUnavailableError, familyQuotientProvider, quotientIdentity } from '@guichet/forms';
import { AppError, quotientProvenance, quotientValues, type FamilyQuotient } from '@guichet/shared';
import { CONFIG } from '../tokens';

export class QuotientRequestDto {
  @ApiPropertyOptional({
    example: true,
    description:
      'L’usager a coché « J’accepte que … obtienne mon quotient familial auprès de la CAF ou de la MSA » (obligatoire : true).',
  })
  @IsOptional()
  consentement?: unknown;
}

class QuotientValuesDto {
  @ApiProperty({ example: 650, description: 'Quotient familial, en euros.' })
  quotient!: number;
  @ApiProperty({ example: '2026-10', description: 'Mois de référence (AAAA-MM).' })
  periode!: string;
  @ApiProperty({ enum: ['CAF', 'MSA'], example: 'CAF' })
  regime!: string;
  @ApiProperty({ example: 'MARIE-CLAIRE ANNE DUBOIS, MARC PETIT', description: 'Allocataire(s).' })
  allocataire!: string;
}

class FamilyQuotientDto {
  @ApiProperty({ example: 650, description: 'Quotient familial, en euros.' })
  quotient!: number;
  @ApiProperty({ example: 2026 })
  annee!: number;
  @ApiProperty({ example: 10, minimum: 1, maximum: 12 })
  mois!: number;
  @ApiProperty({ enum: ['CAF', 'MSA'], example: 'CAF', description: 'Organisme qui l’a calculé.' })
  regime!: 'CAF' | 'MSA';
  @ApiProperty({ type: [String], example: ['MARIE-CLAIRE ANNE DUBOIS', 'MARC PETIT'] })
  allocataires!: string[];
  @ApiProperty({ type: QuotientValuesDto, description: 'Les valeurs que le champ « Quotient familial » enregistre.' })
  valeurs!: QuotientValuesDto;
  @ApiProperty({ example: 'Fourni par la CAF via API Particulier' })
  provenance!: string;
}

const CONSENT_MESSAGE =
  'Cochez la case d’accord pour que votre quotient familial soit demandé à la CAF ou à la MSA, ou saisissez-le vous-même.';

/**
 * The family quotient of the signed-in citizen (issue 23), asked of API
 * Particulier (CAF or MSA) with their FranceConnect identity pivot, server
 * side only: the browser never sees the token nor the identity sent. Only
 * for a citizen signed in with FranceConnect (401 signed out, 403 an agent
 * or a sign-in without the identity pivot) who consented (400 with pointer
 * otherwise). 404: neither the CAF nor the MSA knows them; 503
 * LOOKUP_UNAVAILABLE: the API does not answer usably. In both cases the
 * citizen types the quotient. Rate-limited per address and per account; the
 * quotient is never logged nor cached by the browser.
 */
@ApiTags('usagers')
@Controller('api/v1/me')
export class QuotientController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Post('quotient-familial')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Quotient familial de l’usager connecté avec FranceConnect, obtenu auprès de la CAF ou de la MSA via API Particulier, avec son accord. 400 sans accord ; 401 non connecté ; 403 non connecté avec FranceConnect ; 404 inconnu ; 503 LOOKUP_UNAVAILABLE : l’usager saisit lui-même.',
  })
  @ApiOkResponse({ type: FamilyQuotientDto })
  async find(@Body() body: QuotientRequestDto, @Req() req: Request): Promise<FamilyQuotientDto> {
    const user = req.session?.user;
    if (!user) throw new AppError('UNAUTHENTICATED');
    const identity = user.kind === 'citizen' ? quotientIdentity(user.claims) : null;
    if (identity === null) throw new AppError('FORBIDDEN');
    if (body?.consentement !== true)
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/consentement', code: 'consentement_requis', message: CONSENT_MESSAGE }],
      });
    const provider = familyQuotientProvider({
      baseUrl: this.config.PARTICULIER_API_URL,
      timeoutMs: this.config.PARTICULIER_API_TIMEOUT_MS,
      token: this.config.PARTICULIER_API_TOKEN,
      recipient: this.config.PARTICULIER_API_RECIPIENT,
    });
    let quotient: FamilyQuotient | null;
    try {
      quotient = await provider.findByIdentity(identity);
    } catch (error) {
      if (error instanceof LookupUnavailableError) throw new AppError('LOOKUP_UNAVAILABLE');
      throw error;
    }
    if (quotient === null)
      throw new AppError('NOT_FOUND', {
        errors: [
          {
            pointer: '/quotient',
            code: 'quotient_inconnu',
            message: 'Ni la CAF ni la MSA ne trouvent de quotient familial à votre nom : saisissez-le vous-même.',
          },
        ],
      });
    return { ...quotient, valeurs: quotientValues(quotient), provenance: quotientProvenance(quotient.regime) };
  }
}
