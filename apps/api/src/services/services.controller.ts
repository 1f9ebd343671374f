import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
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
import { Inbox, exportRequests } from '@guichet/desk';
import { deskActor } from '../desk/desk.controller';
import { webhookSecretOf } from '@guichet/notify';
import { Service } from '@guichet/persistence';
import { DataSource } from 'typeorm';
import type { Actor } from '@guichet/identity';
import { AppError } from '@guichet/shared';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';
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
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
  ) {}

  @Get(':slug/webhook')
  @ApiOperation({
    summary: 'Adresse des webhooks (settings.webhookUrl) et secret de signature Standard Webhooks (whsec_…).',
  })
  async webhook(@CurrentActor() actor: Actor, @Param('slug') slug: string) {
    return this.webhookView(actor, slug, false);
  }

  @Post(':slug/webhook/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remplace le secret de signature des webhooks (l’ancien cesse aussitôt de valoir).' })
  async rotateWebhook(@CurrentActor() actor: Actor, @Param('slug') slug: string) {
    return this.webhookView(actor, slug, true);
  }

  private async webhookView(actor: Actor, slug: string, rotate: boolean) {
    const view = await this.catalogue.get(actor, slug, { act: rotate });
    const service = await this.dataSource
      .getRepository(Service)
      .findOneByOrFail({ slug: view.slug, organisationId: view.organisationId });
    const latest = view.versions[0]?.version;
    const published = latest ? await this.catalogue.version(actor, slug, latest) : undefined;
    const settings = (published?.definition as { settings?: { webhookUrl?: string } } | undefined)?.settings;
    return {
      url: settings?.webhookUrl ?? null,
      secret: await webhookSecretOf(this.dataSource, service, rotate),
    };
  }

  @Get()
  @ApiOperation({ summary: 'Les démarches de mes organisations.' })
  list(@CurrentActor() actor: Actor) {
    return this.catalogue.list(actor);
  }

  @Post()
  @ApiOperation({ summary: 'Crée une démarche avec un brouillon de définition.' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateServiceDto) {
    return this.catalogue.create(actor, body);
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
      'Sans format : la démarche en un fichier JSON portable (conception). Avec format=csv|jsonl : les demandes du filtre courant (instruction), en flux ; sep=semicolon pour « ; ».',
  })
  async export(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (query.format !== undefined) return this.exportRequests(actor, slug, query, res);
    const file = await this.catalogue.export(actor, slug);
    res.setHeader('Content-Disposition', `attachment; filename="${file.service.slug}.guichet.json"`);
    return file;
  }

  private async exportRequests(actor: Actor, slug: string, query: Record<string, unknown>, res: Response) {
    if (query.format !== 'csv' && query.format !== 'jsonl') {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/format', code: 'query:format', message: 'Format attendu : csv ou jsonl.' }],
      });
    }
    if (query.sep !== undefined && query.sep !== 'semicolon' && query.sep !== 'comma') {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/sep', code: 'query:sep', message: 'Séparateur attendu : comma ou semicolon.' }],
      });
    }
    const desk = deskActor(actor);
    // Checked before the first byte: once streaming, an error can no longer become a clean 4xx.
    await this.inbox.service(slug, desk);
    const csv = query.format === 'csv';
    let started = false;
    const write = async (chunk: string) => {
      if (!started) {
        started = true;
        res
          .status(200)
          .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .setHeader('Content-Disposition', `attachment; filename="${slug}-demandes.${csv ? 'csv' : 'jsonl'}"`)
          .setHeader('Cache-Control', 'private, no-store');
      }
      // A client that went away ends the export instead of leaving it waiting for a drain that never comes.
      if (res.destroyed || res.writableEnded) throw new Error('client gone');
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    };
    try {
      await exportRequests(this.dataSource, this.inbox, slug, desk, query, write);
    } catch (error) {
      if (!started) throw error;
      res.destroy(error as Error);
      return;
    }
    if (!started) await write('');
    res.end();
  }
}
