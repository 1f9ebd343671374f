import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { communeDirectory, type Commune } from '@guichet/forms';
import { AppError, type ErrorItem } from '@guichet/shared';

class DepartementRef {
  @ApiProperty({ example: '45' })
  code!: string;
  @ApiProperty({ example: 'Loiret' })
  nom!: string;
}

class EpciRef {
  @ApiProperty({ example: '244500468', description: 'SIREN de l’EPCI.' })
  siren!: string;
  @ApiProperty({ example: 'Orléans Métropole' })
  nom!: string;
}

class CommuneDto {
  @ApiProperty({ example: '45234', description: 'Code officiel géographique (INSEE).' })
  codeInsee!: string;
  @ApiProperty({ example: 'Orléans' })
  nom!: string;
  @ApiProperty({ type: [String], example: ['45000', '45100'] })
  codesPostaux!: string[];
  @ApiProperty({ type: DepartementRef })
  departement!: DepartementRef;
  @ApiPropertyOptional({ type: EpciRef, nullable: true })
  epci!: EpciRef | null;
}

/** What a search may ask: bounded, printable, one value each. */
const LIMITS = { q: 100, list: 20 };
const DEPARTEMENT = /^(\d{2}|2A|2B|\d{3})$/;
const SIREN = /^\d{9}$/;
const INSEE = /^(\d{5}|2[AB]\d{3})$/;
// Controls, surrogates, private use and unassigned code points, bidirectional overrides and zero-width characters.
const FORBIDDEN = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

function invalid(pointer: string, code: string, message: string): AppError {
  const errors: ErrorItem[] = [{ pointer, code, message }];
  return new AppError('INVALID_REQUEST', { errors });
}

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`/${name}`, 'type', `« ${name} » doit être donné une seule fois.`);
  return value;
}

function list(value: unknown, name: string, pattern: RegExp, what: string): string[] {
  const text = single(value, name);
  if (text === undefined || text === '') return [];
  const items = text.split(',').map((s) => s.trim());
  if (items.length > LIMITS.list) throw invalid(`/${name}`, 'maxItems', `${LIMITS.list} ${what} au plus.`);
  const wrong = items.findIndex((s) => !pattern.test(s));
  if (wrong !== -1)
    throw invalid(`/${name}/${wrong}`, 'pattern', `« ${items[wrong]!.slice(0, 20)} » n’est pas valide (${what}).`);
  return items;
}

/**
 * The commune search behind the commune field (issue 23): the bundled list of
 * communes, read once into memory, so the citizen's browser downloads ten
 * answers instead of 13 MB. Public and rate-limited (RATE_LIMIT_LOOKUPS_PER_IP).
 */
@ApiTags('usagers')
@Controller('api/v1/public/communes')
export class CommunesController {
  @Get()
  // The list changes with a new version of Guichet only: an answer may be kept an hour.
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiOperation({
    summary:
      'Recherche de communes (nom sans accents ni majuscules, « St » pour « Saint », ou code postal ; « orléans 45000 »), pour le champ commune. Hors ligne : liste officielle livrée avec Guichet.',
  })
  @ApiQuery({ name: 'q', description: 'Nom ou code postal, 1 à 100 caractères.', example: 'orl' })
  @ApiQuery({ name: 'limit', required: false, description: '1 à 20 (10 par défaut).' })
  @ApiQuery({ name: 'departements', required: false, description: 'Codes de départements, séparés par des virgules.' })
  @ApiQuery({ name: 'epci', required: false, description: 'SIREN d’EPCI, séparés par des virgules.' })
  @ApiQuery({ name: 'communes', required: false, description: 'Codes INSEE, séparés par des virgules.' })
  @ApiOkResponse({ type: [CommuneDto] })
  async search(@Query() query: Record<string, unknown>): Promise<Commune[]> {
    const q = single(query.q, 'q') ?? '';
    if (q.trim() === '') throw invalid('/q', 'required', 'Donnez le début d’un nom de commune ou un code postal.');
    if (q.length > LIMITS.q) throw invalid('/q', 'maxLength', `${LIMITS.q} caractères au plus.`);
    if (FORBIDDEN.test(q)) throw invalid('/q', 'pattern', 'Caractères non admis dans la recherche.');
    const limitText = single(query.limit, 'limit');
    if (limitText !== undefined && !/^([1-9]|1\d|20)$/.test(limitText))
      throw invalid('/limit', 'range', '« limit » est un nombre de 1 à 20.');
    const territory = {
      departements: list(query.departements, 'departements', DEPARTEMENT, 'départements'),
      epci: list(query.epci, 'epci', SIREN, 'SIREN d’EPCI'),
      communes: list(query.communes, 'communes', INSEE, 'codes INSEE'),
    };
    let directory;
    try {
      directory = await communeDirectory();
    } catch (cause) {
      throw new AppError('SERVICE_UNAVAILABLE', { cause });
    }
    return directory.search(q.normalize('NFC'), { limit: limitText ? Number(limitText) : 10, territory });
  }
}
