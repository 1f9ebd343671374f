import { Submission } from '@guichet/persistence';
import type { CitizenDeps } from './deps';

/**
 * Retention of drafts: a draft nobody touched for `months` is deleted with
 * its events and its files. Returns
 * how many. Requests decided long ago follow their service's retention
 * once decisions exist (the workflow issue).
 */
export async function purgeStaleDrafts(
  { dataSource, attachments }: Pick<CitizenDeps, 'dataSource' | 'attachments'>,
  months: number,
  batch: number,
): Promise<number> {
  const stale = (await dataSource.query(
    `SELECT id FROM submission WHERE status = 'draft' AND updated_at < now() - make_interval(months => $1) LIMIT $2`,
    [months, batch],
  )) as Array<{ id: string }>;
  for (const { id } of stale) {
    // The files' bytes first: once the rows are gone nothing would find them again.
    await attachments?.deleteAllOf(id);
    await dataSource.getRepository(Submission).delete({ id, status: 'draft' });
  }
  return stale.length;
}
