import request from 'supertest';
import { freePort, startRedisServer, waitUntil, type RedisServer } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant } from '../support/tenant';

/**
 * Redis stopped under a running API: readiness says which dependency is
 * down, requests that need the queue fail fast with a 503 (never hang), and
 * everything recovers by itself when Redis is back. Uses a private
 * redis-server, never the machine's shared one.
 */
describe('queue outage (Redis)', () => {
  let redis: RedisServer;
  let stack: Stack;
  let port: number;
  /** Pings are an organisation admin's (issue 18): an admin token, made while Redis is up. */
  let admin: string;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer(port);
    stack = await startStack({ backend: 'redis', redisUrl: redis.url });
    admin = (await createTenant(stack, 'admin')).auth;
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  it('turns readiness to 503 naming the queue, fails fast, and recovers', async () => {
    await request(stack.url).get('/health/ready').expect(200);
    await redis.stop();

    const down = await waitUntil('readiness 503', 15_000, async () => {
      const res = await request(stack.url).get('/health/ready');
      return res.status === 503 ? res : undefined;
    });
    expect(down.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      checks: { database: { status: 'up' }, queue: { status: 'down', backend: 'redis' } },
    });
    expect(down.body.message).toContain('file de travaux');
    expect(down.headers['retry-after']).toBe('5');

    const started = Date.now();
    const ping = await request(stack.url).post('/api/v1/system/pings').set('Authorization', admin);
    expect(ping.status).toBe(503);
    expect(ping.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(5000);

    redis = await startRedisServer(port);
    await waitUntil(
      'readiness 200 again',
      30_000,
      async () => (await request(stack.url).get('/health/ready')).status === 200,
    );
    const created = await request(stack.url).post('/api/v1/system/pings').set('Authorization', admin).expect(202);
    await waitUntil('ping completed after recovery', 30_000, async () => {
      const res = await request(stack.url).get(`/api/v1/system/pings/${created.body.id}`);
      return res.body.status === 'completed' || undefined;
    });
  });
});
