import type { EntityManager } from 'typeorm';
import { JobTopic } from './jobs';
import { addOutbox, type OutboxEntry } from './outbox';

/** A manager that records the rows of each INSERT INTO outbox (its parameters are one array per column). */
function fakeManager() {
  const inserted: unknown[] = [];
  let statements = 0;
  const manager = {
    query: async (sql: string, [organisationIds, topics, payloads, runAts]: unknown[][]) => {
      expect(sql).toMatch(/^INSERT INTO outbox \(organisation_id, topic, payload, run_at\)/);
      statements++;
      organisationIds!.forEach((organisationId, i) =>
        inserted.push({
          organisationId,
          topic: topics![i],
          payload: JSON.parse(payloads![i] as string) as unknown,
          runAt: runAts![i],
        }),
      );
      return [];
    },
  } as unknown as EntityManager;
  return { manager, inserted, statements: () => statements };
}

describe('addOutbox', () => {
  const organisationId = '00000000-0000-4000-8000-000000000001';
  const base = {
    submissionId: '00000000-0000-4000-8000-000000000002',
    eventId: '00000000-0000-4000-8000-000000000003',
  };

  it('writes one row per job, with its run date, in one statement', async () => {
    const { manager, inserted, statements } = fakeManager();
    const dueAt = new Date('2030-01-01T00:00:00Z');
    await addOutbox(
      manager,
      { organisationId, topic: JobTopic.WebhookDeliver, payload: base },
      { organisationId, topic: JobTopic.DeadlineFire, payload: { ...base, transition: 'expire' }, runAt: dueAt },
    );
    expect(inserted).toEqual([
      { organisationId, topic: 'webhook.deliver', payload: base, runAt: null },
      { organisationId, topic: 'deadline.fire', payload: { ...base, transition: 'expire' }, runAt: dueAt },
    ]);
    expect(statements()).toBe(1);
  });

  it('writes nothing for no job', async () => {
    const { manager, inserted } = fakeManager();
    await addOutbox(manager);
    expect(inserted).toEqual([]);
  });

  it('refuses a job outside the registry, even through a cast', async () => {
    const { manager, inserted } = fakeManager();
    const bad = { organisationId, topic: 'notify.sms', payload: base } as unknown as OutboxEntry;
    await expect(addOutbox(manager, bad)).rejects.toThrow('unknown outbox job notify.sms');
    await expect(
      addOutbox(manager, { organisationId, topic: JobTopic.SystemPing, payload: {} } as unknown as OutboxEntry),
    ).rejects.toThrow('unknown outbox job system.ping');
    expect(inserted).toEqual([]);
  });

  it('types each payload by its job', () => {
    const entries: OutboxEntry[] = [
      { organisationId, topic: JobTopic.NotifyEmail, payload: { ...base, template: 'accepted' } },
      // @ts-expect-error: an email job without its template
      { organisationId, topic: JobTopic.NotifyEmail, payload: base },
      // @ts-expect-error: a topic the registry does not know
      { organisationId, topic: 'notify.sms', payload: base },
    ];
    expect(entries).toHaveLength(3);
  });
});
