import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { NotBlank } from '../http/not-blank';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SLUG_MESSAGE =
  'L’adresse ne contient que des lettres minuscules, des chiffres et des tirets (exemple : inscription-cantine).';

export class CreateServiceDto {
  @ApiProperty({ example: 'inscription-cantine' })
  @IsString({ message: 'Texte attendu.' })
  @Length(3, 63, { message: 'Entre 3 et 63 caractères.' })
  @Matches(SLUG, { message: SLUG_MESSAGE })
  slug!: string;

  @ApiProperty({ example: 'Inscription à la restauration scolaire' })
  @IsString({ message: 'Texte attendu.' })
  @Length(1, 200, { message: 'Entre 1 et 200 caractères.' })
  @NotBlank({ message: 'Entre 1 et 200 caractères, dont au moins un visible.' })
  title!: string;

  @ApiProperty()
  @IsUUID('all', { message: 'Identifiant d’organisation invalide.' })
  organisationId!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @MaxLength(2000, { message: '2 000 caractères au plus.' })
  description?: string;

  @ApiPropertyOptional({ description: 'Définition de départ (format v1) ; sinon un modèle minimal.' })
  @IsOptional()
  @IsObject({ message: 'Objet JSON attendu.' })
  definition?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Le nom d’un exemple de GET /api/v1/examples : sa définition et sa description comme point de départ.',
    example: 'demande-acte-etat-civil',
  })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @Length(1, 100, { message: 'Entre 1 et 100 caractères.' })
  fromExample?: string;
}

export class CloseServiceDto {
  @ApiProperty({ example: 'Les inscriptions sont closes pour cette année.' })
  @IsString({ message: 'Texte attendu.' })
  @Length(1, 2000, { message: 'Entre 1 et 2 000 caractères.' })
  @NotBlank({ message: 'Entre 1 et 2 000 caractères, dont au moins un visible.' })
  message!: string;

  @ApiPropertyOptional({ example: '/demarches/inscription-cantine-2027' })
  @IsOptional()
  @IsString({ message: 'Texte attendu.' })
  @MaxLength(2000)
  @Matches(/^(\/(?!\/)|https:\/\/)/, { message: 'Une adresse du site (commençant par /) ou une adresse https://.' })
  redirectTo?: string;
}

export class ImportServiceDto {
  @ApiProperty()
  @IsUUID('all', { message: 'Identifiant d’organisation invalide.' })
  organisationId!: string;

  @ApiProperty({ description: 'Un export Guichet, { schema, uiSchema } ou un schéma JSON (JSON Schema).' })
  @IsDefined({ message: 'Joignez le fichier à importer.' })
  @IsObject({ message: 'Objet JSON attendu.' })
  file!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'uiSchema RJSF accompagnant un schéma nu.' })
  @IsOptional()
  @IsObject()
  uiSchema?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(SLUG, { message: SLUG_MESSAGE })
  @Length(3, 63)
  slug?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NotBlank({ message: 'Entre 1 et 200 caractères, dont au moins un visible.' })
  title?: string;
}

export class DraftRevisionQuery {
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedRevision?: number;
}
