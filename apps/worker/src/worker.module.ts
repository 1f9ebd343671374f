import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { publicUrl, type Config } from '@guichet/config';
import { loggerOptions } from '@guichet/observability';
import { dataSourceOptions } from '@guichet/persistence';
import { OutboxRelay, QueueConnection, type ResolvedQueueBackend } from '@guichet/queue';
import { Digests, Mailer, Notifications } from '@guichet/notify';
import { DataSource } from 'typeorm';
import { attachmentStorage } from '@guichet/submissions';
import { DeskExports, Inbox, OrganisationArchives } from '@guichet/desk';
import { Attachments, Documents, Retention, Submissions, Transitions, followLinkKey } from '@guichet/submissions';
import { Logger as NestLogger } from '@nestjs/common';
import { MaintenanceService } from './maintenance.service';
import { PingProcessor } from './system/ping.processor';
import { WorkerHost } from './worker-host.service';
import { WorkflowWorkers } from './workflow/workflow-workers.service';

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
              retryScale: config.RETRY_DELAY_SCALE,
            }),
        },
        {
          provide: OutboxRelay,
          useFactory: (ds: DataSource, queue: QueueConnection) => {
            const logger = new NestLogger('OutboxRelay');
            return new OutboxRelay(ds, queue, config.DATABASE_URL!, {
              reconcileAfterMs: config.OUTBOX_RECONCILE_SECONDS * 1000,
              minIntervalMs: config.OUTBOX_RELAY_INTERVAL_MS,
              onError: (stage, error) => logger.warn({ msg: 'outbox relay waiting', stage, err: error.message }),
            });
          },
          inject: [DataSource, QueueConnection],
        },
        {
          provide: Mailer,
          useFactory: () =>
            new Mailer({
              smtpUrl: config.SMTP_URL ?? `smtp://127.0.0.1:${config.MAILCATCHER_SMTP_PORT}`,
              from: config.MAIL_FROM,
            }),
        },
        {
          provide: Notifications,
          useFactory: (ds: DataSource, mailer: Mailer) =>
            new Notifications(ds, mailer, {
              publicUrl: publicUrl(config),
              webhookPolicy: { allowHosts: config.WEBHOOK_ALLOW_HOSTS, requireHttps: true },
              followLinkKey: config.SESSION_SECRET ? followLinkKey(config.SESSION_SECRET) : undefined,
              receipt: config.RECEIPT_EMAIL,
            }),
          inject: [DataSource, Mailer],
        },
        { provide: Documents, useFactory: (ds: DataSource) => new Documents(ds), inject: [DataSource] },
        { provide: Transitions, useFactory: (ds: DataSource) => new Transitions(ds), inject: [DataSource] },
        WorkflowWorkers,
        PingProcessor,
        WorkerHost,
        {
          provide: Attachments,
          useFactory: (ds: DataSource) => new Attachments(ds, attachmentStorage(config)),
          inject: [DataSource],
        },
        {
          provide: Submissions,
          useFactory: (ds: DataSource, attachments: Attachments) => new Submissions(ds, attachments),
          inject: [DataSource, Attachments],
        },
        {
          provide: Retention,
          useFactory: (ds: DataSource, attachments: Attachments) => new Retention(ds, attachments),
          inject: [DataSource, Attachments],
        },
        {
          provide: Digests,
          useFactory: (ds: DataSource, mailer: Mailer) => new Digests(ds, mailer, publicUrl(config)),
          inject: [DataSource, Mailer],
        },
        {
          provide: DeskExports,
          useFactory: (ds: DataSource) =>
            new DeskExports(ds, new Inbox(ds), attachmentStorage(config), { syncMaxRows: config.EXPORT_SYNC_MAX_ROWS }),
          inject: [DataSource],
        },
        {
          provide: OrganisationArchives,
          useFactory: (ds: DataSource) =>
            new OrganisationArchives(ds, attachmentStorage(config), { software: process.env.npm_package_version }),
          inject: [DataSource],
        },
        MaintenanceService,
      ],
    };
  }
}
