import { randomBytes } from 'node:crypto';
import { Inbox, type DeskActor } from '@guichet/desk';
import { reindexSearch, type ReindexProgress } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * `npm run admin -- reindex`: vectors written before the inbox folded accents
 * and case (`to_tsvector('simple', <raw text>)`) are rebuilt as submit writes
 * them today, in batches, and a run cut short finishes on the next one.
 */
describe('search reindex', () => {
  const { dataSource: ds } = withTestDataSource({ poolSize: 3 });

  /** A published canteen service, an agent who works on it, and `count` requests with old-style vectors. */
  async function serviceWithOldRequests(count: number) {
    const seeded = await seedCanteenService(ds, `reindex-${randomBytes(3).toString('hex')}`);
    const { org, service } = seeded;
    for (let i = 0; i < count; i++) {
      const reference = `GCH-${randomBytes(2).toString('hex').toUpperCase()}-${String(i).padStart(4, '0')}`;
      const { id } = await seedRequest(ds, seeded, {
        status: 'submitted',
        reference,
        submittedAt: new Date(),
        contactName: 'Gérard Lefèvre',
        contactEmail: `famille.${i}@example.fr`,
        data: { enfant: { prenom: 'Chloé', nom: 'ÉLOÏSE-Dupré' }, commune: 'Saint-Étienne' },
      });
      // What submit wrote before the fix: the raw text, neither lower-cased nor accent-folded.
      await ds.query(`UPDATE submission SET search = to_tsvector('simple', $2) WHERE id = $1`, [
        id,
        `${reference} Gérard Lefèvre famille.${i}@example.fr Chloé ÉLOÏSE-Dupré Saint-Étienne`,
      ]);
    }
    // A draft has no vector and gets none.
    await seedRequest(ds, seeded, { anonymousOwner: 'b'.repeat(64), data: { commune: 'Saint-Étienne' } });
    const actor: DeskActor = {
      id: 'account:test',
      organisationIds: [org.id],
      grants: [{ organisationId: org.id, serviceIds: null, groups: null, readOnly: false }],
    };
    const inbox = new Inbox(ds);
    const search = async (q: string) =>
      (await inbox.list(service.slug, actor, { q, tab: 'tous', limit: '100' })).items.length;
    return { search };
  }

  it('rebuilds old vectors so the inbox finds requests whatever the accents and case, in resumable batches', async () => {
    const { search } = await serviceWithOldRequests(12);
    // Before: the folded terms the inbox searches with do not match the old vectors.
    expect(await search('gerard')).toBe(0);
    expect(await search('Saint-Étienne')).toBe(0);

    // Cut short after two batches of five: ten requests done, two left.
    const progress: ReindexProgress[] = [];
    const first = await reindexSearch(ds, { batchSize: 5, maxBatches: 2, onProgress: (p) => progress.push(p) });
    expect(first).toEqual({ scanned: 10, total: 12, updated: 10, unchanged: 0, batches: 2, complete: false });
    expect(progress.map((p) => p.scanned)).toEqual([5, 10]);
    expect(await search('gerard')).toBe(10);

    // Run again: it reads every request but rewrites only the two it had not reached.
    const second = await reindexSearch(ds, { batchSize: 5 });
    expect(second).toEqual({ scanned: 12, total: 12, updated: 2, unchanged: 10, batches: 3, complete: true });

    for (const q of ['gerard', 'GÉRARD', 'lefevre', 'eloise', 'chloe', 'saint etienne', 'Saint-Étienne'])
      expect({ q, found: await search(q) }).toEqual({ q, found: 12 });
    // The draft stays without a vector.
    const [{ drafts }] = await ds.query(
      `SELECT count(*)::int AS drafts FROM submission WHERE status = 'draft' AND search IS NOT NULL`,
    );
    expect(drafts).toBe(0);

    // Nothing left: a third run writes nothing.
    const third = await reindexSearch(ds);
    expect(third).toMatchObject({ scanned: 12, updated: 0, unchanged: 12, complete: true });
  });

  it('writes the vector submit writes today', async () => {
    await serviceWithOldRequests(1);
    await reindexSearch(ds);
    const [row] = await ds.query(
      `SELECT search::text AS vector FROM submission WHERE status = 'submitted' ORDER BY updated_at DESC LIMIT 1`,
    );
    // Lower case, no accents, words split as PostgreSQL's simple configuration splits them.
    expect(row.vector).toContain("'gerard'");
    expect(row.vector).toContain("'eloise'");
    expect(row.vector).toContain("'etienne'");
    expect(row.vector).not.toMatch(/[A-ZÀ-ÿ]/);
  });
});
