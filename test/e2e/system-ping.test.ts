import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { QueueConnection, QueueName, jobId } from '@guichet/queue';
import { waitUntil } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant } from '../support/tenant';

/** API → queue → worker → database, on both queue backends. */
describe.each(['postgres', 'redis'] as const)('system.ping on the %s backend', (backend) => {
  let stack: Stack;
  /** Sending a ping is an administrator's call (issue 18: it was anyone's, and unlimited). */
  let admin: string;

  beforeAll(async () => {
    stack = await startStack({ backend });
    admin = (await createTenant(stack, 'admin')).auth;
  });
  afterAll(() => stack?.close());

  it('is completed by the worker and recorded in the database', async () => {
    const created = await request(stack.url).post('/api/v1/system/pings').set('Authorization', admin).expect(202);
    expect(created.body).toMatchObject({ status: 'pending', backend, completedAt: null });

    const done = await waitUntil('ping completed', 20_000, async () => {
      const res = await request(stack.url).get(`/api/v1/system/pings/${created.body.id}`).expect(200);
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(done.completedBy).toMatch(/:\d+$/);
    expect(Date.parse(done.completedAt)).toBeGreaterThanOrEqual(Date.parse(done.requestedAt));
  });

  it('completes many pings sent at once, each exactly once', async () => {
    const ids = await Promise.all(
      Array.from(
        { length: 20 },
        async () =>
          (await request(stack.url).post('/api/v1/system/pings').set('Authorization', admin).expect(202)).body
            .id as string,
      ),
    );
    await waitUntil('all pings completed', 30_000, async () => {
      const states = await Promise.all(ids.map((id) => request(stack.url).get(`/api/v1/system/pings/${id}`)));
      return states.every((s) => s.body.status === 'completed') || undefined;
    });
    const rows = await stack.api
      .get(DataSource)
      .query('SELECT count(*)::int AS n FROM system_ping WHERE completed_at IS NOT NULL AND id = ANY($1)', [ids]);
    expect(rows[0].n).toBe(20);
  });

  it("schedules the worker's housekeeping: one hourly job scheduler per task", async () => {
    const queue = stack.api.get(QueueConnection).queue(QueueName.Housekeeping);
    const schedulers = await waitUntil('schedulers upserted', 10_000, async () => {
      const found = await queue.getJobSchedulers();
      return found.length >= 8 ? found : undefined;
    });
    expect(schedulers.map((s) => s.key).sort()).toEqual(
      [
        'digests',
        'exports',
        'orphan-files',
        'outbox',
        'pings',
        'retention-notices',
        'retention-purge',
        'stale-drafts',
      ].map((task) => `housekeeping-${task}`),
    );
    for (const scheduler of schedulers) {
      expect(Number(scheduler.every)).toBe(3600_000);
      // The first run is a period away, not at start-up.
      expect(scheduler.next).toBeGreaterThan(Date.now() + 3500_000);
    }
  });

  // Another installation's jobs, as when two shared a queue prefix: the worker took the other's ping and
  // completed it as « missing », and its owner waited 30 s for nothing. Now it fails, at once and visibly.
  it.each([
    ['a ping', 'system.ping', QueueName.System, (id: string) => ({ pingId: id })],
    [
      'an outbox job',
      'submission.route',
      QueueName.Route,
      (id: string) => ({ outboxId: id, submissionId: randomUUID(), eventId: randomUUID() }),
    ],
  ] as const)(
    'never completes %s this database does not hold: it fails, without retries',
    async (_, name, queue, data) => {
      const key = randomUUID();
      const queues = stack.api.get(QueueConnection);
      await queues.enqueueBulk([{ name, data: data(key) as never, key }]);
      // Read again once failed: the job read before its state was asked may predate the failure (CI, 12-06).
      const job = await waitUntil('job failed', 20_000, async () => {
        const found = await queues.queue(queue).getJob(jobId(name, key));
        return found && (await found.getState()) === 'failed'
          ? await queues.queue(queue).getJob(jobId(name, key))
          : undefined;
      });
      expect(job.failedReason).toContain("is not in this installation's database");
      expect(job.attemptsMade).toBe(1);
      expect(job.returnvalue).toBeFalsy();
    },
  );
});
