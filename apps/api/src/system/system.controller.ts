import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '@guichet/shared';
import { PingService, type PingView } from './ping.service';

@ApiTags('exploitation')
@Controller('api/v1/system/pings')
export class SystemController {
  constructor(private readonly pings: PingService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Envoie un travail `system.ping` : API → file → worker → base.' })
  create(): Promise<PingView> {
    return this.pings.request();
  }

  @Get(':id')
  @ApiOperation({ summary: 'État d’un ping : pending, puis completed quand un worker l’a traité.' })
  async get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<PingView> {
    const ping = await this.pings.find(id);
    if (!ping) throw new AppError('NOT_FOUND');
    return ping;
  }
}
