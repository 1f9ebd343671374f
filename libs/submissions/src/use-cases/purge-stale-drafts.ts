import type { CitizenDeps } from './deps';

/**
 * Retention of drafts: a draft nobody touched for `months` is deleted with
 * its events and its files. Returns
 * how many. Requests decided long ago follow their service's retention
 * once decisions exist (the workflow issue).
 */
export async function purgeStaleDrafts(
  { dataSource, submissions, attachments }: Pick<CitizenDeps, 'dataSource' | 'submissions' | 'attachments'>,
  months: number,
  batch: number,
): Promise<number> {
  const stale = await submissions.staleDraftIds(dataSource.manager, months, batch);
  for (const id of stale) {
    // The files' bytes first: once the rows are gone nothing would find them again.
    await attachments?.deleteAllOf(id);
    await submissions.deleteDraft(dataSource.manager, id);
  }
  return stale.length;
}
