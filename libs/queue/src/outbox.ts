import type { EntityManager } from 'typeorm';
import { OutboxRow } from '@guichet/persistence';
import { isOutboxJob, type OutboxJobName, type OutboxPayload } from './jobs';

/** One side effect to carry out after commit, typed by its job: the payload must be the one its handler reads. */
export type OutboxEntry = {
  [N in OutboxJobName]: {
    organisationId: string;
    topic: N;
    payload: OutboxPayload<N>;
    /** Not before (deadlines); null or absent: as soon as the relay sees the row. */
    runAt?: Date | null;
  };
}[OutboxJobName];

/**
 * Writes outbox rows in the caller's transaction: the only way a producer
 * asks for a job. The relay moves them to their queue after commit.
 */
export async function addOutbox(manager: EntityManager, ...entries: OutboxEntry[]): Promise<void> {
  if (!entries.length) return;
  for (const entry of entries) {
    // The types already forbid it; this catches a cast or a caller in plain JavaScript.
    if (!isOutboxJob(entry.topic)) throw new Error(`unknown outbox job ${String(entry.topic)}`);
  }
  await manager.getRepository(OutboxRow).insert(
    entries.map((entry) => ({
      organisationId: entry.organisationId,
      topic: entry.topic,
      // jsonb column: TypeORM's insert types do not follow Record<string, unknown>.
      payload: entry.payload as never,
      relayedAt: null,
      runAt: entry.runAt ?? null,
    })),
  );
}
