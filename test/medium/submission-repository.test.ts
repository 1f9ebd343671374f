import { IsNull } from 'typeorm';
import { Submission } from '@guichet/persistence';
import { SubmissionRepository } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The owner-side reads and writes of autosave and submit, against the real
 * PostgreSQL: the statements written once must give what TypeORM's own
 * findOne and update give, row for row.
 */
describe('SubmissionRepository', () => {
  const { dataSource: ds } = withTestDataSource();
  const repository = new SubmissionRepository();

  it('reads an owned request as findOne does (every column, dates, JSON), locked or not, and nobody else’s', async () => {
    const seeded = await seedCanteenService(ds, 'depot');
    const anonymous = await seedRequest(ds, seeded, {
      data: { child: { name: 'Léa', birth: '2018-03-01' }, days: ['lundi', 'jeudi'], note: null } as never,
      contactEmail: 'lea@example.fr',
      purgeAt: new Date('2027-01-31T10:00:00Z'),
    });
    const accountId = 'a6d5b0c4-4a56-4c1e-9d44-2d0f3f7c9a11';
    await ds.query(
      `INSERT INTO account (id, kind, issuer, subject) VALUES ($1, 'citizen', 'https://idp.test', 'sub-depot')`,
      [accountId],
    );
    const owned = await seedRequest(ds, seeded, { ownerAccountId: accountId, anonymousOwner: null });

    for (const [id, owner] of [
      [anonymous.id, { anonymousOwner: 'a'.repeat(64) }],
      [owned.id, { ownerAccountId: accountId }],
    ] as const) {
      const expected = await ds.getRepository(Submission).findOne({ where: { id, ...owner } });
      expect(expected).not.toBeNull();
      expect(await repository.ownedBy(ds.manager, id, owner)).toEqual(expected);
      const locked = await ds.transaction((manager) => repository.ownedBy(manager, id, owner, true));
      expect(locked).toEqual(expected);
      expect(locked).toBeInstanceOf(Submission);
    }
    // Another owner's columns, or the wrong id: nothing.
    expect(await repository.ownedBy(ds.manager, anonymous.id, { anonymousOwner: 'b'.repeat(64) })).toBeNull();
    expect(await repository.ownedBy(ds.manager, anonymous.id, { ownerAccountId: accountId })).toBeNull();
    expect(await repository.ownedBy(ds.manager, owned.id, { anonymousOwner: 'a'.repeat(64) })).toBeNull();
    // A follow link's owner (the id, no account) still goes through findOne.
    expect(await repository.ownedBy(ds.manager, anonymous.id, { id: anonymous.id, ownerAccountId: IsNull() })).toEqual(
      await ds.getRepository(Submission).findOneBy({ id: anonymous.id }),
    );
  });

  it('saves answers as a compare-and-set on the revision, bumping the revision and the update time', async () => {
    const seeded = await seedCanteenService(ds, 'sauvegarde');
    const draft = await seedRequest(ds, seeded);
    const before = (await ds.getRepository(Submission).findOneByOrFail({ id: draft.id })).updatedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const answers = { child: { name: 'Noé « 2 »' }, days: ['mardi'] };

    const saved = await repository.saveAnswersIf(ds.manager, draft.id, answers, draft.revision);
    const row = await ds.getRepository(Submission).findOneByOrFail({ id: draft.id });
    expect(saved).toEqual({ revision: draft.revision + 1, updatedAt: row.updatedAt });
    expect(row.data).toEqual(answers);
    expect(row.updatedAt.getTime()).toBeGreaterThan(before.getTime());

    // A stale revision writes nothing; none at all writes whatever the revision.
    expect(await repository.saveAnswersIf(ds.manager, draft.id, { days: [] }, draft.revision)).toBeNull();
    expect((await repository.saveAnswers(ds.manager, draft.id, { days: [] })).revision).toBe(draft.revision + 2);
    expect((await ds.getRepository(Submission).findOneByOrFail({ id: draft.id })).data).toEqual({ days: [] });
  });
});
