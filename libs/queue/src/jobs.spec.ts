import {
  JOB_OPTIONS,
  JOB_QUEUE,
  JobTopic,
  OUTBOX_JOBS,
  QueueName,
  WEBHOOK_RETRY_SCHEDULE_S,
  assertEveryOutboxJobHandled,
  isOutboxJob,
  jobId,
  retryDelay,
  type JobName,
  type JobPayloads,
} from './jobs';

describe('retryDelay', () => {
  it('grows exponentially from 2 s and stops at 10 min, within ±20 %', () => {
    expect(retryDelay(1, 'standard', 1, () => 0.5)).toBe(2000);
    expect(retryDelay(2, 'standard', 1, () => 0.5)).toBe(4000);
    expect(retryDelay(30, 'standard', 1, () => 0.5)).toBe(600_000);
    expect(retryDelay(1, 'standard', 1, () => 0)).toBe(1600);
    expect(retryDelay(1, 'standard', 1, () => 0.999999)).toBe(2400);
  });

  it('spreads webhook retries over about a day', () => {
    const total = WEBHOOK_RETRY_SCHEDULE_S.reduce((sum, s) => sum + s, 0);
    expect(total / 3600).toBeGreaterThan(20);
    expect(total / 3600).toBeLessThan(30);
    expect(retryDelay(1, 'webhook', 1, () => 0.5)).toBe(10_000);
    expect(retryDelay(8, 'webhook', 1, () => 0.5)).toBe(12 * 3600_000);
    expect(retryDelay(99, 'webhook', 1, () => 0.5)).toBe(12 * 3600_000);
    expect(JOB_OPTIONS['webhook.deliver'].attempts).toBe(WEBHOOK_RETRY_SCHEDULE_S.length + 1);
  });

  it('scales every delay down for tests', () => {
    expect(retryDelay(3, 'webhook', 0.001, () => 0.5)).toBe(300);
  });
});

describe('job names', () => {
  it('tells outbox jobs from the diagnostic ping', () => {
    expect(isOutboxJob('notify.email')).toBe(true);
    expect(isOutboxJob('system.ping')).toBe(false);
    expect(isOutboxJob('constructor')).toBe(false);
  });

  it('makes ids BullMQ accepts', () => {
    expect(jobId('notify.email', 'a:b')).toBe('notify-email-a_b');
  });
});

describe('the job registry', () => {
  // Type-level: the constants and the payload types name the same jobs, in both directions.
  type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
  const constantsArePayloads: Same<(typeof JobTopic)[keyof typeof JobTopic], keyof JobPayloads> = true;

  it('names every job once, with a queue and options', () => {
    expect(constantsArePayloads).toBe(true);
    const names = Object.values(JobTopic);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(JOB_QUEUE).sort()).toEqual([...names].sort());
    expect(Object.keys(JOB_OPTIONS).sort()).toEqual([...names].sort());
    expect(OUTBOX_JOBS).not.toContain(JobTopic.SystemPing);
    expect(OUTBOX_JOBS.length).toBe(names.length - 1);
  });

  it('sends the outbox jobs to the outbox queues only', () => {
    expect(JOB_QUEUE[JobTopic.SystemPing]).toBe(QueueName.System);
    for (const name of OUTBOX_JOBS) {
      expect([QueueName.System, QueueName.Housekeeping]).not.toContain(JOB_QUEUE[name]);
    }
  });

  it('accepts handlers for exactly the outbox jobs', () => {
    expect(() => assertEveryOutboxJobHandled(OUTBOX_JOBS)).not.toThrow();
    expect(() => assertEveryOutboxJobHandled(OUTBOX_JOBS.slice(1))).toThrow(`missing ${OUTBOX_JOBS[0]}`);
    expect(() => assertEveryOutboxJobHandled([...OUTBOX_JOBS, 'notify.sms'])).toThrow('unknown notify.sms');
    expect(() => assertEveryOutboxJobHandled([...OUTBOX_JOBS, JobTopic.SystemPing])).toThrow('unknown system.ping');
  });

  it('rejects at compile time a name outside the registry', () => {
    // @ts-expect-error: not a job
    const notAJob: JobName = 'notify.sms';
    expect(isOutboxJob(notAJob)).toBe(false);
  });
});
