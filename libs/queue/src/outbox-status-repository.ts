import type { EntityManager } from 'typeorm';
import { organisationId, type OrganisationId } from '@guichet/shared';

/** Outbox rows not done, by stage. */
export interface OutboxCounts {
  /** Not yet in a queue. */
  waitingRelay: number;
  /** In a queue, neither done nor failed. */
  unfinished: number;
  /** Failed for good (an operator may retry them). */
  failed: number;
}

/** An outbox row whose job failed for good, as the operators' page lists it. */
export interface FailedOutboxRow {
  id: string;
  organisationId: OrganisationId;
  topic: string;
  submissionId: string | null;
  createdAt: Date;
  failedAt: Date;
  lastError: string | null;
}

const COUNTS = `SELECT count(*) FILTER (WHERE relayed_at IS NULL)::int AS "waitingRelay",
       count(*) FILTER (WHERE relayed_at IS NOT NULL AND done_at IS NULL AND failed_at IS NULL)::int AS unfinished,
       count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed
  FROM outbox WHERE done_at IS NULL`;

const FAILED = `SELECT id, organisation_id, topic, payload->>'submissionId' AS submission_id, created_at, failed_at,
       last_error
  FROM outbox WHERE failed_at IS NOT NULL`;

/**
 * What the operators' view of the queues reads and changes in the outbox:
 * rows per stage, the rows that failed for good, and a retry.
 *
 * Tenant: an organisation's admins see and retry their organisations' rows
 * only; every method takes those `OrganisationId`s and scopes its statement by
 * them. The metrics, which count for the whole installation, read through the
 * method that says so (`countsInAnyOrganisation`). One statement per method,
 * as before.
 */
export class OutboxStatusRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Rows not done of these organisations, by stage. */
  async counts(organisations: readonly OrganisationId[]): Promise<OutboxCounts> {
    const [row] = (await this.manager.query(`${COUNTS} AND organisation_id = ANY($1::uuid[])`, [
      organisations,
    ])) as OutboxCounts[];
    return row!;
  }

  /** Rows not done of the whole installation, by stage (the Prometheus gauges). */
  async countsInAnyOrganisation(): Promise<OutboxCounts> {
    const [row] = (await this.manager.query(COUNTS)) as OutboxCounts[];
    return row!;
  }

  /** The 200 rows of these organisations that failed last. */
  async failed(organisations: readonly OrganisationId[]): Promise<FailedOutboxRow[]> {
    const rows = (await this.manager.query(
      `${FAILED} AND organisation_id = ANY($1::uuid[]) ORDER BY failed_at DESC LIMIT 200`,
      [organisations],
    )) as FailedRow[];
    return rows.map(failedRow);
  }

  /** The row `id` if it belongs to one of these organisations and failed for good. */
  async failedOne(organisations: readonly OrganisationId[], id: string): Promise<FailedOutboxRow | undefined> {
    const [row] = (await this.manager.query(`${FAILED} AND id = $1 AND organisation_id = ANY($2::uuid[])`, [
      id,
      organisations,
    ])) as FailedRow[];
    return row && failedRow(row);
  }

  /** The row made new again (not relayed, not failed): the relay adds its job back under the same id. */
  async requeue(organisation: OrganisationId, id: string): Promise<void> {
    await this.manager.query(
      `UPDATE outbox SET failed_at = NULL, relayed_at = NULL, last_error = NULL WHERE id = $1 AND organisation_id = $2`,
      [id, organisation],
    );
  }
}

interface FailedRow {
  id: string;
  organisation_id: string;
  topic: string;
  submission_id: string | null;
  created_at: Date;
  failed_at: Date;
  last_error: string | null;
}

function failedRow(row: FailedRow): FailedOutboxRow {
  return {
    id: row.id,
    organisationId: organisationId(row.organisation_id),
    topic: row.topic,
    submissionId: row.submission_id ?? null,
    createdAt: row.created_at,
    failedAt: row.failed_at,
    lastError: row.last_error ?? null,
  };
}
