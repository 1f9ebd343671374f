import {
  Inject,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Config } from '@guichet/config';
import {
  DiskValidatorCodeStore,
  PublicCatalogue,
  ServiceCatalogue,
  ValidatorCache,
  associationRegistry,
  addressDirectory,
  companyDirectory,
  familyQuotientProvider,
} from '@guichet/forms';
import { AccountService, ApiTokenService, OrganisationAdmin } from '@guichet/identity';
import { dataSourceOptions } from '@guichet/persistence';
import { FollowLinks, attachmentStorage, followLinkKey } from '@guichet/submissions';
import {
  Attachments,
  CaseFiles,
  Documents,
  RenderPool,
  Submissions,
  TestSubmissions,
  Transitions,
} from '@guichet/submissions';
import { QueueConnection, type ResolvedQueueBackend } from '@guichet/queue';
import { DataSource } from 'typeorm';
import { ActorGuard } from './auth/actor.guard';
import { AuthController } from './auth/auth.controller';
import { SignInService } from './auth/sign-in.service';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { PingService } from './system/ping.service';
import { PublicServicesController } from './services/public-services.controller';
import { ServicesController } from './services/services.controller';
import { ExamplesController } from './services/examples.controller';
import { TestSubmissionsController } from './services/test-submissions.controller';
import { ValidatorsController } from './services/validators.controller';
import { CommunesController } from './services/communes.controller';
import { EntreprisesController } from './services/entreprises.controller';
import { AdressesController } from './services/adresses.controller';
import { AssociationsController } from './services/associations.controller';
import { QuotientController } from './services/quotient.controller';
import { SubmissionsController } from './submissions/submissions.controller';
import { TransitionsController } from './submissions/transitions.controller';
import { FollowController } from './submissions/follow.controller';
import { AdminQueuesController } from './admin/admin-queues.controller';
import { DeskController } from './desk/desk.controller';
import { TokensController } from './desk/tokens.controller';
import { OrganisationsController, PublicOrganisationsController } from './organisations/organisations.controller';
import {
  AgentPreferences,
  CaseActions,
  DeskAccess,
  DeskExports,
  Inbox,
  OrganisationArchives,
  ServiceWebhooks,
} from '@guichet/desk';
import { QueueStatusService } from './admin/queue-status.service';
import { SystemController } from './system/system.controller';
import { AntiBot } from './anti-bot/anti-bot';
import { ChallengeController } from './anti-bot/challenge.controller';
import { ProofOfWork } from './anti-bot/proof-of-work';
import { PostgresCounterStore } from './limits/counter-store';
import { derivedKey } from './limits/derived-key';
import { ShutdownTasks } from './shutdown';
import { CONFIG } from './tokens';
import { genReqId, httpLogOptions, requestLogging, unlogged } from './http/request-logging';

/** The access line and the request's logger (see requestLogging). */
const REQUEST_LOGGING = Symbol('REQUEST_LOGGING');

@Module({})
export class AppModule implements NestModule {
  constructor(@Inject(REQUEST_LOGGING) private readonly logging: ReturnType<typeof requestLogging>) {}

  /** Where nestjs-pino put pino-http: every route, after the middleware that create-app adds. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.logging).forRoutes({ path: '*', method: RequestMethod.ALL });
  }

  static forRoot(config: Config, backend: ResolvedQueueBackend, logStream?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // nestjs-pino for Nest's logger and the request's logger (PinoLogger); its pino-http middleware gives way to
        // requestLogging (configure, below), on the same routes, with the same options.
        LoggerModule.forRoot({
          pinoHttp: [httpLogOptions(config.LOG_LEVEL), logStream ?? process.stdout],
          forRoutes: [],
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: config.DATABASE_URL!,
            poolSize: config.DATABASE_POOL_SIZE,
            applicationName: 'guichet-api',
          }),
          retryAttempts: 5,
          retryDelay: 2000,
        }),
      ],
      controllers: [
        AuthController,
        SubmissionsController,
        TransitionsController,
        FollowController,
        AdminQueuesController,
        DeskController,
        TokensController,
        OrganisationsController,
        PublicOrganisationsController,
        HealthController,
        MetricsController,
        SystemController,
        ServicesController,
        ExamplesController,
        TestSubmissionsController,
        PublicServicesController,
        ValidatorsController,
        CommunesController,
        EntreprisesController,
        AdressesController,
        AssociationsController,
        QuotientController,
        ChallengeController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: REQUEST_LOGGING,
          useValue: requestLogging(pinoHttp(httpLogOptions(config.LOG_LEVEL), logStream ?? process.stdout).logger, {
            genReqId,
            ignore: unlogged,
          }),
        },
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
        MetricsService,
        PingService,
        { provide: ApiTokenService, useFactory: (ds: DataSource) => new ApiTokenService(ds), inject: [DataSource] },
        { provide: ServiceCatalogue, useFactory: (ds: DataSource) => new ServiceCatalogue(ds), inject: [DataSource] },
        { provide: PublicCatalogue, useFactory: (ds: DataSource) => new PublicCatalogue(ds), inject: [DataSource] },
        QueueStatusService,
        { provide: Inbox, useFactory: (ds: DataSource) => new Inbox(ds), inject: [DataSource] },
        { provide: CaseActions, useFactory: (ds: DataSource) => new CaseActions(ds), inject: [DataSource] },
        { provide: DeskAccess, useFactory: (ds: DataSource) => new DeskAccess(ds), inject: [DataSource] },
        {
          provide: AgentPreferences,
          useFactory: (ds: DataSource, inbox: Inbox) => new AgentPreferences(ds, inbox),
          inject: [DataSource, Inbox],
        },
        {
          provide: DeskExports,
          useFactory: (ds: DataSource, inbox: Inbox) =>
            new DeskExports(ds, inbox, attachmentStorage(config), { syncMaxRows: config.EXPORT_SYNC_MAX_ROWS }),
          inject: [DataSource, Inbox],
        },
        {
          provide: ServiceWebhooks,
          useFactory: (ds: DataSource, catalogue: ServiceCatalogue) => new ServiceWebhooks(ds, catalogue),
          inject: [DataSource, ServiceCatalogue],
        },
        { provide: Transitions, useFactory: (ds: DataSource) => new Transitions(ds), inject: [DataSource] },
        { provide: CaseFiles, useFactory: (ds: DataSource) => new CaseFiles(ds), inject: [DataSource] },
        { provide: Documents, useFactory: (ds: DataSource) => new Documents(ds), inject: [DataSource] },
        {
          provide: OrganisationAdmin,
          useFactory: (ds: DataSource) => new OrganisationAdmin(ds),
          inject: [DataSource],
        },
        {
          provide: OrganisationArchives,
          useFactory: (ds: DataSource) =>
            new OrganisationArchives(ds, attachmentStorage(config), { software: process.env.npm_package_version }),
          inject: [DataSource],
        },
        { provide: AccountService, useFactory: (ds: DataSource) => new AccountService(ds), inject: [DataSource] },
        {
          provide: Attachments,
          useFactory: (ds: DataSource) => new Attachments(ds, attachmentStorage(config)),
          inject: [DataSource],
        },
        {
          provide: TestSubmissions,
          useFactory: (ds: DataSource, catalogue: ServiceCatalogue) => new TestSubmissions(ds, catalogue),
          inject: [DataSource, ServiceCatalogue],
        },
        // Receipt PDFs are drawn on a thread of their own, never on the event loop (issue 18).
        { provide: RenderPool, useFactory: () => new RenderPool() },
        {
          provide: Submissions,
          useFactory: (ds: DataSource, attachments: Attachments) =>
            new Submissions(
              ds,
              attachments,
              // Compiled validators kept on disk: a restart or another process loads them instead of compiling (issue 22).
              new ValidatorCache(
                undefined,
                new DiskValidatorCodeStore(`${config.DATA_DIR.replace(/\/$/, '')}/validators`),
              ),
              companyDirectory({ baseUrl: config.ENTREPRISES_API_URL, timeoutMs: config.ENTREPRISES_API_TIMEOUT_MS }),
              associationRegistry({
                baseUrl: config.ASSOCIATIONS_API_URL,
                timeoutMs: config.ASSOCIATIONS_API_TIMEOUT_MS,
                token: config.ASSOCIATIONS_API_TOKEN,
                recipient: config.ASSOCIATIONS_API_RECIPIENT,
              }),
              familyQuotientProvider({
                baseUrl: config.PARTICULIER_API_URL,
                timeoutMs: config.PARTICULIER_API_TIMEOUT_MS,
                token: config.PARTICULIER_API_TOKEN,
                recipient: config.PARTICULIER_API_RECIPIENT,
              }),
              addressDirectory({ baseUrl: config.ADRESSE_API_URL, timeoutMs: config.ADRESSE_API_TIMEOUT_MS }),
            ),
          inject: [DataSource, Attachments],
        },
        {
          // Follow links of requests filed without an account, signed with a key derived from SESSION_SECRET.
          provide: FollowLinks,
          useFactory: (ds: DataSource, submissions: Submissions) =>
            new FollowLinks(ds, submissions, followLinkKey(config.SESSION_SECRET!)),
          inject: [DataSource, Submissions],
        },
        SignInService,
        ActorGuard,
        ShutdownTasks,
        {
          provide: ProofOfWork,
          useFactory: (ds: DataSource) =>
            new ProofOfWork({
              hmacKey: derivedKey(config, 'altcha'),
              maxNumber: config.CHALLENGE_MAX_NUMBER,
              expiresSeconds: config.CHALLENGE_EXPIRES_SECONDS,
              // In the database even when Redis runs: a replay must stay refused while Redis is away.
              used: new PostgresCounterStore(ds),
            }),
          inject: [DataSource],
        },
        {
          provide: AntiBot,
          useFactory: (proofOfWork: ProofOfWork) => new AntiBot(proofOfWork),
          inject: [ProofOfWork],
        },
      ],
    };
  }
}
