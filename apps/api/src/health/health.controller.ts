import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { QueueConnection } from '@guichet/queue';
import { errorMessage } from '@guichet/shared';
import { requestLocale } from '../errors/locale';

interface Check {
  status: 'up' | 'down';
  latencyMs: number;
  backend?: string;
}

const CHECK_TIMEOUT_MS = 2000;

async function timed(run: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { status: 'down', latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

const DEPENDENCY_NAMES = {
  database: { fr: 'base de données', en: 'database' },
  queue: { fr: 'file de travaux', en: 'job queue' },
} as const;

@ApiTags('exploitation')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueueConnection,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Le processus répond (liveness).' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL et la file de travaux répondent (readiness) ; 503 en nommant ce qui manque.' })
  async ready(@Res({ passthrough: true }) res: Response) {
    const [database, queue] = await Promise.all([
      timed(() => this.dataSource.query('SELECT 1')),
      timed(() => this.queue.check()),
    ]);
    const checks = { database, queue: { ...queue, backend: this.queue.kind } };
    const down = (Object.keys(checks) as Array<keyof typeof checks>).filter((k) => checks[k].status === 'down');
    if (down.length === 0) return { status: 'ok', checks };

    const locale = requestLocale(res.req.headers['accept-language']);
    res.status(503).setHeader('Retry-After', '5');
    return {
      code: 'SERVICE_UNAVAILABLE',
      message: errorMessage('SERVICE_UNAVAILABLE', locale, {
        dependencies: down.map((k) => DEPENDENCY_NAMES[k][locale]).join(', '),
      }),
      errors: down.map((k) => ({ code: `${k}_down`, message: DEPENDENCY_NAMES[k][locale] })),
      checks,
    };
  }
}
