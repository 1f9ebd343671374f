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
  const values: unknown[] = [];
  // One statement for all the rows, written once: the columns as TypeORM's insert of OutboxRow would write them,
  // the others left to their defaults.
  await manager.query(
    outboxInsert(entries, (value) => `$${values.push(value)}`),
    values,
  );
}

/**
 * `addOutbox`'s statement, for a caller that folds it into one of its own (a `WITH`, issue 22: each statement
 * the submit does not send saves a round trip on both sides): the SQL, its four arrays given to `placeholder` in
 * turn. With `guard` (an SQL condition), the entries marked `guarded` are written only where it holds (the others
 * always), in the same order.
 */
export function outboxInsert(
  entries: Array<OutboxEntry & { guarded?: boolean }>,
  placeholder: (value: unknown) => string,
  guard?: string,
): string {
  for (const entry of entries) {
    // The types already forbid it; this catches a cast or a caller in plain JavaScript.
    if (!isOutboxJob(entry.topic)) throw new Error(`unknown outbox job ${String(entry.topic)}`);
  }
  const arrays =
    `${placeholder(entries.map((entry) => entry.organisationId))}::uuid[], ` +
    `${placeholder(entries.map((entry) => entry.topic))}::varchar[], ` +
    `${placeholder(entries.map((entry) => JSON.stringify(entry.payload)))}::jsonb[], ` +
    `${placeholder(entries.map((entry) => entry.runAt ?? null))}::timestamptz[]`;
  if (!guard) {
    return `INSERT INTO outbox (organisation_id, topic, payload, run_at)
     SELECT * FROM unnest(${arrays})`;
  }
  return `INSERT INTO outbox (organisation_id, topic, payload, run_at)
     SELECT organisation_id, topic, payload, run_at
       FROM unnest(${arrays}, ${placeholder(entries.map((entry) => entry.guarded === true))}::boolean[])
         AS entry (organisation_id, topic, payload, run_at, guarded)
      WHERE NOT entry.guarded OR (${guard})`;
}
