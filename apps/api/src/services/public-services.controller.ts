import { createHash } from 'node:crypto';
import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicCatalogue } from '@guichet/forms';

@ApiTags('usagers')
@Controller('api/v1/public/services')
export class PublicServicesController {
  constructor(private readonly catalogue: PublicCatalogue) {}

  @Get()
  @ApiOperation({ summary: 'Les démarches ouvertes, par organisation.' })
  @ApiQuery({ name: 'organisation', required: false, description: 'Identifiant (slug) de l’organisation.' })
  list(@Query('organisation') organisation?: string) {
    return this.catalogue.listOpen(typeof organisation === 'string' && organisation ? organisation : undefined);
  }

  @Get(':slug')
  @ApiOperation({
    summary: 'La dernière version publiée, pour afficher le formulaire (ETag : empreinte de la version).',
  })
  async get(
    @Param('slug') slug: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const service = await this.catalogue.get(slug);
    // The organisation's branding and contact details change without a new version: they are in the tag too.
    const branding = createHash('sha256').update(JSON.stringify(service.organisation)).digest('hex').slice(0, 16);
    const etag = `"${service.contentHash}-${branding}${service.closed ? '-closed' : ''}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (ifNoneMatch === etag) {
      res.status(304);
      return undefined;
    }
    return service;
  }
}
