import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@guichet/persistence';
import { testRedisUrl } from '../support/database';
import {
  DIST,
  GiveUp,
  collectOutput,
  freePort,
  startEmbeddedServer,
  stopProcess,
  waitUntil,
  type EmbeddedServer,
} from '../support/processes';

/**
 * The database goes away under a running API process and comes back: the
 * API says so on /health/ready (503, naming the database), answers requests
 * that need it with a fast 503, and recovers with no restart. The database
 * is a private embedded PostgreSQL, never the machine's shared one.
 */
describe('database outage', () => {
  jest.setTimeout(180_000);
  let dataDir: string;
  let pgPort: number;
  let postgres: EmbeddedServer;
  let api: ChildProcess;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'guichet-outage-'));
    pgPort = await freePort();
    postgres = await startEmbeddedServer(dataDir, pgPort);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await runMigrations(postgres.url);
    api = spawn(process.execPath, [join(DIST, 'apps', 'api', 'src', 'main.js')], {
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: postgres.url,
        QUEUE_BACKEND: 'redis',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: `outage${process.pid}`,
        SESSION_SECRET: 'outage-test-session-secret-0123456789abcdef',
        LOG_LEVEL: 'warn',
      },
    });
    const output = collectOutput(api);
    await waitUntil('API ready', 30_000, async () => {
      if (api.exitCode !== null) throw new GiveUp(`API exited: ${output.text()}`);
      return (await fetch(`${base}/health/ready`)).status === 200 || undefined;
    });
  });

  afterAll(async () => {
    if (api) await stopProcess(api);
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('turns readiness to 503 naming the database, fails fast, and recovers by itself', async () => {
    // Killed, not shut down: no goodbye to the clients, crash recovery on restart.
    process.kill(postgres.pid, 'SIGKILL');
    await postgres.stop();

    const down = await waitUntil('readiness 503', 15_000, async () => {
      const res = await fetch(`${base}/health/ready`);
      return res.status === 503 ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    expect(down).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      checks: { database: { status: 'down' }, queue: { status: 'up' } },
    });
    expect(down.message).toContain('base de données');

    const started = Date.now();
    const res = await fetch(`${base}/api/v1/system/pings/3f1c2b9e-8d2a-4c4e-9a57-0c7d0b6d1e2f`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(10_000);
    // Liveness is not readiness: the process itself is fine.
    expect((await fetch(`${base}/health/live`)).status).toBe(200);

    postgres = await startEmbeddedServer(dataDir, pgPort);
    await waitUntil(
      'readiness 200 again',
      30_000,
      async () => (await fetch(`${base}/health/ready`)).status === 200 || undefined,
    );
    // Back without a restart: a route that reads the database answers again (a 404 for a ping nobody sent).
    const back = await fetch(`${base}/api/v1/system/pings/3f1c2b9e-8d2a-4c4e-9a57-0c7d0b6d1e2f`);
    expect(back.status).toBe(404);
    expect(api.exitCode).toBeNull();
  });
});
