import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { organisationsWhere, type Actor } from '@guichet/identity';
import { AppError } from '@guichet/shared';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';
import { PingService, type PingView } from './ping.service';

@ApiTags('exploitation')
@Controller('api/v1/system/pings')
export class SystemController {
  constructor(private readonly pings: PingService) {}

  /**
   * Each ping is a row and a job: open to anyone, it was a free way to fill
   * the table and the queue (3,000 accepted in a row). An operator's tool, so
   * an administrator's: a signed-in admin of an organisation or an admin API
   * token over a whole organisation (`npm start` mints a short-lived one).
   */
  @Post()
  @HttpCode(202)
  @UseGuards(ActorGuard)
  @ApiOperation({
    summary: 'Envoie un travail `system.ping` : API → file → worker → base (administrateur d’une organisation).',
  })
  create(@CurrentActor() actor: Actor): Promise<PingView> {
    if (organisationsWhere(actor, ['admin'], { act: true }).length === 0) throw new AppError('FORBIDDEN');
    return this.pings.request();
  }

  /** Reading one needs its random id, which only its creator was given; it says nothing about anyone. */
  @Get(':id')
  @ApiOperation({ summary: 'État d’un ping : pending, puis completed quand un worker l’a traité.' })
  async get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<PingView> {
    const ping = await this.pings.find(id);
    if (!ping) throw new AppError('NOT_FOUND');
    return ping;
  }
}
