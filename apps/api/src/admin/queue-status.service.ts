import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { JOB_QUEUE, OutboxStatusRepository, QueueConnection, QueueName, jobId, isOutboxJob } from '@guichet/queue';
import { AppError, isUuid, type OrganisationId } from '@guichet/shared';
import { MetricsService } from '../metrics/metrics.service';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

export interface QueueCounts {
  name: QueueName;
  counts: Partial<Record<(typeof STATES)[number], number>> | null;
}

export interface FailedRow {
  id: string;
  topic: string;
  submissionId: string | null;
  createdAt: string;
  failedAt: string;
  lastError: string | null;
}

export interface QueueStatus {
  queues: QueueCounts[];
  outbox: { waitingRelay: number; unfinished: number; failed: number };
  failed: FailedRow[];
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}

/**
 * What operators need at 2 a.m.: jobs per queue and state, outbox rows not
 * yet relayed or not yet done, and the jobs that failed for good (with a
 * retry). Also exported as Prometheus gauges.
 */
@Injectable()
export class QueueStatusService {
  private readonly outbox: OutboxStatusRepository;

  constructor(
    dataSource: DataSource,
    private readonly queue: QueueConnection,
    metrics: MetricsService,
  ) {
    this.outbox = new OutboxStatusRepository(dataSource.manager);
    const queueCounts = this.queueCounts.bind(this);
    new Gauge({
      name: 'guichet_queue_jobs',
      help: 'Jobs per queue and state (absent when the queue backend does not answer).',
      labelNames: ['queue', 'state'] as const,
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const queue of await queueCounts()) {
          for (const [state, count] of Object.entries(queue.counts ?? {}))
            this.set({ queue: queue.name, state }, count);
        }
      },
    });
    const outbox = this.outbox;
    new Gauge({
      name: 'guichet_outbox_rows',
      help: 'Outbox rows: waiting_relay (not yet in a queue), unfinished (in a queue, not done), failed (for good).',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
      async collect() {
        const counts = await outbox.countsInAnyOrganisation().catch(() => null);
        if (!counts) return;
        this.set({ state: 'waiting_relay' }, counts.waitingRelay);
        this.set({ state: 'unfinished' }, counts.unfinished);
        this.set({ state: 'failed' }, counts.failed);
      },
    });
  }

  /** Queue counts are global (queues are the installation's); outbox rows only those of `organisations`. */
  async read(organisations: readonly OrganisationId[]): Promise<QueueStatus> {
    const [queues, outbox, failed] = await Promise.all([
      this.queueCounts(),
      this.outbox.counts(organisations),
      this.outbox.failed(organisations),
    ]);
    return {
      queues,
      outbox,
      failed: failed.map((row) => ({
        id: row.id,
        topic: row.topic,
        submissionId: row.submissionId,
        createdAt: row.createdAt.toISOString(),
        failedAt: row.failedAt.toISOString(),
        lastError: row.lastError,
      })),
    };
  }

  private queueCounts(): Promise<QueueCounts[]> {
    return Promise.all(
      Object.values(QueueName).map(async (name) => ({
        name,
        counts: await within(this.queue.queue(name).getJobCounts(...STATES), 1000).catch(() => null),
      })),
    );
  }

  /**
   * Retries a job that failed for good: the failed job is removed from its
   * queue and the row relayed again, which adds it back under the same id.
   */
  async retry(outboxId: string, organisations: readonly OrganisationId[]): Promise<{ id: string; status: 'requeued' }> {
    if (!isUuid(outboxId)) throw new AppError('NOT_FOUND');
    const row = await this.outbox.failedOne(organisations, outboxId);
    if (!row || !isOutboxJob(row.topic)) throw new AppError('NOT_FOUND');
    try {
      const job = await this.queue.queue(JOB_QUEUE[row.topic]).getJob(jobId(row.topic, row.id));
      await job?.remove();
    } catch (error) {
      throw new AppError('SERVICE_UNAVAILABLE', { params: { dependencies: 'file de travaux' }, cause: error });
    }
    await this.outbox.requeue(row.organisationId, row.id);
    return { id: row.id, status: 'requeued' };
  }
}
