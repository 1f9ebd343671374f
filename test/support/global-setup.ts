import './aliases';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@guichet/persistence';
import { DEFAULT_REDIS_URL, redisAnswers } from '@guichet/queue';
import { freePort, startEmbeddedServer, startRedisServer, type EmbeddedServer, type RedisServer } from './processes';
import { databaseUrl } from './urls';

/**
 * Real services for a test run: DATABASE_URL / REDIS_URL when set; otherwise
 * the embedded defaults (the embedded PostgreSQL, Redis on 6379 if it answers,
 * else a private redis-server). Builds one migrated template database that
 * each test file clones, so files never share state.
 */
export default async function globalSetup(): Promise<void> {
  const started: { postgres?: EmbeddedServer; redis?: RedisServer } = {};
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'guichet-test-pg-'));
    started.postgres = await startEmbeddedServer(dir, await freePort(), 'postgres');
    adminUrl = started.postgres.url;
  }

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    if (await redisAnswers(DEFAULT_REDIS_URL)) redisUrl = DEFAULT_REDIS_URL;
    else {
      started.redis = await startRedisServer(await freePort());
      redisUrl = started.redis.url;
    }
  }

  const template = `guichet_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(databaseUrl(adminUrl, template));

  process.env.GUICHET_TEST_ADMIN_URL = adminUrl;
  process.env.GUICHET_TEST_TEMPLATE = template;
  process.env.GUICHET_TEST_REDIS_URL = redisUrl;
  (globalThis as { guichetTest?: typeof started & { adminUrl: string; template: string } }).guichetTest = {
    ...started,
    adminUrl,
    template,
  };
}
