import type { JobsOptions } from 'bullmq';

/** Every queue Guichet uses. One enum, so a typo cannot create a queue nobody reads. */
export enum QueueName {
  System = 'system',
}

/** Payloads carry ids only: the database holds the state. */
export interface JobPayloads {
  'system.ping': { pingId: string };
}

export type JobName = keyof JobPayloads;

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  'system.ping': QueueName.System,
};

/** Attempts and backoff for every job, in one place. Failed jobs are kept for operators. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
};

export const JOB_OPTIONS: Readonly<Record<JobName, JobsOptions>> = {
  'system.ping': { ...DEFAULT_JOB_OPTIONS, attempts: 3 },
};

/** Deterministic job ids make a second enqueue of the same effect a no-op. */
export function jobId(name: JobName, key: string): string {
  // BullMQ reserves ':' in custom ids.
  return `${name.replace(/\./g, '-')}-${key}`.replace(/:/g, '_');
}
