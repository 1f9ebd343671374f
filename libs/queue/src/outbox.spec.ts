import type { EntityManager } from 'typeorm';
import { OutboxRow } from '@guichet/persistence';
import { JobTopic } from './jobs';
import { addOutbox, type OutboxEntry } from './outbox';

function fakeManager() {
  const inserted: unknown[] = [];
  const manager = {
    getRepository: (entity: unknown) => {
      expect(entity).toBe(OutboxRow);
      return { insert: async (rows: unknown[]) => void inserted.push(...rows) };
    },
  } as unknown as EntityManager;
  return { manager, inserted };
}

describe('addOutbox', () => {
  const organisationId = '00000000-0000-4000-8000-000000000001';
  const base = {
    submissionId: '00000000-0000-4000-8000-000000000002',
    eventId: '00000000-0000-4000-8000-000000000003',
  };

  it('writes one unrelayed row per job, with its run date', async () => {
    const { manager, inserted } = fakeManager();
    const dueAt = new Date('2030-01-01T00:00:00Z');
    await addOutbox(
      manager,
      { organisationId, topic: JobTopic.WebhookDeliver, payload: base },
      { organisationId, topic: JobTopic.DeadlineFire, payload: { ...base, transition: 'expire' }, runAt: dueAt },
    );
    expect(inserted).toEqual([
      { organisationId, topic: 'webhook.deliver', payload: base, relayedAt: null, runAt: null },
      {
        organisationId,
        topic: 'deadline.fire',
        payload: { ...base, transition: 'expire' },
        relayedAt: null,
        runAt: dueAt,
      },
    ]);
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
