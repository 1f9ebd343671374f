import type { JobsOptions } from 'bullmq';

/** Every queue Guichet uses. One enum, so a typo cannot create a queue nobody reads. */
export enum QueueName {
  System = 'system',
  Notify = 'notify',
  Webhook = 'webhook',
  Document = 'document',
  Deadline = 'deadline',
  Route = 'route',
  /** Caseworkers' large exports: long jobs, kept apart so that they never hold up emails or decisions. */
  Export = 'export',
  /** Scheduled housekeeping (purges, notices, digests): one job per task and period, see apps/worker. */
  Housekeeping = 'housekeeping',
}

/** What every job born from an outbox row carries: ids only, the database holds the state. */
export interface OutboxJob {
  outboxId: string;
  submissionId: string;
  /** The event (transition) that asked for the effect. */
  eventId: string;
}

/** Payloads carry ids only: the database holds the state. */
export interface JobPayloads {
  'system.ping': { pingId: string };
  'notify.email': OutboxJob & { template: string };
  /** The caseworkers of the organisation who asked for instant emails. */
  'notify.agents': OutboxJob & { kind: 'new_request' | 'citizen_message' };
  'webhook.deliver': OutboxJob;
  'document.issue': OutboxJob & { template: string };
  'deadline.fire': OutboxJob & { transition: string };
  'submission.route': OutboxJob;
  /** A caseworker's export too large to stream (desk_export holds what was asked); no submission. */
  'desk.export': { outboxId: string; exportId: string };
}

export type JobName = keyof JobPayloads;
/** Jobs that come from the outbox (everything but the diagnostic ping). */
export type OutboxJobName = Exclude<JobName, 'system.ping'>;

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  'system.ping': QueueName.System,
  'notify.email': QueueName.Notify,
  'notify.agents': QueueName.Notify,
  'webhook.deliver': QueueName.Webhook,
  'document.issue': QueueName.Document,
  'deadline.fire': QueueName.Deadline,
  'submission.route': QueueName.Route,
  'desk.export': QueueName.Export,
};

export function isOutboxJob(name: string): name is OutboxJobName {
  return name !== 'system.ping' && Object.prototype.hasOwnProperty.call(JOB_QUEUE, name);
}

/** Attempts and backoff for every job, in one place. Failed jobs are kept for operators. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'standard' },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
};

/**
 * Webhook receivers get about a day to come back: retries after about 10 s,
 * 1 min, 5 min, 30 min, 1 h, 3 h, 6 h and 12 h (each ±20 %).
 */
export const WEBHOOK_RETRY_SCHEDULE_S = [10, 60, 300, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600];

export const JOB_OPTIONS: Readonly<Record<JobName, JobsOptions>> = {
  'system.ping': { ...DEFAULT_JOB_OPTIONS, attempts: 3, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 } },
  'notify.email': DEFAULT_JOB_OPTIONS,
  'notify.agents': DEFAULT_JOB_OPTIONS,
  'webhook.deliver': {
    ...DEFAULT_JOB_OPTIONS,
    attempts: WEBHOOK_RETRY_SCHEDULE_S.length + 1,
    backoff: { type: 'webhook' },
  },
  'document.issue': DEFAULT_JOB_OPTIONS,
  'deadline.fire': DEFAULT_JOB_OPTIONS,
  'submission.route': DEFAULT_JOB_OPTIONS,
  // A run that fails (database gone, storage full) is tried again a few times, then the export says « failed ».
  'desk.export': { ...DEFAULT_JOB_OPTIONS, attempts: 4 },
};

/**
 * Delay before retry number `attemptsMade` (1 after the first failure):
 * jittered exponential from 2 s up to 10 min, or the webhook schedule.
 * `scale` shrinks every delay (tests run a day of retries in seconds).
 */
export function retryDelay(attemptsMade: number, type: string | undefined, scale = 1, random = Math.random): number {
  const jitter = 0.8 + random() * 0.4;
  const base =
    type === 'webhook'
      ? WEBHOOK_RETRY_SCHEDULE_S[Math.min(Math.max(attemptsMade, 1), WEBHOOK_RETRY_SCHEDULE_S.length) - 1]! * 1000
      : Math.min(2000 * 2 ** Math.max(attemptsMade - 1, 0), 600_000);
  return Math.round(base * jitter * scale);
}

/** Deterministic job ids make a second enqueue of the same effect a no-op. */
export function jobId(name: JobName, key: string): string {
  // BullMQ reserves ':' in custom ids.
  return `${name.replace(/\./g, '-')}-${key}`.replace(/:/g, '_');
}
