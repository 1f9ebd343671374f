import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { Config } from '@guichet/config';
import type { ResolvedQueueBackend } from '@guichet/queue';
import { WorkerModule } from './worker.module';

/** The worker process without HTTP: a Nest application context running BullMQ workers. */
export async function createWorkerApp(config: Config, backend: ResolvedQueueBackend): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, backend), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  return app;
}
