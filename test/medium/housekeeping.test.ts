import { randomBytes } from 'node:crypto';
import { QueueConnection, QueueName } from '@guichet/queue';
import { Housekeeping, type HousekeepingTask } from '../../apps/worker/src/housekeeping';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../support/database';
import { waitUntil } from '../support/processes';

const PERIOD_MS = 1000;

interface Run {
  task: string;
  worker: string;
  at: number;
}

/**
 * Housekeeping as job schedulers, on both queue backends: two worker
 * processes (two connections, two Housekeeping instances) on one prefix run
 * each task once per period between them, not once each; a task that throws
 * fails its own job (retried, then failed for good and logged as an error)
 * while the others keep their schedule.
 */
describe.each(['redis', 'postgres'] as const)('housekeeping schedulers on the %s backend', (kind) => {
  let db: TestDatabase;
  const prefix = `hk${randomBytes(4).toString('hex')}`;
  const connections: QueueConnection[] = [];
  const instances: Housekeeping[] = [];
  const runs: Run[] = [];
  const logged: Array<Record<string, unknown> & { level: string }> = [];

  const connection = () => {
    const queue = new QueueConnection({
      kind,
      redisUrl: kind === 'redis' ? testRedisUrl() : undefined,
      databaseUrl: db.url,
      prefix,
      retryScale: 0.01,
    });
    connections.push(queue);
    return queue;
  };

  const tasks = (worker: string): HousekeepingTask[] =>
    ['alpha', 'beta', 'broken'].map((name) => ({
      name,
      everyMs: PERIOD_MS,
      did: `${name} done`,
      run: async () => {
        runs.push({ task: name, worker, at: Date.now() });
        if (name === 'broken') throw new Error('storage down');
        return 1;
      },
    }));

  const log = (level: string) => (entry: Record<string, unknown>) => logged.push({ level, ...entry });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    for (const queue of connections) {
      await queue
        .queue(QueueName.Housekeeping)
        .obliterate({ force: true })
        .catch(() => undefined);
      await queue.close();
    }
    await db?.drop();
  });

  it('runs each task once per period across two workers, and a failing task does not stop the others', async () => {
    const created = Date.now();
    for (const worker of ['w1', 'w2']) {
      const instance = new Housekeeping(connection(), tasks(worker), {
        info: log('info'),
        warn: log('warn'),
        error: log('error'),
      });
      instances.push(instance);
      await instance.start(2);
    }
    // A worker that restarts upserts the schedulers again: still one job per period.
    await instances[0]!.start(2);

    const started = Date.now();
    // Both healthy tasks, each five times: under load one may lag the other by a period (CI, session 12, when only
    // alpha was waited for), and what is promised is that each runs, not that they keep step.
    const ranFiveTimes = (task: string) => runs.filter((r) => r.task === task).length >= 5;
    await waitUntil('five periods of alpha and of beta', 20_000, () => ranFiveTimes('alpha') && ranFiveTimes('beta'));
    await Promise.all(instances.map((i) => i.stop()));
    const elapsed = Date.now() - started;
    const completed = await connections[0]!.queue(QueueName.Housekeeping).getCompleted(0, 1000);

    for (const task of ['alpha', 'beta']) {
      const times = runs.filter((r) => r.task === task).map((r) => r.at);
      // Once per period: never more runs than periods elapsed (+1 for the edges)…
      expect(times.length).toBeGreaterThanOrEqual(5);
      expect(times.length).toBeLessThanOrEqual(Math.ceil(elapsed / PERIOD_MS) + 1);
      // …each run is one period's job (its id carries the period's scheduled time), never two for one period, and
      // each job ran once. Read from the schedule, not the clock: a loaded machine may run a job late.
      const scheduled = completed
        .filter((job) => job.name === `housekeeping.${task}`)
        .map((job) => Number(/:(\d+)$/.exec(job.id ?? '')?.[1]))
        .sort((a, b) => a - b);
      expect(scheduled.length).toBe(times.length);
      const gaps = scheduled.slice(1).map((t, i) => t - scheduled[i]!);
      expect(gaps.filter((gap) => !(gap >= PERIOD_MS && gap % PERIOD_MS === 0))).toEqual([]);
    }
    // The first run comes a period after the scheduler was created, not at start-up (read from the schedule).
    const firstScheduled = Math.min(...completed.map((job) => Number(/:(\d+)$/.exec(job.id ?? '')?.[1])));
    expect(firstScheduled).toBeGreaterThanOrEqual(created + PERIOD_MS);

    // The broken task was tried (three attempts per period), failed for good, and said so as an error.
    const broken = runs.filter((r) => r.task === 'broken');
    expect(broken.length).toBeGreaterThanOrEqual(3);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'housekeeping task failed',
        task: 'housekeeping.broken',
        final: true,
        err: 'storage down',
      }),
    );
    expect(logged.filter((l) => l.level === 'error' && l.task !== 'housekeeping.broken')).toEqual([]);
    expect(await connections[0]!.queue(QueueName.Housekeeping).getFailedCount()).toBeGreaterThanOrEqual(1);
    expect(logged).toContainEqual(expect.objectContaining({ level: 'info', msg: 'alpha done', count: 1 }));
  });

  it('runs every task on demand, each on its own', async () => {
    const outcome = await new Housekeeping(connections[0]!, tasks('now'), {
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
    }).runAll();
    expect(outcome.alpha).toBe(1);
    expect(outcome.broken).toBeInstanceOf(Error);
    expect(outcome.beta).toBe(1);
  });
});
