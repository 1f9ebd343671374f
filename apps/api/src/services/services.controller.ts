import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ServiceCatalogue } from '@guichet/forms';
import { DeskExports, ServiceWebhooks } from '@guichet/desk';
import { answerRequestsExport } from '../desk/requests-export';
import type { Actor } from '@guichet/identity';
import { AppError, contentDisposition } from '@guichet/shared';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';
import type { Config } from '@guichet/config';
import { CONFIG } from '../tokens';
import { CloseServiceDto, CreateServiceDto, ImportServiceDto } from './services.dto';

/** `If-Match: "3"` (or `3`) → 3; anything else is a client error. */
function revisionFrom(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
  if (!match)
    throw new AppError('INVALID_REQUEST', {
      errors: [
        { pointer: '', code: 'if_match', message: 'En-tête If-Match invalide : attendu la révision du brouillon.' },
      ],
    });
  return Number(match[1]);
}

@ApiTags('conception')
@ApiBearerAuth()
@UseGuards(ActorGuard)
@Controller('api/v1/services')
export class ServicesController {
  constructor(
    private readonly catalogue: ServiceCatalogue,
    private readonly webhooks: ServiceWebhooks,
    private readonly exports: DeskExports,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get(':slug/webhook')
  @ApiOperation({
    summary: 'Adresse des webhooks (settings.webhookUrl) et secret de signature Standard Webhooks (whsec_…).',
  })
  webhook(@CurrentActor() actor: Actor, @Param('slug') slug: string) {
    return this.webhooks.view(actor, slug);
  }

  @Post(':slug/webhook/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remplace le secret de signature des webhooks (l’ancien cesse aussitôt de valoir).' })
  rotateWebhook(@CurrentActor() actor: Actor, @Param('slug') slug: string) {
    return this.webhooks.view(actor, slug, { rotate: true });
  }

  @Get()
  @ApiOperation({ summary: 'Les démarches de mes organisations.' })
  list(@CurrentActor() actor: Actor) {
    return this.catalogue.list(actor);
  }

  @Post()
  @ApiOperation({
    summary:
      'Crée une démarche avec un brouillon de définition : la définition donnée, celle d’un exemple (fromExample, voir GET /api/v1/examples) ou un modèle minimal. Jamais publiée ici.',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateServiceDto) {
    return this.catalogue.create(actor, body, this.config.FORMS_DIR);
  }

  @Post('import')
  @ApiOperation({
    summary: 'Crée une démarche depuis un export Guichet, ou depuis un schéma JSON nu (une étape par groupe).',
  })
  import(@CurrentActor() actor: Actor, @Body() body: ImportServiceDto) {
    return this.catalogue.import(actor, body);
  }

  @Get(':slug')
  @ApiOperation({ summary: 'La démarche, son brouillon et ses versions publiées.' })
  get(@CurrentActor() actor: Actor, @Param('slug') slug: string) {
    return this.catalogue.get(actor, slug);
  }

  @Put(':slug/draft')
  @ApiOperation({
    summary: 'Remplace le brouillon ; 422 liste chaque problème avec un pointeur. `If-Match` : révision attendue.',
  })
  async saveDraft(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const view = await this.catalogue.saveDraft(actor, slug, body, revisionFrom(ifMatch));
    res.setHeader('ETag', `"${view.draftRevision}"`);
    return view;
  }

  @Post(':slug/publish/preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ce que la publication changerait : champs ajoutés, retirés, déplacés, retypés, rendus obligatoires.',
  })
  preview(@CurrentActor() actor: Actor, @Param('slug') slug: string) {
    return this.catalogue.previewPublish(actor, slug);
  }

  @Post(':slug/publish')
  @ApiOperation({ summary: 'Publie le brouillon comme version suivante, immuable.' })
  publish(@CurrentActor() actor: Actor, @Param('slug') slug: string) {
    return this.catalogue.publish(actor, slug);
  }

  @Get(':slug/versions/:version')
  @ApiOperation({ summary: 'Une version publiée (immuable).' })
  version(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Param('version', new ParseIntPipe({ exceptionFactory: () => new AppError('NOT_FOUND') })) version: number,
  ) {
    return this.catalogue.version(actor, slug, version);
  }

  @Post(':slug/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ferme la démarche aux nouveaux dépôts.' })
  close(@CurrentActor() actor: Actor, @Param('slug') slug: string, @Body() body: CloseServiceDto) {
    return this.catalogue.close(actor, slug, body);
  }

  @Get(':slug/export')
  @ApiOperation({
    summary:
      'Sans format : la démarche en un fichier JSON portable (conception). Avec format=csv|jsonl|xlsx : les demandes du filtre courant (instruction), en flux ; sep=semicolon pour « ; » ; au-delà de EXPORT_SYNC_MAX_ROWS demandes (ou avec async=1), 202 et un export fait en tâche de fond.',
  })
  async export(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (query.format !== undefined) return this.exportRequests(actor, slug, query, res);
    const file = await this.catalogue.export(actor, slug);
    res.setHeader('Content-Disposition', contentDisposition('attachment', `${file.service.slug}.guichet.json`));
    return file;
  }

  private exportRequests(actor: Actor, slug: string, query: Record<string, unknown>, res: Response) {
    return answerRequestsExport(this.exports, actor, slug, query, res);
  }
}
