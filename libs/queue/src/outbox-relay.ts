import { Client, type Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { DataSource } from 'typeorm';
import { OutboxRow, namedStatement, runNamed } from '@guichet/persistence';
import { isUuid } from '@guichet/shared';
import { Batched } from './batched';
import { isOutboxJob, type JobName } from './jobs';
import type { BulkJob, QueueConnection } from './queue-connection';

export interface RelayOptions {
  /** Rows moved per transaction. */
  batch?: number;
  /** Poll period when no notification arrives (a missed NOTIFY costs at most this). */
  pollMs?: number;
  /**
   * Least time between the starts of two passes woken by a commit (ms; 0: a pass at every wake). At a few
   * requests a second each commit would cost a pass of its own (its statements, a pipeline to the queue, the
   * jobs fetched one by one); waiting this long lets the commits of the meantime share one. A backlog is moved
   * without waiting, and the first commit after a quiet spell is relayed at once.
   */
  minIntervalMs?: number;
  /** A row relayed this long ago and neither done nor failed is relayed again: Redis may have lost it. */
  reconcileAfterMs?: number;
  /** Where to report trouble (no personal data: ids and messages only). */
  onError?: (stage: 'relay' | 'reconcile' | 'listen', error: Error) => void;
}

interface PendingRow {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
  run_at: Date | null;
}

/** The worker's per-batch statements, planned once per connection (see NamedStatement). */
const KNOWN = namedStatement('guichet_outbox_known', `SELECT id FROM outbox WHERE id = ANY($1::uuid[])`);
const MARK_DONE = namedStatement(
  'guichet_outbox_done',
  `UPDATE outbox SET done_at = now(), last_error = NULL WHERE id = ANY($1::uuid[])`,
);

/**
 * Moves committed outbox rows to BullMQ. Each batch is one transaction that
 * locks its rows (`FOR UPDATE SKIP LOCKED`, so several relays in several
 * processes share the work), adds the jobs with deterministic ids, and marks
 * the rows relayed. When the queue is down the transaction rolls back and the
 * rows wait; when a job vanished (Redis restarted empty), reconciliation adds
 * it again under the same id. A trigger on the outbox sends a NOTIFY on
 * commit, so the relay wakes at once instead of polling fast.
 */
export class OutboxRelay {
  private readonly batch: number;
  private readonly pollMs: number;
  private readonly reconcileAfterMs: number;
  private readonly minIntervalMs: number;
  /** When the last pass started (ms since the epoch). */
  private lastPassAt = 0;
  /** A pass is already set to run when the interval is over. */
  private due = false;
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = true;
  private wakeRequested = false;
  private failures = 0;
  private lastReconcile = 0;
  /** This database's installation id, read once: it stamps the jobs relayed from here. */
  private installation?: Promise<string | null>;
  /** The same id once found (it never changes). */
  private installationRead?: string;
  /** Rows asked about by concurrent jobs, looked up in one statement. */
  private readonly known = new Batched<string, boolean>(async (ids) => {
    const rows = await runNamed<{ id: string }>(this.dataSource, KNOWN, [ids]);
    return new Map(rows.map(({ id }) => [id, true]));
  }, false);
  /** Rows finished by concurrent jobs, marked done in one statement (group commit). */
  private readonly done = new Batched<string, void>(async (ids) => {
    await runNamed(this.dataSource, MARK_DONE, [ids]);
    return new Map();
  }, undefined);

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueueConnection,
    private readonly databaseUrl: string,
    private readonly options: RelayOptions = {},
  ) {
    this.batch = options.batch ?? 500;
    this.pollMs = options.pollMs ?? 1000;
    this.reconcileAfterMs = options.reconcileAfterMs ?? 120_000;
    this.minIntervalMs = options.minIntervalMs ?? 100;
  }

  start(): void {
    this.stopped = false;
    void this.listen();
    this.wake();
  }

  /** Whether commits wake the relay now (its LISTEN connection is up); until then, and while it reconnects, the poll moves them. */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.due = false;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  /** Runs the loop now, right after the current pass, or when the least interval since the last one is over. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    const wait = this.lastPassAt + this.minIntervalMs - Date.now();
    if (wait > 0) {
      if (this.due) return;
      clearTimeout(this.timer);
      this.due = true;
      this.timer = setTimeout(() => {
        this.due = false;
        void this.loop();
      }, wait);
      this.timer.unref();
      return;
    }
    clearTimeout(this.timer);
    this.due = false;
    void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    this.wakeRequested = false;
    let delay = this.pollMs;
    try {
      let moved: number;
      do {
        this.lastPassAt = Date.now();
        moved = await this.relayOnce();
      } while (moved === this.batch && !this.stopped);
      if (Date.now() - this.lastReconcile > Math.min(this.reconcileAfterMs / 2, 60_000)) {
        this.lastReconcile = Date.now();
        await this.reconcileOnce();
      }
      this.failures = 0;
    } catch (error) {
      // Queue or database down: back off (up to 5 s) and try again; nothing is lost, the rows wait.
      this.failures++;
      if (this.failures === 1 || this.failures % 60 === 0) this.options.onError?.('relay', error as Error);
      delay = Math.min(250 * 2 ** Math.min(this.failures, 5), 5000);
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    // Commits during the pass: another pass, once the interval is over (after a failure, after the back-off).
    if (this.wakeRequested && this.failures === 0) return this.wake();
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  /**
   * Moves one batch; returns how many rows it relayed. Two round trips: the
   * transaction's start with the claim of the rows (one simple query: locked
   * with SKIP LOCKED, marked relayed, returned), then its end, after the jobs
   * are in the queue. When the queue refuses them, the transaction rolls back
   * and the rows wait, unmarked. At a few requests a second, each relay pass
   * moves one request's rows: its statements were half the worker's.
   */
  async relayOnce(): Promise<number> {
    const client = await this.pool().connect();
    // pg-pool takes its own 'error' listener off a client it hands out: a connection the server ends while this one
    // is checked out (PostgreSQL restarting) would emit an 'error' nobody hears, and end the process. The query in
    // flight rejects anyway, and the client is then released with the error, so destroyed.
    const ignore = () => undefined;
    client.on('error', ignore);
    let closed = false;
    try {
      // A simple query (no parameters) may hold two statements; the batch size is an integer of ours.
      const [, claimed] = (await client.query(
        `BEGIN; UPDATE outbox SET relayed_at = now() WHERE id IN (
           SELECT id FROM outbox WHERE relayed_at IS NULL ORDER BY created_at LIMIT ${Math.trunc(this.batch)}
           FOR UPDATE SKIP LOCKED
         ) RETURNING id, topic, payload, run_at, created_at`,
      )) as unknown as [unknown, { rows: Array<PendingRow & { created_at: Date }> }];
      const rows = claimed.rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
      try {
        if (rows.length > 0) {
          const installation = await this.installationId();
          await this.queue.enqueueBulk(rows.flatMap((row) => this.toJob(row, installation)));
        }
      } catch (error) {
        await client.query('ROLLBACK');
        closed = true;
        throw error;
      }
      await client.query('COMMIT');
      closed = true;
      return rows.length;
    } finally {
      client.removeListener('error', ignore);
      // A connection whose transaction may still be open is closed, not handed back to the pool.
      client.release(closed ? undefined : new Error('outbox relay: transaction left open'));
    }
  }

  /** TypeORM's pool of pg connections: the relay's claim needs a simple query of two statements. */
  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /**
   * Adds again the jobs of rows relayed long ago and still unfinished. A job
   * still in the queue keeps its id, so this is a no-op for it; one that
   * Redis lost comes back.
   */
  async reconcileOnce(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: PendingRow[] = await manager.query(
        `SELECT id, topic, payload, run_at FROM outbox
         WHERE done_at IS NULL AND failed_at IS NULL AND relayed_at < now() - make_interval(secs => $1)
         ORDER BY relayed_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [this.reconcileAfterMs / 1000, this.batch],
      );
      if (rows.length === 0) return 0;
      const installation = await this.installationId();
      await this.queue.enqueueBulk(rows.flatMap((row) => this.toJob(row, installation)));
      await manager.query(`UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /**
   * Whether this database holds the row a job names. A job whose row is not
   * here belongs to another database (an installation sharing the queue
   * prefix): the worker must not act on it, nor mark it done. A job relayed
   * from this database carries its installation id: no statement is needed
   * for it. Others (an older job, another installation's) are looked up,
   * together with those of concurrent jobs.
   */
  async knows(outboxId: string, installation?: unknown): Promise<boolean> {
    // The id once read is the database's for good: compared without a promise per job.
    if (typeof installation === 'string' && installation === this.installationRead) return true;
    if (typeof installation === 'string' && installation === (await this.installationId())) return true;
    if (!isUuid(outboxId)) return false;
    return this.known.load(outboxId);
  }

  /**
   * Called by a worker when a job's effect is done; resolves once the row is
   * marked (the jobs finishing meanwhile share the statement).
   */
  async markDone(outboxId: string): Promise<void> {
    await this.done.load(outboxId);
  }

  /** Called by a worker when a job used its last attempt: operators see it, reconciliation leaves it alone. */
  async markFailed(outboxId: string, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE outbox SET failed_at = now(), last_error = $2 WHERE id = $1`, [
      outboxId,
      error.slice(0, 500),
    ]);
  }

  /** An operator's retry: the row is relayed again (the caller removes the failed job first). */
  async requeue(outboxId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(OutboxRow)
      .set({ failedAt: null, relayedAt: null, lastError: null })
      .where('id = :id AND failed_at IS NOT NULL', { id: outboxId })
      .execute();
    this.wake();
    return (result.affected ?? 0) > 0;
  }

  /** The installation id of this database (null when it has none yet: jobs then go unstamped). */
  private installationId(): Promise<string | null> {
    if (this.installationRead !== undefined) return Promise.resolve(this.installationRead);
    this.installation ??= this.dataSource
      .query(`SELECT id FROM installation LIMIT 1`)
      .then((rows: Array<{ id: string }>) => {
        const id = rows[0]?.id ?? null;
        if (id !== null) this.installationRead = id;
        return id;
      });
    const found = this.installation;
    // Not kept when it failed or found nothing: asked again next time.
    void found.then(
      (id) => id === null && this.installation === found && (this.installation = undefined),
      () => this.installation === found && (this.installation = undefined),
    );
    return found.catch(() => null);
  }

  private toJob(row: PendingRow, installation: string | null): BulkJob[] {
    // A topic no worker knows would sit in a queue forever: skip it (it stays in the table for operators).
    if (!isOutboxJob(row.topic)) return [];
    const name = row.topic as JobName;
    const delay = row.run_at ? new Date(row.run_at).getTime() - Date.now() : 0;
    const data = { ...row.payload, outboxId: row.id, ...(installation ? { installation } : {}) };
    return [{ name, data: data as never, key: row.id, delay }];
  }

  private async listen(): Promise<void> {
    try {
      const client = new Client({ connectionString: this.databaseUrl, application_name: 'guichet-relay' });
      client.on('error', (error) => {
        this.options.onError?.('listen', error);
        if (this.listener === client) this.listener = undefined;
        if (!this.stopped) setTimeout(() => void this.listen(), 2000).unref();
      });
      client.on('notification', () => this.wake());
      await client.connect();
      await client.query('LISTEN guichet_outbox');
      if (this.stopped) {
        await client.end();
        return;
      }
      this.listener = client;
    } catch (error) {
      this.options.onError?.('listen', error as Error);
      if (!this.stopped) setTimeout(() => void this.listen(), 2000).unref();
    }
  }
}

/** How long a done outbox row is kept: long enough to answer « was it sent? » in the week that follows. */
export const OUTBOX_DONE_KEPT_MS = 7 * 24 * 3600_000;

/**
 * Deletes outbox rows done more than `keptMs` ago, in batches of `batch`
 * (short transactions, no long lock on a busy table); rows not done or failed
 * stay: the relay still owes them, or an operator may retry them. Returns the
 * number deleted.
 */
export async function purgeDoneOutbox(
  dataSource: DataSource,
  { keptMs = OUTBOX_DONE_KEPT_MS, batch = 5000 }: { keptMs?: number; batch?: number } = {},
): Promise<number> {
  let deleted = 0;
  for (;;) {
    // A SELECT over the DELETE: TypeORM answers a bare DELETE with [rows, count], a SELECT with its rows.
    const [{ n }] = (await dataSource.query(
      `WITH gone AS (
         DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE done_at IS NOT NULL AND done_at < now() - make_interval(secs => $1) LIMIT $2
         ) RETURNING 1
       ) SELECT count(*)::int AS n FROM gone`,
      [keptMs / 1000, batch],
    )) as [{ n: number }];
    deleted += n;
    if (n < batch) return deleted;
  }
}
