import type { JobsOptions } from 'bullmq';

/** Every queue Guichet uses. One enum, so a typo cannot create a queue nobody reads. */
export enum QueueName {
  System = 'system',
  Notify = 'notify',
  Webhook = 'webhook',
  Document = 'document',
  Deadline = 'deadline',
  Route = 'route',
  /** Caseworkers' large exports and organisations' archives: long jobs, kept apart so that they never hold up emails or decisions. */
  Export = 'export',
  /** Scheduled housekeeping (purges, notices, digests): one job per task and period, see apps/worker. */
  Housekeeping = 'housekeeping',
}

/**
 * Every job name, once. Producers, the relay, the handlers and the worker
 * name jobs through these constants (or the types below), never by a string
 * typed by hand, so a typo is a compile error rather than a row that no
 * worker reads.
 */
export const JobTopic = {
  SystemPing: 'system.ping',
  NotifyEmail: 'notify.email',
  /** The caseworkers of the organisation who asked for instant emails. */
  NotifyAgents: 'notify.agents',
  WebhookDeliver: 'webhook.deliver',
  DocumentIssue: 'document.issue',
  DeadlineFire: 'deadline.fire',
  SubmissionRoute: 'submission.route',
  /** A caseworker's export too large to stream (desk_export holds what was asked). */
  DeskExport: 'desk.export',
  /** An organisation's archive asked from the studio (organisation_archive holds it). */
  OrganisationArchive: 'organisation.archive',
} as const;

/** What every job about a request born from an outbox row carries: ids only, the database holds the state. */
export interface OutboxJob {
  outboxId: string;
  submissionId: string;
  /** The event (transition) that asked for the effect. */
  eventId: string;
}

/** Payloads carry ids only: the database holds the state. */
export interface JobPayloads {
  [JobTopic.SystemPing]: { pingId: string };
  [JobTopic.NotifyEmail]: OutboxJob & { template: string };
  [JobTopic.NotifyAgents]: OutboxJob & { kind: 'new_request' | 'citizen_message' };
  [JobTopic.WebhookDeliver]: OutboxJob;
  [JobTopic.DocumentIssue]: OutboxJob & { template: string };
  [JobTopic.DeadlineFire]: OutboxJob & { transition: string };
  [JobTopic.SubmissionRoute]: OutboxJob;
  /** No submission: the export row says what to do. */
  [JobTopic.DeskExport]: { outboxId: string; exportId: string };
  /** No submission: the archive row says which organisation. */
  [JobTopic.OrganisationArchive]: { outboxId: string; archiveId: string };
}

export type JobName = keyof JobPayloads;
/** Jobs that come from the outbox (everything but the diagnostic ping). */
export type OutboxJobName = Exclude<JobName, typeof JobTopic.SystemPing>;
/** What a producer writes in an outbox row: the payload less the row's own id, which the relay adds. */
export type OutboxPayload<N extends OutboxJobName> = Omit<JobPayloads[N], 'outboxId'>;
/** The queues fed by the outbox (the system and housekeeping queues have workers of their own). */
export type OutboxQueue = Exclude<QueueName, QueueName.System | QueueName.Housekeeping>;

/** The queue of each job, declared once: the producer, the relay and the worker all read it here. */
export const JOB_QUEUE = {
  [JobTopic.SystemPing]: QueueName.System,
  [JobTopic.NotifyEmail]: QueueName.Notify,
  [JobTopic.NotifyAgents]: QueueName.Notify,
  [JobTopic.WebhookDeliver]: QueueName.Webhook,
  [JobTopic.DocumentIssue]: QueueName.Document,
  [JobTopic.DeadlineFire]: QueueName.Deadline,
  [JobTopic.SubmissionRoute]: QueueName.Route,
  [JobTopic.DeskExport]: QueueName.Export,
  [JobTopic.OrganisationArchive]: QueueName.Export,
} as const satisfies Readonly<
  Record<typeof JobTopic.SystemPing, QueueName.System> & Record<OutboxJobName, OutboxQueue>
>;

/** The outbox jobs, for start-up checks (every one has a handler) and the relay. */
export const OUTBOX_JOBS: readonly OutboxJobName[] = Object.values(JobTopic).filter(
  (name): name is OutboxJobName => name !== JobTopic.SystemPing,
);

export function isOutboxJob(name: string): name is OutboxJobName {
  return name !== JobTopic.SystemPing && Object.prototype.hasOwnProperty.call(JOB_QUEUE, name);
}

/**
 * Throws unless `handled` names every outbox job and nothing else: a worker
 * missing a handler would let that job's rows sit in their queue forever.
 */
export function assertEveryOutboxJobHandled(handled: Iterable<string>): void {
  const names = new Set(handled);
  const missing = OUTBOX_JOBS.filter((name) => !names.has(name));
  const unknown = [...names].filter((name) => !isOutboxJob(name));
  if (missing.length || unknown.length) {
    throw new Error(
      `outbox job handlers do not match the registry: missing ${missing.join(', ') || 'none'}, unknown ${unknown.join(', ') || 'none'}`,
    );
  }
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
  [JobTopic.SystemPing]: {
    ...DEFAULT_JOB_OPTIONS,
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  },
  [JobTopic.NotifyEmail]: DEFAULT_JOB_OPTIONS,
  [JobTopic.NotifyAgents]: DEFAULT_JOB_OPTIONS,
  [JobTopic.WebhookDeliver]: {
    ...DEFAULT_JOB_OPTIONS,
    attempts: WEBHOOK_RETRY_SCHEDULE_S.length + 1,
    backoff: { type: 'webhook' },
  },
  [JobTopic.DocumentIssue]: DEFAULT_JOB_OPTIONS,
  [JobTopic.DeadlineFire]: DEFAULT_JOB_OPTIONS,
  [JobTopic.SubmissionRoute]: DEFAULT_JOB_OPTIONS,
  // A run that fails (database gone, storage full) is tried again a few times, then the export says « failed ».
  [JobTopic.DeskExport]: { ...DEFAULT_JOB_OPTIONS, attempts: 4 },
  // The same for an organisation's archive: a few runs, then « failed ».
  [JobTopic.OrganisationArchive]: { ...DEFAULT_JOB_OPTIONS, attempts: 4 },
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
