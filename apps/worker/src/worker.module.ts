import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { Config } from '@guichet/config';
import { loggerOptions } from '@guichet/observability';
import { dataSourceOptions } from '@guichet/persistence';
import { QueueConnection, type ResolvedQueueBackend } from '@guichet/queue';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Attachments, LocalDiskStorage, Submissions } from '@guichet/submissions';
import { MaintenanceService } from './maintenance.service';
import { PingProcessor } from './system/ping.processor';
import { WorkerHost } from './worker-host.service';

@Module({})
export class WorkerModule {
  static forRoot(config: Config, backend: ResolvedQueueBackend): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: loggerOptions({ level: config.LOG_LEVEL, service: 'worker' }) }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: config.DATABASE_URL!,
            poolSize: config.DATABASE_POOL_SIZE,
            applicationName: 'guichet-worker',
          }),
          retryAttempts: 5,
          retryDelay: 2000,
        }),
      ],
      providers: [
        {
          provide: QueueConnection,
          useFactory: () =>
            new QueueConnection({
              kind: backend.kind,
              redisUrl: backend.redisUrl,
              databaseUrl: config.DATABASE_URL!,
              prefix: config.QUEUE_PREFIX,
            }),
        },
        PingProcessor,
        WorkerHost,
        {
          provide: Attachments,
          useFactory: (ds: DataSource) =>
            new Attachments(ds, new LocalDiskStorage(join(config.DATA_DIR, 'attachments'))),
          inject: [DataSource],
        },
        {
          provide: Submissions,
          useFactory: (ds: DataSource, attachments: Attachments) => new Submissions(ds, attachments),
          inject: [DataSource, Attachments],
        },
        MaintenanceService,
      ],
    };
  }
}
