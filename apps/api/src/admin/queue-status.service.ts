import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { JOB_QUEUE, QueueConnection, QueueName, jobId, isOutboxJob } from '@guichet/queue';
import { AppError, isUuid } from '@guichet/shared';
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
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueueConnection,
    metrics: MetricsService,
  ) {
    const status = () => this.read(null);
    new Gauge({
      name: 'guichet_queue_jobs',
      help: 'Jobs per queue and state (absent when the queue backend does not answer).',
      labelNames: ['queue', 'state'] as const,
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const queue of (await status()).queues) {
          for (const [state, count] of Object.entries(queue.counts ?? {}))
            this.set({ queue: queue.name, state }, count);
        }
      },
    });
    const outbox = this.outboxCounts.bind(this);
    new Gauge({
      name: 'guichet_outbox_rows',
      help: 'Outbox rows: waiting_relay (not yet in a queue), unfinished (in a queue, not done), failed (for good).',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
      async collect() {
        const counts = await outbox(null).catch(() => null);
        if (!counts) return;
        this.set({ state: 'waiting_relay' }, counts.waitingRelay);
        this.set({ state: 'unfinished' }, counts.unfinished);
        this.set({ state: 'failed' }, counts.failed);
      },
    });
  }

  /** Queue counts are global; outbox rows only those of `organisationIds` (null: all, for metrics). */
  async read(organisationIds: readonly string[] | null): Promise<QueueStatus> {
    const names = Object.values(QueueName);
    const queues = await Promise.all(
      names.map(async (name) => ({
        name,
        counts: await within(this.queue.queue(name).getJobCounts(...STATES), 1000).catch(() => null),
      })),
    );
    const [outbox, failed] = await Promise.all([this.outboxCounts(organisationIds), this.failedRows(organisationIds)]);
    return { queues, outbox, failed };
  }

  private async outboxCounts(organisationIds: readonly string[] | null) {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE relayed_at IS NULL)::int AS "waitingRelay",
              count(*) FILTER (WHERE relayed_at IS NOT NULL AND done_at IS NULL AND failed_at IS NULL)::int AS unfinished,
              count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed
         FROM outbox WHERE done_at IS NULL AND ($1::uuid[] IS NULL OR organisation_id = ANY($1::uuid[]))`,
      [organisationIds],
    )) as Array<{ waitingRelay: number; unfinished: number; failed: number }>;
    return row!;
  }

  private async failedRows(organisationIds: readonly string[] | null): Promise<FailedRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, topic, payload->>'submissionId' AS "submissionId", created_at, failed_at, last_error
         FROM outbox WHERE failed_at IS NOT NULL AND ($1::uuid[] IS NULL OR organisation_id = ANY($1::uuid[]))
        ORDER BY failed_at DESC LIMIT 200`,
      [organisationIds],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as string,
      topic: r.topic as string,
      submissionId: (r.submissionId as string | null) ?? null,
      createdAt: (r.created_at as Date).toISOString(),
      failedAt: (r.failed_at as Date).toISOString(),
      lastError: (r.last_error as string | null) ?? null,
    }));
  }

  /**
   * Retries a job that failed for good: the failed job is removed from its
   * queue and the row relayed again, which adds it back under the same id.
   */
  async retry(outboxId: string, organisationIds: readonly string[]): Promise<{ id: string; status: 'requeued' }> {
    if (!isUuid(outboxId)) throw new AppError('NOT_FOUND');
    const [row] = (await this.dataSource.query(
      `SELECT id, topic FROM outbox WHERE id = $1 AND failed_at IS NOT NULL AND organisation_id = ANY($2::uuid[])`,
      [outboxId, organisationIds],
    )) as Array<{ id: string; topic: string }>;
    if (!row || !isOutboxJob(row.topic)) throw new AppError('NOT_FOUND');
    try {
      const job = await this.queue.queue(JOB_QUEUE[row.topic]).getJob(jobId(row.topic, row.id));
      await job?.remove();
    } catch (error) {
      throw new AppError('SERVICE_UNAVAILABLE', { params: { dependencies: 'file de travaux' }, cause: error });
    }
    await this.dataSource.query(
      `UPDATE outbox SET failed_at = NULL, relayed_at = NULL, last_error = NULL WHERE id = $1`,
      [row.id],
    );
    return { id: row.id, status: 'requeued' };
  }
}
