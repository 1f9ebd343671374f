import type { Worker } from 'bullmq';
import { QueueConnection, QueueName } from '@guichet/queue';

/** One housekeeping task: its own scheduled job, its own retries, its own failures. */
export interface HousekeepingTask {
  /** Stable name: the scheduler's id is `housekeeping-<name>`, the job's name `housekeeping.<name>`. */
  name: string;
  everyMs: number;
  /** Returns how many things it did (rows deleted, emails queued…), for the log line. */
  run(): Promise<number>;
  /** What the count means, in the log line (`orphaned attachments removed`). */
  did: string;
}

export interface HousekeepingLog {
  info(entry: Record<string, unknown>): void;
  warn(entry: Record<string, unknown>): void;
  error(entry: Record<string, unknown>): void;
}

/** Three tries, a few seconds apart (scaled in tests), then the job stays failed for operators. */
export const HOUSEKEEPING_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'standard' },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { count: 1000 },
};

/**
 * Housekeeping as BullMQ job schedulers (Redis, or BullMQ's PostgreSQL
 * backend, which implements the same schedulers): every worker process
 * upserts the same schedulers, and the queue makes one job per task and
 * period, which one worker takes. So with three workers a purge runs once an
 * hour, not three times; and one task failing (storage down) fails its own
 * job, retried on its own, while the others run.
 */
export class Housekeeping {
  private worker?: Worker;

  constructor(
    private readonly queue: QueueConnection,
    private readonly tasks: readonly HousekeepingTask[],
    private readonly log: HousekeepingLog,
  ) {}

  /** Starts taking the tasks' jobs and upserts their schedulers (called again while the queue does not answer). */
  async start(concurrency = 1): Promise<void> {
    if (!this.worker) this.startWorker(concurrency);
    for (const task of this.tasks) {
      await this.queue.schedule(
        QueueName.Housekeeping,
        `housekeeping-${task.name}`,
        task.everyMs,
        jobName(task),
        HOUSEKEEPING_JOB_OPTIONS,
      );
    }
  }

  private startWorker(concurrency: number): void {
    const handlers = Object.fromEntries(this.tasks.map((task) => [jobName(task), () => this.runTask(task)]));
    this.worker = this.queue.startWorker(QueueName.Housekeeping, handlers, concurrency);
    this.worker.on('failed', (job, error) => {
      // finishedOn is set only when BullMQ gives up: the last attempt. That is the alert; earlier ones are retries.
      const final = typeof job?.finishedOn === 'number';
      this.log[final ? 'error' : 'warn']({
        msg: final ? 'housekeeping task failed' : 'housekeeping task failed, will retry',
        task: job?.name,
        jobId: job?.id,
        attempts: job?.attemptsMade,
        final,
        err: error.message,
      });
    });
    this.worker.on('error', (error) => this.log.error({ queue: QueueName.Housekeeping, err: error.message }));
  }

  async stop(): Promise<void> {
    await this.worker?.close();
  }

  /** Runs every task now, each on its own (a failure is logged and does not stop the next); for tests and operators. */
  async runAll(): Promise<Record<string, number | Error>> {
    const outcome: Record<string, number | Error> = {};
    for (const task of this.tasks) {
      outcome[task.name] = await this.runTask(task).catch((error: Error) => {
        this.log.warn({ msg: 'housekeeping task failed', task: jobName(task), err: error.message });
        return error;
      });
    }
    return outcome;
  }

  private async runTask(task: HousekeepingTask): Promise<number> {
    const count = await task.run();
    if (count) this.log.info({ msg: task.did, task: jobName(task), count });
    return count;
  }
}

function jobName(task: HousekeepingTask): string {
  return `housekeeping.${task.name}`;
}
