import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger, PinoLogger } from 'nestjs-pino';
import { createLogger } from '@guichet/observability';
import { trustProxy, type Config } from '@guichet/config';
import { AccountService } from '@guichet/identity';
import type { ResolvedQueueBackend } from '@guichet/queue';
import { AppError, errorMessage, jsonBodyProblem, toJsonPointer, type ErrorItem } from '@guichet/shared';
import type { ValidationError } from 'class-validator';
import type { Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { fromBodyParserError } from './errors/error-response';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { QuietBootLogger } from './http/quiet-boot-logger';
import { createSessions, csrf } from './auth/sessions';
import { requestLocale } from './errors/locale';
import { sessionRights } from './auth/session-rights';
import { requireJsonBody } from './http/content-type.middleware';
import { securityHeaders } from './http/security-headers';
import { jsonBodies } from './limits/body-limits';
import { PostgresCounterStore, RedisCounterStore, type CounterStore } from './limits/counter-store';
import { derivedKey } from './limits/derived-key';
import { rateLimitRules } from './limits/rate-limit-rules';
import { RateLimiter } from './limits/rate-limiter';
import { applyServerTimeouts, requestTimeout } from './limits/request-timeout';
import { AdmissionGate, defaultMaxInflight, LagShedder } from './http/overload';
import { PoolPressure, type ObservedPool } from './http/pool-pressure';
import { registerProcessMetrics } from './http/process-metrics';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';
import { addResponseSchemas } from './openapi/responses';
import { ShutdownTasks } from './shutdown';
import { webAppHandlers } from './web/web-app';
import { PublicCatalogue } from '@guichet/forms';

/** Deeper than any real form (a definition's schema is capped at 32 levels inside it). */
const MAX_JSON_DEPTH = 64;

function validationErrors(errors: ValidationError[], path: string[] = []): ErrorItem[] {
  return errors.flatMap((e) => {
    const here = [...path, e.property];
    const own = Object.entries(e.constraints ?? {}).map(([code, message]) => ({
      pointer: toJsonPointer(here),
      code,
      message,
    }));
    return [...own, ...validationErrors(e.children ?? [], here)];
  });
}

export interface ApiAppOptions {
  /** Where logs go (stdout by default); tests read them to prove redaction. */
  logStream?: DestinationStream;
}

/**
 * Builds the API exactly as production runs it; `main.ts` and the end-to-end
 * tests both call this, so tests exercise the real middleware stack.
 */
export async function createApiApp(
  config: Config,
  backend: ResolvedQueueBackend,
  options: ApiAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, backend, options.logStream), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(new QuietBootLogger(app.get(Logger)));
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  // Behind a reverse proxy, the client's address is in X-Forwarded-For: per-address rate limits need it.
  app.set('trust proxy', trustProxy(config));
  applyServerTimeouts(app.getHttpServer() as Server, config);
  // Its own logger: nestjs-pino's is not ready before the app starts (and is shared by every app of a process).
  const log = createLogger({ level: config.LOG_LEVEL, service: 'api' }, options.logStream);

  app.use(securityHeaders(config));
  const metrics = app.get(MetricsService);
  app.use(httpMetricsMiddleware(metrics));
  // Admission control: when the event loop lags, new requests get a 503 with Retry-After at once.
  // …and so do they while a database connection would be had only after OVERLOAD_DB_WAIT_MS, in the main pool or in
  // the sessions' (a request with a session cookie waits there first).
  const sessions = createSessions(config);
  const pool = (app.get(DataSource).driver as PostgresDriver).master as ObservedPool | undefined;
  const pressures = [pool, sessions.pool as unknown as ObservedPool].filter((p) => p !== undefined);
  const watched = pressures.map((p) => new PoolPressure(p));
  const shedder = new LagShedder({
    limitMs: config.OVERLOAD_LAG_MS,
    databaseWaitMs: () => Math.max(0, ...watched.map((p) => p.expectedWaitMs())),
    waitLimitMs: config.OVERLOAD_DB_WAIT_MS,
  });
  app.use(shedder.middleware());
  // Changes take turns: at most so many served at once, the others wait a little, then 503 with Retry-After.
  const gate = new AdmissionGate({
    maxInflight: config.OVERLOAD_MAX_INFLIGHT ?? defaultMaxInflight(config.DATABASE_POOL_SIZE, availableParallelism()),
    maxWaitMs: config.OVERLOAD_QUEUE_MS,
  });
  app.use(gate.middleware());
  registerProcessMetrics(metrics.registry, shedder);
  app.use(requestTimeout(config, log, metrics.requestTimeouts));
  // A service page carries its published version, so the form draws without waiting for the API (issue 22).
  const catalogue = app.get(PublicCatalogue);
  const web = webAppHandlers(
    config.WEB_DIST_DIR,
    config.WEB_EMBED_DATA === 'on' ? (slug) => catalogue.get(slug) : undefined,
    {
      prerender: config.WEB_PRERENDER === 'on',
      // The page is then served without its drawing; the error names a component, never an answer.
      onPrerenderError: (error) =>
        app
          .get(Logger)
          .warn(`page served without the server's drawing: ${error instanceof Error ? error.message : error}`),
    },
  );
  if (!web.built) {
    app.get(Logger).warn(`web app not built in ${config.WEB_DIST_DIR}: run npm run build:web`);
  }
  app.use(csrf(config));
  for (const handler of web.handlers) app.use(handler);
  const shutdown = app.get(ShutdownTasks);
  shutdown.add(async () => shedder.close());
  shutdown.add(() => sessions.close());
  // Pages and assets need no session (and no database round trip); the API and sign-in do.
  app.use(['/api', '/auth', '/admin'], sessions.middleware);
  app.use(['/api', '/auth', '/admin'], sessionRights(config, app.get(AccountService)));
  // Counted before the body is read: a refused request costs no parsing.
  const counters = await counterStore(config, backend, app.get(DataSource));
  shutdown.add(() => counters.close());
  const limiter = new RateLimiter(rateLimitRules(config), counters, {
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    keySecret: derivedKey(config, 'rate-limit'),
    logger: log,
    refused: metrics.rateLimited,
    storeErrors: metrics.rateLimitStoreErrors,
  });
  app.use(limiter.middleware());
  app.use(requireJsonBody);
  app.use(jsonBodies(config));
  app.use((error: unknown, req: Request, _res: Response, next: NextFunction) =>
    next(fromBodyParserError(error, req.headers['content-encoding']) ?? error),
  );
  // JSON.parse accepts any nesting (code that walks the body recursively would not survive it), U+0000, which no
  // column can hold, and lone surrogates (`"\ud800"`), which jsonb refuses: all are refused here, for every route,
  // rather than by whichever statement meets them.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const problem = jsonBodyProblem(req.body, MAX_JSON_DEPTH);
    if (!problem) return next();
    if (problem.kind === 'too-deep') {
      return next(new AppError('JSON_TOO_DEEP', { params: { limit: String(MAX_JSON_DEPTH) } }));
    }
    const code = problem.kind === 'nul' ? 'NUL_CHARACTER' : 'UNPAIRED_SURROGATE';
    const message = errorMessage(code, requestLocale(req.headers['accept-language']));
    next(new AppError(code, { errors: [{ pointer: toJsonPointer(problem.path), code, message }] }));
  });

  const pino = await app.resolve(PinoLogger);
  app.useGlobalFilters(new HttpExceptionFilter(pino.logger));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new AppError('INVALID_REQUEST', { errors: validationErrors(errors) }),
    }),
  );

  const document = addResponseSchemas(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Guichet')
        .setDescription('API de Guichet : démarches, dossiers, instruction. Contrat : shared/API.md.')
        .setVersion('1')
        .build(),
    ),
  );
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    yamlDocumentUrl: 'api/docs-yaml',
  });
  return app;
}

/** Rate-limit counters in the queue's Redis when there is one, otherwise in PostgreSQL (shared by replicas either way). */
async function counterStore(
  config: Config,
  backend: ResolvedQueueBackend,
  dataSource: DataSource,
): Promise<CounterStore> {
  if (backend.kind !== 'redis' || !backend.redisUrl) return new PostgresCounterStore(dataSource);
  const store = new RedisCounterStore(backend.redisUrl, config.QUEUE_PREFIX!); // main.ts resolved it
  await store.connect();
  return store;
}
