import { randomBytes, randomUUID } from 'node:crypto';
import { Organisation } from '@guichet/persistence';
import { OutboxRelay, QueueConnection, QueueName, jobId, purgeDoneOutbox } from '@guichet/queue';
import { testRedisUrl, withTestDataSource } from '../support/database';
import { freePort } from '../support/processes';

/** Waits (up to 20 s) for a condition the relay reports, instead of a fixed pause that a loaded machine outruns. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 20_000) throw new Error(`not ${what} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The outbox relay against the real PostgreSQL and Redis: relays sharing the
 * work never move a row twice, a queue that is down leaves rows waiting, and
 * jobs a Redis lost come back under the same id.
 */
describe('outbox relay', () => {
  const { dataSource, db } = withTestDataSource({ poolSize: 8 });
  let organisationId: string;
  const connections: QueueConnection[] = [];

  const connection = (redisUrl = testRedisUrl(), prefix = `relay${randomBytes(4).toString('hex')}`) => {
    const queue = new QueueConnection({ kind: 'redis', redisUrl, databaseUrl: db.url, prefix });
    connections.push(queue);
    return queue;
  };

  const insertRows = async (count: number) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    await dataSource.query(
      `INSERT INTO outbox (id, organisation_id, topic, payload)
       SELECT id, $2, 'submission.route', jsonb_build_object('submissionId', id, 'eventId', id)
       FROM unnest($1::uuid[]) AS id`,
      [ids, organisationId],
    );
    return ids;
  };

  beforeAll(async () => {
    organisationId = (await dataSource.getRepository(Organisation).save({ slug: 'relais', name: 'Relais' })).id;
  });
  afterEach(async () => {
    for (const queue of connections.splice(0)) {
      // A connection to a Redis that is down would wait forever: give up after a second.
      await Promise.race([
        queue.queue(QueueName.Route).obliterate({ force: true }),
        new Promise((resolve) => setTimeout(resolve, 1000)),
      ]).catch(() => undefined);
      await queue.close();
    }
    await dataSource.query('DELETE FROM outbox');
  });

  it('shares the rows between three relays, each row moved once, each job added once', async () => {
    const ids = await insertRows(1500);
    const queue = connection();
    const prefix = queue.settings.prefix;
    const relays = [0, 1, 2].map(
      () => new OutboxRelay(dataSource, connection(testRedisUrl(), prefix), db.url, { batch: 100 }),
    );
    const moved = await Promise.all(
      relays.map(async (relay) => {
        let total = 0;
        for (let n = await relay.relayOnce(); n > 0; n = await relay.relayOnce()) total += n;
        return total;
      }),
    );
    expect(moved.reduce((a, b) => a + b, 0)).toBe(1500);
    // Skip-locked batches: the relays really worked side by side.
    expect(moved.filter((n) => n > 0).length).toBeGreaterThan(1);
    const [{ waiting }] = await dataSource.query(
      `SELECT count(*) FILTER (WHERE relayed_at IS NULL)::int AS waiting FROM outbox`,
    );
    expect(waiting).toBe(0);
    expect(await queue.queue(QueueName.Route).getJobCountByTypes('waiting', 'prioritized')).toBe(1500);
    const job = await queue.queue(QueueName.Route).getJob(jobId('submission.route', ids[0]!));
    expect(job?.data).toEqual({ submissionId: ids[0], eventId: ids[0], outboxId: ids[0] });
  });

  it('leaves the rows waiting when the queue is down, and relays them when it answers', async () => {
    await insertRows(20);
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const unreachable = new QueueConnection({
      kind: 'redis',
      redisUrl: closed,
      databaseUrl: db.url,
      prefix: 'down',
      timeoutMs: 500,
    });
    connections.push(unreachable);
    const down = new OutboxRelay(dataSource, unreachable, db.url);
    await expect(down.relayOnce()).rejects.toThrow(/did not answer|ECONNREFUSED|writeable/);
    const [{ waiting }] = await dataSource.query(
      `SELECT count(*)::int AS waiting FROM outbox WHERE relayed_at IS NULL`,
    );
    expect(waiting).toBe(20);
    const up = new OutboxRelay(dataSource, connection(), db.url);
    expect(await up.relayOnce()).toBe(20);
  });

  it('adds again, under the same id, the jobs of rows relayed long ago and never done; leaves done and failed rows alone', async () => {
    const ids = await insertRows(30);
    const queue = connection();
    const relay = new OutboxRelay(dataSource, queue, db.url, { reconcileAfterMs: 60_000 });
    expect(await relay.relayOnce()).toBe(30);
    await relay.markDone(ids[0]!);
    await relay.markFailed(ids[1]!, 'HTTP 500');
    // Redis restarted empty, and a while passed.
    await queue.queue(QueueName.Route).obliterate({ force: true });
    await dataSource.query(`UPDATE outbox SET relayed_at = now() - interval '1 hour'`);
    expect(await relay.reconcileOnce()).toBe(28);
    expect(await queue.queue(QueueName.Route).getJobCountByTypes('waiting', 'prioritized')).toBe(28);
    expect(await queue.queue(QueueName.Route).getJob(jobId('submission.route', ids[2]!))).toBeDefined();
    expect(await queue.queue(QueueName.Route).getJob(jobId('submission.route', ids[0]!))).toBeUndefined();
    // Nothing is due again right after.
    expect(await relay.reconcileOnce()).toBe(0);
    // An operator's retry of the failed one relays it again.
    expect(await relay.requeue(ids[1]!)).toBe(true);
    expect(await relay.requeue(ids[2]!)).toBe(false);
    await relay.stop();
    expect(await relay.relayOnce()).toBe(1);
  });

  it('survives its connection ended by the server while the jobs are being queued: the pass fails, the process lives on', async () => {
    const [id] = await insertRows(1);
    const queue = connection();
    const relay = new OutboxRelay(dataSource, queue, db.url);
    // The claim is made, its transaction open, and the relay waits for Redis: the connection is checked out, idle.
    let queued!: () => void;
    const gate = new Promise<void>((resolve) => (queued = resolve));
    const enqueue = queue.enqueueBulk.bind(queue);
    const spy = jest.spyOn(queue, 'enqueueBulk').mockImplementationOnce(async (jobs) => {
      await gate;
      return enqueue(jobs);
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const pass = relay.relayOnce();
      let idle: Array<{ pid: number }> = [];
      for (const started = Date.now(); idle.length === 0;) {
        if (Date.now() - started > 10_000) throw new Error('the claim never waited for the queue');
        await new Promise((resolve) => setTimeout(resolve, 20));
        idle = await dataSource.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'
             AND query LIKE '%UPDATE outbox SET relayed_at%'`,
        );
      }
      // What a fast shutdown does to every session: « terminating connection due to administrator command ».
      await dataSource.query('SELECT pg_terminate_backend($1)', [idle[0]!.pid]);
      // The connection's end reaches the relay while it still holds it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      queued();
      await expect(pass).rejects.toThrow();
    } finally {
      queued();
      spy.mockRestore();
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    // The claim was rolled back with its connection: the row waits, and the next pass (a new connection) moves it.
    expect(await relay.relayOnce()).toBe(1);
    expect(await queue.queue(QueueName.Route).getJob(jobId('submission.route', id!))).toBeDefined();
  });

  it('wakes on NOTIFY: a committed row is relayed without waiting for the poll', async () => {
    const queue = connection();
    const relay = new OutboxRelay(dataSource, queue, db.url, { pollMs: 60_000 });
    relay.start();
    try {
      // Once its LISTEN is up (a fixed pause was not always enough on a loaded machine).
      await until(() => relay.listening, 'listening');
      const [id] = await insertRows(1);
      const started = Date.now();
      while (!(await queue.queue(QueueName.Route).getJob(jobId('submission.route', id!)))) {
        if (Date.now() - started > 10_000) throw new Error('not relayed within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await relay.stop();
    }
  });

  it('lets the commits of one interval share a pass, and rolls back the claim when the queue refuses the jobs', async () => {
    const queue = connection();
    const relay = new OutboxRelay(dataSource, queue, db.url, { pollMs: 60_000, minIntervalMs: 1500 });
    const passes = jest.spyOn(relay, 'relayOnce');
    relay.start();
    try {
      // The start's own pass, then five commits: each wakes the relay, which waits for the interval to be over,
      // then moves the five in one pass.
      while (passes.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await passes.mock.results[0]!.value;
      await until(() => relay.listening, 'listening');
      // 100 ms apart: longer than a pass, so that without the interval each commit would have a pass of its own.
      for (let i = 0; i < 5; i++) {
        await insertRows(1);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const started = Date.now();
      while ((await queue.queue(QueueName.Route).getJobCountByTypes('waiting', 'prioritized')) < 5) {
        if (Date.now() - started > 10_000) throw new Error('not relayed within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // One pass for the five (two if this machine stalled past the interval between two commits).
      expect(passes.mock.calls.length - 1).toBeGreaterThanOrEqual(1);
      expect(passes.mock.calls.length - 1).toBeLessThanOrEqual(2);
    } finally {
      await relay.stop();
    }

    // The queue refuses the jobs: the claim is rolled back, the rows wait unmarked, and the connection goes back
    // to the pool usable.
    const [waiting] = await insertRows(1);
    const refusing = new OutboxRelay(dataSource, queue, db.url);
    const enqueue = jest.spyOn(queue, 'enqueueBulk').mockRejectedValueOnce(new Error('queue down'));
    await expect(refusing.relayOnce()).rejects.toThrow('queue down');
    const [row] = (await dataSource.query(`SELECT relayed_at FROM outbox WHERE id = $1`, [waiting])) as Array<{
      relayed_at: Date | null;
    }>;
    expect(row).toEqual({ relayed_at: null });
    enqueue.mockRestore();
    expect(await refusing.relayOnce()).toBe(1);
  });

  it("stamps jobs with this database's installation and trusts only that stamp; marks concurrent jobs done together", async () => {
    await dataSource.query(`INSERT INTO installation DEFAULT VALUES ON CONFLICT (singleton) DO NOTHING`);
    const [{ id: installation }] = (await dataSource.query(`SELECT id FROM installation`)) as [{ id: string }];
    try {
      const ids = await insertRows(3);
      const queue = connection();
      const relay = new OutboxRelay(dataSource, queue, db.url);
      expect(await relay.relayOnce()).toBe(3);
      const job = await queue.queue(QueueName.Route).getJob(jobId('submission.route', ids[0]!));
      expect(job?.data).toEqual({ submissionId: ids[0], eventId: ids[0], outboxId: ids[0], installation });

      // A row of another database: unknown whatever the job claims, unless it carries this installation's stamp.
      const elsewhere = randomUUID();
      expect(await relay.knows(elsewhere)).toBe(false);
      expect(await relay.knows(elsewhere, randomUUID())).toBe(false);
      expect(await relay.knows(elsewhere, installation)).toBe(true);
      expect(await relay.knows('not-a-uuid')).toBe(false);
      // Unstamped jobs (relayed before the stamp existed) are looked up, together.
      expect(await Promise.all([relay.knows(ids[0]!), relay.knows(ids[1]!), relay.knows(elsewhere)])).toEqual([
        true,
        true,
        false,
      ]);

      await Promise.all(ids.map((id) => relay.markDone(id)));
      const [{ done }] = (await dataSource.query(
        `SELECT count(*) FILTER (WHERE done_at IS NOT NULL)::int AS done FROM outbox WHERE id = ANY($1::uuid[])`,
        [ids],
      )) as [{ done: number }];
      expect(done).toBe(3);
    } finally {
      await dataSource.query(`DELETE FROM installation`);
    }
  });

  it('deletes the rows done more than a week ago, in batches; keeps recent, unfinished and failed ones', async () => {
    const [old, recent, unfinished, failed] = [
      await insertRows(7),
      await insertRows(2),
      await insertRows(2),
      await insertRows(2),
    ];
    const mark = (ids: string[], set: string) =>
      dataSource.query(`UPDATE outbox SET ${set} WHERE id = ANY($1::uuid[])`, [ids]);
    await mark(old, `relayed_at = now() - interval '9 days', done_at = now() - interval '8 days'`);
    await mark(recent, `relayed_at = now() - interval '2 days', done_at = now() - interval '6 days'`);
    await mark(unfinished, `relayed_at = now() - interval '9 days'`);
    await mark(failed, `relayed_at = now() - interval '9 days', failed_at = now() - interval '8 days'`);

    expect(await purgeDoneOutbox(dataSource, { batch: 3 })).toBe(7);
    const left: Array<{ id: string }> = await dataSource.query('SELECT id FROM outbox');
    expect(left.map((r) => r.id).sort()).toEqual([...recent, ...unfinished, ...failed].sort());
    expect(await purgeDoneOutbox(dataSource)).toBe(0);
  });
});
