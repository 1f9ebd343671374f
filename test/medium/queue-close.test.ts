import { QueueConnection, QueueName } from '@guichet/queue';
import { freePort, startRedisServer, type RedisServer } from '../support/processes';

// An operator stopping Guichet during a Redis outage must see it stop: the workers' graceful close waits for
// Redis forever, so the connection gives up after its grace period and disconnects.
describe('closing the queue connection while Redis is down', () => {
  let redis: RedisServer | undefined;

  afterAll(async () => {
    await redis?.stop();
  });

  it('ends after the grace period instead of waiting for Redis', async () => {
    redis = await startRedisServer(await freePort());
    const connection = new QueueConnection({
      kind: 'redis',
      redisUrl: redis.url,
      databaseUrl: 'postgres://unused',
      prefix: `guichet-test-close-${process.pid}`,
      closeGraceMs: 500,
    });
    const worker = connection.startWorker(QueueName.System, {});
    let reconnections = 0;
    worker.on('error', () => reconnections++);
    await connection.queue(QueueName.System).getJobCounts('waiting');
    await redis.stop();
    redis = undefined;

    const outcome = await Promise.race([
      connection.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000).unref()),
    ]);
    expect(outcome).toBe('closed');
    // Nothing keeps trying to reach the dead Redis once closed (which would keep the process alive).
    const after = reconnections;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(reconnections).toBe(after);
  });
});
