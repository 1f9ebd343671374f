import request from 'supertest';
import type { QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { startStack, type Stack } from '../support/stack';

/** A stack with a pool of two connections (`OVERLOAD_DB_WAIT_MS` as given), and the connections a test holds. */
function twoConnectionStack(databaseWaitMs: string) {
  const state: { stack?: Stack; held: QueryRunner[] } = { held: [] };
  beforeAll(async () => {
    state.stack = await startStack({
      backend: 'redis',
      worker: false,
      env: {
        DATABASE_POOL_SIZE: '2',
        REQUEST_TIMEOUT_SECONDS: '60',
        OVERLOAD_LAG_MS: '0',
        OVERLOAD_DB_WAIT_MS: databaseWaitMs,
      },
    });
  });
  afterAll(async () => {
    await Promise.all(state.held.map((runner) => runner.release().catch(() => undefined)));
    await state.stack?.close();
  });
  /** Takes both connections of the API's pool. */
  const holdAll = async () => {
    const dataSource = state.stack!.api.get(DataSource);
    for (let i = 0; i < 2; i++) {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      state.held.push(runner);
    }
  };
  const releaseAll = () => Promise.all(state.held.splice(0).map((runner) => runner.release()));
  return { url: () => state.stack!.url, holdAll, releaseAll };
}

/**
 * Overload is answered, not suffered (issue 22): with every connection of a
 * tiny pool held, requests that need the database wait at most the pool's
 * connectionTimeoutMillis, then get 503 SERVICE_UNAVAILABLE with Retry-After
 * and a French message (never a reset connection, a 500, or the 30-second
 * request timeout), and are served again as soon as connections come back.
 */
describe('overload: a saturated database pool', () => {
  // The shedders are unit-tested (apps/api/src/http/overload.spec.ts); here only the pool's own timeout is in play.
  const pool = twoConnectionStack('0');

  it('answers 503 with Retry-After while every connection is taken, then serves again', async () => {
    const first = await request(pool.url()).get('/api/v1/public/services');
    expect(first.status).toBe(200);
    await pool.holdAll();

    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        request(pool.url()).get('/api/v1/public/services').set('Accept-Language', 'fr-FR,fr;q=0.9'),
      ),
    );
    for (const res of answers) {
      // A reset connection would have rejected Promise.all; a 500 or a REQUEST_TIMEOUT fails here.
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.body).toEqual({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Le service est momentanément indisponible (base de données). Réessayez dans quelques instants.',
      });
    }
    // Health stays answered: liveness never needs a connection.
    await request(pool.url()).get('/health/live').expect(200);

    await pool.releaseAll();
    await request(pool.url()).get('/api/v1/public/services').expect(200);
  });
});

describe('overload: a database connection that would take longer than the limit', () => {
  const pool = twoConnectionStack('100');

  it('sheds the requests past the queue (service très demandé), lets the queued ones wait for the pool, then serves', async () => {
    await request(pool.url()).get('/api/v1/public/services').expect(200);
    await pool.holdAll();
    // One after the other: each one's wait for a connection has begun when the next one arrives.
    const answers: request.Response[] = [];
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < 4; i++) {
      pending.push(
        request(pool.url())
          .get('/api/v1/public/services')
          .set('Accept-Language', 'fr-FR,fr;q=0.9')
          .then((res) => void answers.push(res)),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await Promise.all(pending);
    const messages = answers.map(
      (res) => `${res.status} ${res.headers['retry-after'] ? 'retry' : '-'} ${res.body.message}`,
    );
    const shed = 'Le service est momentanément indisponible (service très demandé). Réessayez dans quelques instants.';
    const timedOut = 'Le service est momentanément indisponible (base de données). Réessayez dans quelques instants.';
    // The first one waits for a connection (none queued before it) and times out after connectionTimeoutMillis;
    // behind it, with both connections held for seconds, the next are turned away at once, before any work.
    // Every answer is a 503 with Retry-After.
    expect(messages.filter((m) => m === `503 retry ${shed}`).length).toBeGreaterThanOrEqual(1);
    expect(messages.filter((m) => m !== `503 retry ${shed}` && m !== `503 retry ${timedOut}`)).toEqual([]);
    await pool.releaseAll();
    await request(pool.url()).get('/api/v1/public/services').expect(200);
  });
});
