import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicCatalogue } from '@guichet/forms';

@ApiTags('usagers')
@Controller('api/v1/public/validators')
export class ValidatorsController {
  constructor(private readonly catalogue: PublicCatalogue) {}

  @Get(':hash.js')
  @ApiOperation({
    summary:
      'Le validateur précompilé d’une version publiée (module ES : export par défaut createValidator(runtime) pour l’envoi, createDraftValidator(runtime) pour les brouillons) : le navigateur ne compile rien.',
  })
  async module(@Param('hash') hash: string, @Res() res: Response): Promise<void> {
    const source = await this.catalogue.validatorModule(hash);
    res
      .type('text/javascript; charset=utf-8')
      .setHeader('Cache-Control', 'public, max-age=31536000, immutable')
      .setHeader('X-Content-Type-Options', 'nosniff')
      .send(source);
  }
}
