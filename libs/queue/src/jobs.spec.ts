import { JOB_OPTIONS, WEBHOOK_RETRY_SCHEDULE_S, isOutboxJob, jobId, retryDelay } from './jobs';

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
