import { redisAnswers, resolveQueueBackend } from '@guichet/queue';
import { testRedisUrl } from '../support/database';
import { freePort } from '../support/processes';

describe('queue backend resolution', () => {
  let closedUrl: string;

  beforeAll(async () => {
    closedUrl = `redis://127.0.0.1:${await freePort()}`;
  });

  it('detects a Redis that answers and one that does not', async () => {
    expect(await redisAnswers(testRedisUrl())).toBe(true);
    expect(await redisAnswers(closedUrl)).toBe(false);
  });

  it('is not fooled by another server on the port', async () => {
    const postgres = new URL(process.env.GUICHET_TEST_ADMIN_URL!);
    expect(await redisAnswers(`redis://${postgres.hostname}:${postgres.port || 5432}`)).toBe(false);
  });

  it('falls back to PostgreSQL when nothing answers, within a second', async () => {
    const started = Date.now();
    const backend = await resolveQueueBackend({}, closedUrl);
    expect(backend.kind).toBe('postgres');
    expect(backend.reason).toContain('aucun Redis');
    // A resolution that hangs would stall every start; this bounds it loosely.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('uses a Redis that answers on the default address', async () => {
    await expect(resolveQueueBackend({}, testRedisUrl())).resolves.toMatchObject({
      kind: 'redis',
      redisUrl: testRedisUrl(),
    });
  });

  it('obeys REDIS_URL and QUEUE_BACKEND without probing', async () => {
    await expect(resolveQueueBackend({ REDIS_URL: closedUrl }, testRedisUrl())).resolves.toMatchObject({
      kind: 'redis',
      redisUrl: closedUrl,
    });
    await expect(resolveQueueBackend({ QUEUE_BACKEND: 'postgres', REDIS_URL: testRedisUrl() })).resolves.toMatchObject({
      kind: 'postgres',
    });
    await expect(resolveQueueBackend({ QUEUE_BACKEND: 'redis' }, closedUrl)).resolves.toMatchObject({
      kind: 'redis',
      redisUrl: closedUrl,
    });
  });
});
