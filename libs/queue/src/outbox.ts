import type { EntityManager } from 'typeorm';
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
  // One statement for all the rows, written once (the busiest producer, the submit, calls this on every request):
  // the columns as TypeORM's insert of OutboxRow would write them, the others left to their defaults.
  await manager.query(
    `INSERT INTO outbox (organisation_id, topic, payload, run_at)
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::jsonb[], $4::timestamptz[])`,
    [
      entries.map((entry) => entry.organisationId),
      entries.map((entry) => entry.topic),
      entries.map((entry) => JSON.stringify(entry.payload)),
      entries.map((entry) => entry.runAt ?? null),
    ],
  );
}
