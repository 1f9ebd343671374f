import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Mailer, Notifications } from '@guichet/notify';
import {
  JOB_QUEUE,
  JobTopic,
  OutboxRelay,
  QueueConnection,
  QueueName,
  RowDone,
  assertEveryOutboxJobHandled,
  type JobHandler,
  type JobName,
  type JobPayloads,
  type OutboxJobName,
  type OutboxQueue,
} from '@guichet/queue';
import { Documents, Transitions } from '@guichet/submissions';
import { DeskExports, OrganisationArchives } from '@guichet/desk';
import { UnknownJobError } from '../system/unknown-job.error';

type Handlers = { [N in OutboxJobName]: (data: JobPayloads[N]) => Promise<unknown> };

/** Concurrency per queue in one worker process: emails and webhooks wait on the network, the rest on PostgreSQL. */
const CONCURRENCY: Readonly<Record<OutboxQueue, number>> = {
  [QueueName.Notify]: 8,
  [QueueName.Webhook]: 8,
  [QueueName.Document]: 2,
  [QueueName.Deadline]: 2,
  // Route jobs are mostly one read each, shared by the jobs running together (Batched): the more run at once, the
  // fewer statements per job. A request not routed yet takes one short transaction, waiting for a pool connection.
  [QueueName.Route]: 32,
  // One large export at a time per worker process: it reads PostgreSQL and compresses for minutes.
  [QueueName.Export]: 1,
};

/** On BullMQ's PostgreSQL backend each job running at once holds a database connection of its own: fewer there. */
const POSTGRES_CONCURRENCY: Partial<Record<OutboxQueue, number>> = { [QueueName.Route]: 4 };

/**
 * The workers that carry out what transitions decided, and the outbox relay
 * that feeds them. Every handler is idempotent (it checks whether its effect
 * already happened); on success the outbox row is marked done (by the
 * handler's own last statement when it answers RowDone, else here), after
 * the last attempt it is marked failed, for operators.
 */
@Injectable()
export class WorkflowWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkflowWorkers.name);

  constructor(
    private readonly queue: QueueConnection,
    private readonly relay: OutboxRelay,
    private readonly notifications: Notifications,
    private readonly documents: Documents,
    private readonly transitions: Transitions,
    private readonly mailer: Mailer,
    private readonly exports: DeskExports,
    private readonly archives: OrganisationArchives,
  ) {}

  /** One handler per outbox job: the type demands each, and start-up checks it again (see handled()). */
  private readonly handlers: Handlers = {
    [JobTopic.NotifyEmail]: (data) => this.notifications.email(data),
    [JobTopic.NotifyAgents]: (data) => this.notifications.agents(data),
    [JobTopic.WebhookDeliver]: (data) => this.notifications.webhook(data),
    [JobTopic.DocumentIssue]: (data) =>
      this.documents.ensure(data.submissionId, data.eventId, data.template).then((d) => `issued ${d.id}`),
    [JobTopic.DeadlineFire]: (data) => this.transitions.fireDeadline(data.submissionId, data.eventId, data.transition),
    [JobTopic.SubmissionRoute]: (data) => this.transitions.route(data),
    [JobTopic.DeskExport]: (data) => this.exports.run(data.exportId),
    [JobTopic.OrganisationArchive]: (data) => this.archives.run(data.archiveId),
  };

  /** The job names this worker handles. */
  handled(): string[] {
    return Object.keys(this.handlers);
  }

  onApplicationBootstrap(): void {
    assertEveryOutboxJobHandled(this.handled());
    const byQueue = new Map<OutboxQueue, Partial<Record<JobName, JobHandler>>>();
    for (const [name, handler] of Object.entries(this.handlers) as Array<[OutboxJobName, Handlers[OutboxJobName]]>) {
      const queue = JOB_QUEUE[name];
      byQueue.set(queue, {
        ...byQueue.get(queue),
        [name]: async (job: Job) => {
          const { outboxId, installation } = job.data as { outboxId: string; installation?: unknown };
          // Never act on (or complete) a job this database does not know: it fails, visibly, with why.
          if (!(await this.relay.knows(outboxId, installation))) throw new UnknownJobError(`outbox row ${outboxId}`);
          const result = await (handler as (data: unknown) => Promise<unknown>)(job.data);
          // A handler that marked its row done with its effect says so (the receipt email when sent, the route job);
          // for any other answer the row is marked here, with those of the jobs finishing meanwhile.
          if (result instanceof RowDone) return result.result;
          await this.relay.markDone(outboxId);
          return result;
        },
      });
    }
    for (const [queue, handlers] of byQueue) {
      const concurrency = (this.queue.kind === 'postgres' && POSTGRES_CONCURRENCY[queue]) || CONCURRENCY[queue];
      const worker = this.queue.startWorker(queue, handlers, concurrency);
      worker.on('failed', (job, error) => {
        // finishedOn is set only when BullMQ gives up: the last attempt, or an unrecoverable error.
        const final = typeof job?.finishedOn === 'number';
        this.logger.warn({
          queue,
          job: job?.name,
          jobId: job?.id,
          attempts: job?.attemptsMade,
          final,
          err: error.message,
        });
        const outboxId = (job?.data as { outboxId?: string } | undefined)?.outboxId;
        if (final && outboxId) {
          this.relay
            .markFailed(outboxId, error.message)
            .catch((e: Error) =>
              this.logger.error({ msg: 'could not record a failed job', jobId: job?.id, err: e.message }),
            );
        }
      });
      worker.on('error', (error) => this.logger.error({ queue, err: error.message }));
    }
    this.relay.start();
    this.logger.log({ msg: 'workflow workers started', queues: [...byQueue.keys()], backend: this.queue.kind });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    this.mailer.close();
  }
}
