import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Config } from '@guichet/config';
import { LookupUnavailableError, associationRegistry, type Association } from '@guichet/forms';
import { AppError, normaliseRna } from '@guichet/shared';
import { CONFIG } from '../tokens';

class AssociationDto {
  @ApiProperty({ example: 'W452001234', description: 'Numéro RNA (W et 9 chiffres).' })
  rna!: string;
  @ApiPropertyOptional({ example: '845123454', nullable: true, description: 'SIREN, si l’association en a un.' })
  siren!: string | null;
  @ApiProperty({ example: 'LES AMIS DU LOIRET' })
  nom!: string;
  @ApiProperty({ example: 'Faire connaître le patrimoine du Loiret.', description: 'Objet social déclaré.' })
  objet!: string;
  @ApiProperty({ example: '5 RUE DES FRANCS BOURGEOIS 45000 ORLEANS', description: 'Adresse du siège.' })
  adresse!: string;
  @ApiPropertyOptional({ example: '45000', nullable: true })
  codePostal!: string | null;
  @ApiPropertyOptional({ example: 'ORLEANS', nullable: true })
  commune!: string | null;
  @ApiPropertyOptional({ example: '2019-01-10', nullable: true, format: 'date', description: 'Date de déclaration.' })
  dateDeclaration!: string | null;
  @ApiPropertyOptional({
    example: '2019-01-26',
    nullable: true,
    format: 'date',
    description: 'Date de publication au Journal officiel (JOAFE).',
  })
  datePublicationJo!: string | null;
  @ApiProperty({ enum: ['active', 'dissoute'], example: 'active' })
  etat!: 'active' | 'dissoute';
  @ApiPropertyOptional({ example: null, nullable: true, format: 'date' })
  dateDissolution!: string | null;
}

/** What a path parameter may look like before it is read as an RNA number: letters, digits, spaces, bounded. */
const RNA_LIKE = /^[0-9A-Za-z ]{1,64}$/;

/**
 * The RNA lookup behind the RNA field (issue 23): the association in the
 * Répertoire national des associations through API Entreprise
 * (ASSOCIATIONS_API_URL; the bundled fake in development and tests). Public
 * and rate-limited with the other lookups (RATE_LIMIT_LOOKUPS_PER_IP). When
 * the registry is down, slow or answers garbage: 503 LOOKUP_UNAVAILABLE, and
 * the page lets the citizen type the values. Neither the number, nor the
 * answer, nor the token is logged.
 */
@ApiTags('usagers')
@Controller('api/v1/public/associations')
export class AssociationsController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get(':rna')
  // The RNA changes daily at most: an answer may be kept five minutes.
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary:
      'Association d’un numéro RNA (Répertoire national des associations, via API Entreprise), pour le champ RNA. 404 : inconnue ; 503 LOOKUP_UNAVAILABLE : le répertoire ne répond pas, l’usager saisit lui-même.',
  })
  @ApiParam({ name: 'rna', description: 'W suivi de 9 chiffres (espaces admis).', example: 'W452001234' })
  @ApiOkResponse({ type: AssociationDto })
  async find(@Param('rna') raw: string): Promise<Association> {
    const rna = RNA_LIKE.test(raw) ? normaliseRna(raw) : null;
    if (rna === null)
      throw new AppError('INVALID_REQUEST', {
        errors: [
          {
            pointer: '/rna',
            code: 'pattern',
            message: 'Le numéro RNA commence par la lettre W suivie de 9 chiffres (exemple : W751234567).',
          },
        ],
      });
    const registry = associationRegistry({
      baseUrl: this.config.ASSOCIATIONS_API_URL,
      timeoutMs: this.config.ASSOCIATIONS_API_TIMEOUT_MS,
      token: this.config.ASSOCIATIONS_API_TOKEN,
      recipient: this.config.ASSOCIATIONS_API_RECIPIENT,
    });
    let association: Association | null;
    try {
      association = await registry.findByRna(rna);
    } catch (error) {
      if (error instanceof LookupUnavailableError) throw new AppError('LOOKUP_UNAVAILABLE');
      throw error;
    }
    if (association === null)
      throw new AppError('NOT_FOUND', {
        errors: [
          {
            pointer: '/rna',
            code: 'rna_inconnu',
            message: 'Aucune association n’a ce numéro dans le Répertoire national des associations.',
          },
        ],
      });
    return association;
  }
}
