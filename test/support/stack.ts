import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { loadConfig, type Config } from '@guichet/config';
import type { QueueBackendKind } from '@guichet/queue';
import { createApiApp } from '../../apps/api/src/create-app';
import { createWorkerApp } from '../../apps/worker/src/create-worker';
import { createTestDatabase, testRedisUrl, type TestDatabase } from './database';

export interface Stack {
  url: string;
  config: Config;
  database: TestDatabase;
  api: INestApplication;
  worker?: INestApplicationContext;
  close(): Promise<void>;
}

export interface StackOptions {
  backend: QueueBackendKind;
  /** Start the worker too (default true). */
  worker?: boolean;
  redisUrl?: string;
  env?: Record<string, string>;
  logStream?: DestinationStream;
}

/**
 * The API exactly as production builds it, listening on a free port, with a
 * real worker in the same process, on a database and a queue prefix of its own.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const database = await createTestDatabase();
  const redisUrl = options.backend === 'redis' ? (options.redisUrl ?? testRedisUrl()) : undefined;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      PORT: '3000',
      LOG_LEVEL: options.logStream ? 'info' : 'warn',
      DATABASE_URL: database.url,
      QUEUE_BACKEND: options.backend,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: `t${randomBytes(6).toString('hex')}`,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      // Attachments and other local files of this stack stay out of the working tree.
      DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-stack-')),
      // The test runner shares this process's event loop with the API and the worker: its own pauses are not an
      // overload to shed, nor do they make a connection held longer or a change's turn later (the pool's wait and
      // the admission gate would count them, and the web app would wait out each 503's Retry-After).
      // test/e2e/overload.test.ts and the unit tests of apps/api/src/http/overload.ts turn them on.
      OVERLOAD_LAG_MS: '0',
      OVERLOAD_DB_WAIT_MS: '0',
      OVERLOAD_MAX_INFLIGHT: '0',
      ...options.env,
    },
    { requireDatabaseUrl: true },
  );
  const backend = { kind: options.backend, redisUrl, reason: 'test' };
  const api = await createApiApp(config, backend, { logStream: options.logStream });
  await api.listen(options.env?.PORT ? Number(options.env.PORT) : 0, '127.0.0.1');
  const { port } = api.getHttpServer().address() as { port: number };
  const worker = options.worker === false ? undefined : await createWorkerApp(config, backend);
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    database,
    api,
    worker,
    async close() {
      await worker?.close();
      await api.close();
      await database.drop();
    },
  };
}
