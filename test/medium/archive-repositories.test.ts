import { randomUUID } from 'node:crypto';
import { ArchiveExportRepository, ArchiveImportRepository } from '@guichet/desk';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The organisation archive's repositories against the real PostgreSQL: the
 * export reads one organisation's rows only, in keyset batches, from one
 * snapshot; the import's checks that look across the installation say so, and
 * what it counts is the organisation's alone.
 */
describe('organisation archive repositories', () => {
  const { dataSource: ds } = withTestDataSource();

  /** Two organisations, each with requests owned by an account of its own and an event per request. */
  async function twoOrganisations() {
    const tag = randomUUID().slice(0, 8);
    const a = await seedCanteenService(ds, `archive-a-${tag}`);
    const b = await seedCanteenService(ds, `archive-b-${tag}`);
    const owner = async (name: string) => {
      const [row] = (await ds.query(
        `INSERT INTO account (kind, issuer, subject) VALUES ('citizen', 'https://idp.test', $1) RETURNING id`,
        [`${name}-${tag}`],
      )) as Array<{ id: string }>;
      return row!.id;
    };
    const [ownerA, ownerB] = [await owner('a'), await owner('b')];
    const requests = async (seeded: typeof a, ownerAccountId: string, n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const request = await seedRequest(ds, seeded, {
          status: 'submitted',
          ownerAccountId,
          anonymousOwner: null,
          reference: `R-${tag}-${seeded.org.slug.slice(8, 9)}${i}`,
        });
        await ds.query(
          `INSERT INTO submission_event (organisation_id, submission_id, actor, type, visibility)
           VALUES ($1, $2, 'owner', 'submitted', 'public')`,
          [seeded.org.id, request.id],
        );
        ids.push(request.id);
      }
      return ids.sort();
    };
    return { a, b, ownerA, ownerB, requestsA: await requests(a, ownerA, 3), requestsB: await requests(b, ownerB, 2) };
  }

  const all = async <T>(rows: AsyncIterable<T>) => {
    const list: T[] = [];
    for await (const row of rows) list.push(row);
    return list;
  };
  const lineIds = (rows: Array<Record<string, unknown>>) =>
    rows.map((row) => (JSON.parse(row.line as string) as { id: string }).id).sort();

  it('reads the organisation it is given, and nothing of another, across keyset batches', async () => {
    const { a, b, ownerA, requestsA } = await twoOrganisations();
    await ArchiveExportRepository.snapshot(ds, 2, async (db) => {
      // Batches of 2 over 3 requests: two statements, every row once.
      expect(lineIds(await all(db.requests(a.org.id)))).toEqual(requestsA);
      expect(
        (await all(db.requestLog(a.org.id, 'submission_event'))).map(
          (row) => (JSON.parse(row.line as string) as { submission_id: string }).submission_id,
        ),
      ).toEqual(expect.arrayContaining(requestsA));
      expect(await all(db.requestLog(a.org.id, 'submission_event'))).toHaveLength(3);
      expect(lineIds(await all(db.accounts(a.org.id)))).toEqual([ownerA]);
      expect((await db.services(a.org.id)).map((s) => s.id)).toEqual([a.service.id]);
      expect((await all(db.versions(a.org.id, a.service.id))).map((v) => v.number)).toEqual([1]);
      expect(await all(db.serviceRequests(a.org.id, a.service.id))).toHaveLength(3);
      // Another organisation's service named with this organisation's id: nothing.
      expect(await all(db.versions(a.org.id, b.service.id))).toEqual([]);
      expect(await all(db.serviceRequests(a.org.id, b.service.id))).toEqual([]);
      // What must not leave does not.
      const [request] = await all(db.requests(a.org.id));
      expect(JSON.parse(request!.line as string)).not.toHaveProperty('anonymous_owner');
      expect(JSON.parse((await db.services(a.org.id))[0]!.line)).not.toHaveProperty('webhook_secret');
    });
  });

  it('reads one snapshot: a request filed while the archive is written is not in it', async () => {
    const { a, requestsA } = await twoOrganisations();
    await ArchiveExportRepository.snapshot(ds, 1000, async (db) => {
      expect(lineIds(await all(db.requests(a.org.id)))).toEqual(requestsA);
      await seedRequest(ds, a, { status: 'submitted' });
      expect(lineIds(await all(db.requests(a.org.id)))).toEqual(requestsA);
    });
    expect(await ds.query(`SELECT count(*)::int AS n FROM submission WHERE organisation_id = $1`, [a.org.id])).toEqual([
      { n: 4 },
    ]);
  });

  it('finds an organisation by slug or id, and refuses an unknown one with its code', async () => {
    const { a } = await twoOrganisations();
    expect(await ArchiveExportRepository.findInAnyOrganisation(ds, a.org.slug)).toMatchObject({ id: a.org.id });
    expect(await ArchiveExportRepository.findInAnyOrganisation(ds, a.org.id)).toMatchObject({ slug: a.org.slug });
    await expect(ArchiveExportRepository.findInAnyOrganisation(ds, 'nulle-part')).rejects.toMatchObject({
      code: 'ORGANISATION_UNKNOWN',
    });
  });

  it('import: the checks look everywhere, the counts are the organisation’s only', async () => {
    const { a, b, requestsA, requestsB } = await twoOrganisations();
    const repository = new ArchiveImportRepository(ds.manager);
    expect(await repository.organisationsTakenInAnyOrganisation(randomUUID(), b.org.slug)).toEqual([b.org.slug]);
    expect(await repository.servicesTakenInAnyOrganisation([], [b.service.id])).toEqual([b.service.slug]);
    expect(await repository.requestsOf(a.org.id, [...requestsA, ...requestsB])).toBe(3);
    expect(await repository.requestsOf(b.org.id, requestsA)).toBe(0);
    expect(await repository.counts(a.org.id)).toMatchObject({ services: 1, versions: 1, requests: 3, events: 3 });
  });
});
