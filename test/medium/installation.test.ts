import { Redis } from 'ioredis';
import { ConfigError } from '@guichet/config';
import {
  QueueConnection,
  QueueName,
  QueuePrefixTakenError,
  claimKey,
  defaultQueuePrefix,
  resolveInstallation,
  type Installation,
} from '@guichet/queue';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../support/database';
import { waitUntil } from '../support/processes';

/**
 * Two installations (two databases) on one Redis, neither setting
 * QUEUE_PREFIX: each gets the prefix derived from its own id, so a worker of
 * one never sees the other's jobs; and a prefix another database has claimed
 * is refused at start with one French line naming the cause and the fix.
 */
describe('installations on one Redis', () => {
  const redisUrl = testRedisUrl();
  const backend = { kind: 'redis' as const, redisUrl, reason: 'test' };
  let first: TestDatabase;
  let second: TestDatabase;
  const connections: QueueConnection[] = [];
  const claimed: string[] = [];

  const resolve = async (db: TestDatabase, configuredPrefix?: string): Promise<Installation> => {
    const installation = await resolveInstallation({ databaseUrl: db.url, backend, configuredPrefix });
    claimed.push(installation.prefix);
    return installation;
  };

  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    for (const queue of connections) {
      await queue
        .queue(QueueName.System)
        .obliterate({ force: true })
        .catch(() => undefined);
      await queue.close();
    }
    const redis = new Redis(redisUrl);
    if (claimed.length) await redis.del(...new Set(claimed.map(claimKey)));
    redis.disconnect();
    await Promise.all([first?.drop(), second?.drop()]);
  });

  it('gives each database its own id and default prefix, the same at every start', async () => {
    const [a, b] = await Promise.all([resolve(first), resolve(second)]);
    expect(a.id).not.toBe(b.id);
    expect(a.prefix).toMatch(/^guichet-[0-9a-f]{12}$/);
    expect(a.prefix).toBe(defaultQueuePrefix(a.id));
    expect(b.prefix).not.toBe(a.prefix);
    expect(a.derived).toBe(true);
    // API and workers starting together on one database: one id, one prefix, the claim passes for all.
    const again = await Promise.all([resolve(first), resolve(first), resolve(first)]);
    expect(again.map((i) => i.prefix)).toEqual([a.prefix, a.prefix, a.prefix]);
    const redis = new Redis(redisUrl);
    expect(await redis.get(claimKey(a.prefix))).toBe(a.id);
    redis.disconnect();
  });

  it("keeps each installation's jobs to its own workers", async () => {
    const [a, b] = await Promise.all([resolve(first), resolve(second)]);
    const queues = [a, b].map((installation, i) => {
      const queue = new QueueConnection({
        kind: 'redis',
        redisUrl,
        databaseUrl: [first, second][i]!.url,
        prefix: installation.prefix,
      });
      connections.push(queue);
      return queue;
    });
    const seen: Array<{ worker: string; pingId: string }> = [];
    for (const [i, queue] of queues.entries()) {
      queue.startWorker(QueueName.System, {
        'system.ping': async (job) => {
          seen.push({ worker: ['first', 'second'][i]!, pingId: (job.data as { pingId: string }).pingId });
          return 'completed';
        },
      });
    }
    for (let n = 0; n < 10; n++) {
      await queues[0]!.enqueue('system.ping', { pingId: `first-${n}` }, `first-${n}`);
      await queues[1]!.enqueue('system.ping', { pingId: `second-${n}` }, `second-${n}`);
    }
    await waitUntil('every ping handled', 10_000, () => seen.length >= 20);
    expect(seen).toHaveLength(20);
    for (const { worker, pingId } of seen) expect(pingId.startsWith(worker)).toBe(true);
  });

  it('refuses a prefix another database has claimed, with one French line', async () => {
    const a = await resolve(first);
    const refusal = resolveInstallation({ databaseUrl: second.url, backend, configuredPrefix: a.prefix });
    await expect(refusal).rejects.toBeInstanceOf(QueuePrefixTakenError);
    const error = (await refusal.catch((e: unknown) => e)) as ConfigError;
    // A ConfigError: the API, the worker and npm start print its message alone, as one line.
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain('\n');
    expect(error.message).toBe(
      `Démarrage refusé : le préfixe de file « ${a.prefix} » est déjà pris dans Redis par une autre installation ` +
        `(base ${a.id}, celle-ci est ${(await resolve(second)).id}) : donnez à chaque installation son propre ` +
        `QUEUE_PREFIX (ou laissez-le vide : chaque base a alors le sien), ou, si l’autre installation n’existe plus, ` +
        `supprimez la clé Redis « {${a.prefix}}:installation ».`,
    );
    // The owner still starts.
    await expect(resolve(first)).resolves.toMatchObject({ prefix: a.prefix });
  });

  it('asks for the migration when the database has no installation table', async () => {
    const empty = await createTestDatabase({ empty: true });
    try {
      await expect(resolveInstallation({ databaseUrl: empty.url, backend })).rejects.toThrow(
        'Démarrage refusé : la base n’est pas à jour (table installation absente) : lancez npm run migrate.',
      );
    } finally {
      await empty.drop();
    }
  });
});
