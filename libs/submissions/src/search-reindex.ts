import type { DataSource } from 'typeorm';
import { searchText } from './contact';
import { SearchIndexRepository } from './search-index-repository';

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
  const requests = new SearchIndexRepository(dataSource.manager);
  const total = await requests.submittedInAnyOrganisation();
  const progress: ReindexProgress = { scanned: 0, total, updated: 0, batches: 0 };
  let after: string | null = null;
  for (;;) {
    if (options.maxBatches !== undefined && progress.batches >= options.maxBatches) {
      const rest = await requests.anySubmittedAfterInAnyOrganisation(after);
      return { ...progress, unchanged: progress.scanned - progress.updated, complete: !rest };
    }
    const { rows, updated } = await requests.transaction(async (batch) => {
      const rows = await batch.batchInAnyOrganisation(batchSize, after);
      if (rows.length === 0) return { rows, updated: 0 };
      const texts = rows.map((r) =>
        searchText(r.reference, { contactEmail: r.contactEmail, contactName: r.contactName }, r.data),
      );
      return {
        rows,
        updated: await batch.rewriteInAnyOrganisation(
          rows.map((r) => r.id),
          texts,
        ),
      };
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
