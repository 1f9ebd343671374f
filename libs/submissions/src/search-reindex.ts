import type { DataSource } from 'typeorm';
import { searchText } from './contact';

export interface ReindexProgress {
  /** Submitted requests read so far, of `total` when the run started. */
  scanned: number;
  total: number;
  /** Vectors rewritten so far (the others were already what submit writes today). */
  updated: number;
  batches: number;
}

export interface ReindexSummary extends ReindexProgress {
  unchanged: number;
  /** False when the run stopped at `maxBatches`: run it again to finish (what is done is not rewritten). */
  complete: boolean;
}

export interface ReindexOptions {
  /** Requests per transaction (1,000 by default). */
  batchSize?: number;
  /** Stop after this many batches (the rest is left for the next run). */
  maxBatches?: number;
  onProgress?: (progress: ReindexProgress) => void;
}

interface Row {
  id: string;
  reference: string | null;
  contact_email: string | null;
  contact_name: string | null;
  data: Record<string, unknown>;
}

/**
 * Rebuilds the desk's search vectors (`submission.search`) from what each
 * submitted request holds, the way submit writes them today: vectors written
 * by an older version (before accents and case were folded) are found again.
 *
 * Batches of `batchSize` requests in id order, each in its own short
 * transaction that locks only its rows (FOR NO KEY UPDATE: events and
 * messages can still be added to them) and writes only the vectors that
 * differ from the computed one. So it can run while the application serves
 * requests, and a run that stopped (interrupted, or at `maxBatches`) is
 * simply started again: it reads every request but rewrites only those left.
 */
export async function reindexSearch(dataSource: DataSource, options: ReindexOptions = {}): Promise<ReindexSummary> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new RangeError('batchSize: an integer from 1 to 10000');
  const [{ count }] = (await dataSource.query(
    `SELECT count(*)::int AS count FROM submission WHERE status <> 'draft'`,
  )) as [{ count: number }];
  const progress: ReindexProgress = { scanned: 0, total: count, updated: 0, batches: 0 };
  let after: string | null = null;
  for (;;) {
    if (options.maxBatches !== undefined && progress.batches >= options.maxBatches) {
      const rest = (await dataSource.query(
        `SELECT 1 FROM submission WHERE status <> 'draft' ${after ? 'AND id > $1' : ''} LIMIT 1`,
        after ? [after] : [],
      )) as unknown[];
      return { ...progress, unchanged: progress.scanned - progress.updated, complete: rest.length === 0 };
    }
    const { rows, updated } = await dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT id, reference, contact_email, contact_name, data FROM submission
          WHERE status <> 'draft' ${after ? 'AND id > $2' : ''}
          ORDER BY id LIMIT $1 FOR NO KEY UPDATE`,
        after ? [batchSize, after] : [batchSize],
      )) as Row[];
      if (rows.length === 0) return { rows, updated: 0 };
      const texts = rows.map((r) =>
        searchText(r.reference, { contactEmail: r.contact_email, contactName: r.contact_name }, r.data ?? {}),
      );
      const changed = (await manager.query(
        `UPDATE submission s SET search = to_tsvector('simple', v.text)
           FROM unnest($1::uuid[], $2::text[]) AS v(id, text)
          WHERE s.id = v.id AND s.search IS DISTINCT FROM to_tsvector('simple', v.text)
          RETURNING s.id`,
        [rows.map((r) => r.id), texts],
      )) as [unknown[], number] | unknown[];
      // TypeORM gives an UPDATE … RETURNING as [rows, count] on PostgreSQL.
      const count = Array.isArray(changed[0]) ? (changed[0] as unknown[]).length : changed.length;
      return { rows, updated: count };
    });
    if (rows.length === 0) break;
    progress.batches++;
    progress.scanned += rows.length;
    progress.updated += updated;
    after = rows[rows.length - 1]!.id;
    options.onProgress?.({ ...progress });
    if (rows.length < batchSize) break;
  }
  return { ...progress, unchanged: progress.scanned - progress.updated, complete: true };
}
