import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Config } from '@guichet/config';
import { LookupUnavailableError, companyDirectory, normaliseSiret, type Company } from '@guichet/forms';
import { AppError, FORMAT_HINTS_FR } from '@guichet/shared';
import { CONFIG } from '../tokens';

class CompanyDto {
  @ApiProperty({ example: '91234567500017' })
  siret!: string;
  @ApiProperty({ example: '912345675' })
  siren!: string;
  @ApiProperty({ example: 'BOULANGERIE DU MAIL', description: 'Raison sociale (nom complet au répertoire Sirene).' })
  raisonSociale!: string;
  @ApiProperty({ example: 'Société à responsabilité limitée (SARL)' })
  formeJuridique!: string;
  @ApiPropertyOptional({ example: '5499', nullable: true, description: 'Catégorie juridique (code INSEE).' })
  natureJuridique!: string | null;
  @ApiProperty({ example: '12 RUE DU MAIL 45000 ORLEANS', description: 'Adresse de l’établissement.' })
  adresse!: string;
  @ApiPropertyOptional({ example: '45000', nullable: true })
  codePostal!: string | null;
  @ApiPropertyOptional({ example: 'ORLEANS', nullable: true })
  commune!: string | null;
  @ApiPropertyOptional({ example: '10.71C', nullable: true, description: 'Code NAF / APE.' })
  codeNaf!: string | null;
  @ApiProperty({ enum: ['actif', 'ferme'], example: 'actif', description: 'État administratif de l’établissement.' })
  etat!: 'actif' | 'ferme';
}

const DIGITS_AND_SPACES = /^[0-9 ]{1,64}$/;

/**
 * The SIRET lookup behind the SIRET field (issue 23): the establishment in
 * the répertoire Sirene through API Recherche d'entreprises
 * (ENTREPRISES_API_URL; the bundled fake in development and tests). Public
 * and rate-limited with the other lookups (RATE_LIMIT_LOOKUPS_PER_IP). When
 * the directory is down, slow or answers garbage: 503 LOOKUP_UNAVAILABLE,
 * and the page lets the citizen type the values. Neither the SIRET nor the
 * answer is logged.
 */
@ApiTags('usagers')
@Controller('api/v1/public/entreprises')
export class EntreprisesController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get(':siret')
  // Sirene changes daily at most: an answer may be kept five minutes.
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary:
      'Établissement d’un SIRET (répertoire Sirene de l’INSEE, via l’API Recherche d’entreprises), pour le champ SIRET. 404 : inconnu ; 503 LOOKUP_UNAVAILABLE : le répertoire ne répond pas, l’usager saisit lui-même.',
  })
  @ApiParam({ name: 'siret', description: '14 chiffres (espaces admis), clé valide.', example: '91234567500017' })
  @ApiOkResponse({ type: CompanyDto })
  async find(@Param('siret') raw: string): Promise<Company> {
    const text = raw.trim();
    if (!DIGITS_AND_SPACES.test(text) || text.replace(/ /g, '').length !== 14)
      throw invalid('pattern', FORMAT_HINTS_FR.siret);
    const siret = normaliseSiret(text);
    if (siret === null)
      throw invalid('siret_cle', 'Ce numéro SIRET n’existe pas : sa clé est fausse. Vérifiez les chiffres.');
    const directory = companyDirectory({
      baseUrl: this.config.ENTREPRISES_API_URL,
      timeoutMs: this.config.ENTREPRISES_API_TIMEOUT_MS,
    });
    let company: Company | null;
    try {
      company = await directory.findBySiret(siret);
    } catch (error) {
      if (error instanceof LookupUnavailableError) throw new AppError('LOOKUP_UNAVAILABLE');
      throw error;
    }
    if (company === null)
      throw new AppError('NOT_FOUND', {
        errors: [
          {
            pointer: '/siret',
            code: 'siret_inconnu',
            message: 'Aucun établissement n’a ce numéro SIRET dans le répertoire Sirene de l’INSEE.',
          },
        ],
      });
    return company;
  }
}

function invalid(code: string, message: string): AppError {
  return new AppError('INVALID_REQUEST', { errors: [{ pointer: '/siret', code, message }] });
}
