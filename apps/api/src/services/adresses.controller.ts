import { Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Config } from '@guichet/config';
import { LookupUnavailableError, addressDirectory, normaliseAddressQuery, type Address } from '@guichet/forms';
import { ADDRESS_QUERY, AppError } from '@guichet/shared';
import { CONFIG } from '../tokens';

class AddressDto {
  @ApiProperty({ example: '45234_1230_00012', description: 'Identifiant de l’adresse dans la Base Adresse Nationale.' })
  banId!: string;
  @ApiProperty({ example: '12 Rue du Mail 45000 Orléans' })
  label!: string;
  @ApiProperty({ example: '12', description: 'Numéro et indice de répétition ; vide pour une voie ou un lieu-dit.' })
  numero!: string;
  @ApiProperty({ example: 'Rue du Mail', description: 'Voie, ou lieu-dit.' })
  voie!: string;
  @ApiProperty({ example: '45000' })
  codePostal!: string;
  @ApiProperty({ example: 'Orléans' })
  commune!: string;
  @ApiProperty({ example: '45234', description: 'Code INSEE de la commune.' })
  codeInsee!: string;
  @ApiProperty({ example: 1.9052, description: 'Longitude (WGS 84).' })
  lon!: number;
  @ApiProperty({ example: 47.9065, description: 'Latitude (WGS 84).' })
  lat!: number;
  @ApiProperty({ enum: ['housenumber', 'street', 'locality', 'municipality'], example: 'housenumber' })
  type!: Address['type'];
  @ApiProperty({ example: 0.97, description: 'Pertinence, de 0 à 1.' })
  score!: number;
}

class AddressListDto {
  @ApiProperty({ type: [AddressDto] })
  adresses!: AddressDto[];
}

// Controls, surrogates, private use and unassigned code points, bidirectional overrides and zero-width characters.
const FORBIDDEN = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/**
 * The address search behind the address field (issue 23): API Adresse (Base
 * Adresse Nationale) through ADRESSE_API_URL (the bundled fake in development
 * and tests). Public and rate-limited with the other lookups. When the API is
 * down, slow or answers garbage: 503 LOOKUP_UNAVAILABLE, and the citizen
 * types the address. Addresses are personal data: the query is never logged
 * (request logs keep the path only) and answers are not kept by shared caches.
 */
@ApiTags('usagers')
@Controller('api/v1/public/adresses')
export class AdressesController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get()
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({
    summary:
      'Suggestions d’adresses de la Base Adresse Nationale (API Adresse), pour le champ adresse. 503 LOOKUP_UNAVAILABLE : l’API ne répond pas, l’usager saisit l’adresse lui-même.',
  })
  @ApiQuery({
    name: 'q',
    description: `Adresse commencée, ${ADDRESS_QUERY.min} à ${ADDRESS_QUERY.max} caractères.`,
    example: '12 rue du mail orl',
  })
  @ApiOkResponse({ type: AddressListDto })
  async search(@Query('q') raw: unknown): Promise<{ adresses: Address[] }> {
    if (typeof raw !== 'string') throw invalid('type', '« q » doit être donné une seule fois.');
    if (FORBIDDEN.test(raw)) throw invalid('pattern', 'L’adresse contient des caractères non admis.');
    const query = normaliseAddressQuery(raw);
    if (query === null)
      throw invalid(
        raw.trim().length < ADDRESS_QUERY.min ? 'minLength' : 'maxLength',
        `Saisissez de ${ADDRESS_QUERY.min} à ${ADDRESS_QUERY.max} caractères.`,
      );
    const directory = addressDirectory({
      baseUrl: this.config.ADRESSE_API_URL,
      timeoutMs: this.config.ADRESSE_API_TIMEOUT_MS,
    });
    try {
      return { adresses: await directory.search(query, 5) };
    } catch (error) {
      if (error instanceof LookupUnavailableError) throw new AppError('LOOKUP_UNAVAILABLE');
      throw error;
    }
  }
}

function invalid(code: string, message: string): AppError {
  return new AppError('INVALID_REQUEST', { errors: [{ pointer: '/q', code, message }] });
}
