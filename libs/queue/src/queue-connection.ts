import { hostname } from 'node:os';
import { Queue, Worker, createPostgresBackend, type Job, type JobsOptions, type BackendFactory } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_OPTIONS, JOB_QUEUE, QueueName, jobId, retryDelay, type JobName, type JobPayloads } from './jobs';
import type { QueueBackendKind } from './backend';

export interface QueueSettings {
  kind: QueueBackendKind;
  redisUrl?: string;
  /** The PostgreSQL backend keeps its tables in this database (schema `bullmq`). */
  databaseUrl: string;
  /**
   * Namespaces Redis keys; wrapped in a hash tag so that Redis Cluster keeps a queue on one slot. Required
   * with Redis: `resolveInstallation` gives the installation's own (never a shared default).
   */
  prefix?: string;
  /** Multiplies every retry delay: 1 in production, tiny in tests that wait for retries. */
  retryScale?: number;
  /** Longest wait for the backend when adding jobs in bulk (default 5 s). */
  timeoutMs?: number;
  /**
   * Longest wait, on close, for running jobs to end and for the backend to say goodbye (default 10 s). Past it the
   * connections are dropped: a graceful close waits for Redis forever when Redis is gone.
   */
  closeGraceMs?: number;
}

export interface BulkJob<N extends JobName = JobName> {
  name: N;
  data: JobPayloads[N];
  key: string;
  /** Milliseconds before the job may run (deadlines). */
  delay?: number;
}

export type JobHandler = (job: Job) => Promise<unknown>;

/**
 * The one door to BullMQ: builds producers and workers on the backend chosen
 * at boot (Redis or BullMQ's PostgreSQL backend), so the rest of the code
 * never knows which one runs.
 */
export class QueueConnection {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private producerClient?: Redis;
  /** BullMQ leaves clients it was handed open: we close them ourselves. */
  private readonly ownedClients: Redis[] = [];

  constructor(readonly settings: QueueSettings) {
    if (settings.kind === 'redis' && !settings.redisUrl) throw new Error('redisUrl is required for the redis backend');
    if (settings.kind === 'redis' && !settings.prefix) {
      throw new Error('a queue prefix is required for the redis backend (resolveInstallation gives the default one)');
    }
  }

  get kind(): QueueBackendKind {
    return this.settings.kind;
  }

  private postgresConnection(max: number) {
    return {
      connectionString: this.settings.databaseUrl,
      schema: 'bullmq',
      migrate: true,
      max,
      connectionTimeoutMillis: 3000,
      application_name: 'guichet-queue',
    };
  }

  private get prefix(): string {
    return `{${this.settings.prefix}}`;
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (queue) return queue;
    if (this.settings.kind === 'postgres') {
      queue = new Queue(
        name,
        { connection: this.postgresConnection(4) },
        createPostgresBackend as BackendFactory,
      ) as Queue;
    } else {
      // Producers fail fast when Redis is down (no offline queue), so a request
      // never hangs waiting for it; callers decide what failing means.
      this.producerClient ??= this.own(
        new Redis(this.settings.redisUrl!, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
        }),
      );
      queue = new Queue(name, { connection: this.producerClient, prefix: this.prefix });
    }
    queue.on('error', () => undefined);
    this.queues.set(name, queue);
    return queue;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], key: string): Promise<string> {
    const job = await this.queue(JOB_QUEUE[name]).add(name, payload, { ...JOB_OPTIONS[name], jobId: jobId(name, key) });
    return job.id!;
  }

  /** Adds many jobs at once, grouped by queue; a job whose id exists already is left as it is. */
  async enqueueBulk(jobs: readonly BulkJob[]): Promise<void> {
    const byQueue = new Map<QueueName, BulkJob[]>();
    for (const job of jobs) {
      const queue = JOB_QUEUE[job.name];
      const group = byQueue.get(queue);
      if (group) group.push(job);
      else byQueue.set(queue, [job]);
    }
    for (const [queue, group] of byQueue) {
      // A client that never connected waits for Redis forever: bound it, so that the caller's transaction
      // (and its row locks) ends. A late add is harmless: the ids are deterministic.
      await withTimeout(
        this.queue(queue).addBulk(
          group.map((job) => ({
            name: job.name,
            data: job.data,
            opts: {
              ...JOB_OPTIONS[job.name],
              jobId: jobId(job.name, job.key),
              ...(job.delay && job.delay > 0 ? { delay: job.delay } : {}),
            },
          })),
        ),
        this.settings.timeoutMs ?? 5000,
        `queue ${queue} did not answer`,
      );
    }
  }

  /**
   * Creates or updates a job scheduler: one job `jobName` every `everyMs`,
   * whatever the number of processes that call this (the scheduler's id makes
   * each period's job unique). Works on both backends: BullMQ's PostgreSQL
   * backend keeps schedulers in its `bullmq.scheduler` table.
   */
  async schedule(
    name: QueueName,
    schedulerId: string,
    everyMs: number,
    jobName: string,
    opts: Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>,
  ): Promise<void> {
    // The first run comes one period after the scheduler is created (as the hourly timer it replaces), not at
    // once: upserting it again (every worker start) keeps the next run where it was.
    await this.queue(name).upsertJobScheduler(
      schedulerId,
      { every: everyMs, startDate: Date.now() + everyMs },
      { name: jobName, data: {}, opts },
    );
  }

  /** Starts a worker on a queue; `handlers` maps job names to their handler. */
  startWorker(
    name: QueueName,
    handlers: Partial<Record<JobName, JobHandler>> | Readonly<Record<string, JobHandler>>,
    concurrency = 4,
  ): Worker {
    const processor = async (job: Job) => {
      const handler = (handlers as Record<string, JobHandler | undefined>)[job.name];
      if (!handler) throw new Error(`No handler for job ${job.name} on queue ${name}`);
      return handler(job);
    };
    const scale = this.settings.retryScale ?? 1;
    const settings = {
      backoffStrategy: (attemptsMade: number, type?: string) => retryDelay(attemptsMade, type, scale),
    };
    const worker =
      this.settings.kind === 'postgres'
        ? (new Worker(
            name,
            processor,
            { connection: this.postgresConnection(concurrency + 2), concurrency, settings, maxStalledCount: 3 },
            createPostgresBackend as BackendFactory,
          ) as Worker)
        : new Worker(name, processor, {
            connection: this.own(new Redis(this.settings.redisUrl!, { maxRetriesPerRequest: null })),
            prefix: this.prefix,
            concurrency,
            settings,
            // A job whose worker died is handed to another one; only after three such deaths is it failed for good.
            maxStalledCount: 3,
          });
    this.workers.push(worker);
    return worker;
  }

  /** Throws when the backend does not answer; the readiness probe bounds how long it may take. */
  async check(): Promise<void> {
    await this.queue(QueueName.System).getJobCounts('waiting');
  }

  /** Called by Nest when the application stops. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    const graceful = (async () => {
      await Promise.allSettled(this.workers.map((w) => w.close()));
      await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    })();
    const ended = await withTimeout(graceful, this.settings.closeGraceMs ?? 10_000, 'close').then(
      () => true,
      () => false,
    );
    if (!ended) {
      // The backend is unreachable: a job still running will be handed to another worker once its lock expires
      // (at-least-once, as after a crash). Stop the retries and let the process end.
      for (const worker of this.workers) void worker.close(true).catch(() => undefined);
      for (const worker of this.workers) stopWorkerTimers(worker);
      for (const worker of this.workers) void worker.disconnect().catch(() => undefined);
      for (const queue of this.queues.values()) void queue.disconnect().catch(() => undefined);
    }
    for (const client of this.ownedClients) client.disconnect();
  }

  private own(client: Redis): Redis {
    // Errors surface through the queue and worker; an unhandled 'error' event would crash the process.
    client.on('error', () => undefined);
    this.ownedClients.push(client);
    return client;
  }
}

/**
 * A worker whose graceful close is stuck on an unreachable backend keeps two timers of its own armed: the lock
 * renewal (every lockDuration / 2, forever) and the stalled-jobs check. Its close runs the steps that clear them
 * only after the stuck one, so they would keep the process alive; clear them here. BullMQ 6 keeps both on the
 * worker without exposing them: read defensively, so a BullMQ without them changes nothing.
 */
function stopWorkerTimers(worker: Worker): void {
  const internals = worker as unknown as {
    lockManager?: { close?: () => Promise<void> };
    stalledCheckStopper?: () => void;
  };
  void internals.lockManager?.close?.().catch(() => undefined);
  internals.stalledCheckStopper?.();
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
