import { createHash, randomUUID } from 'node:crypto';
import { FormVersion, Submission } from '@guichet/persistence';
import { SubmissionRepository, Submissions, type Owner } from '@guichet/submissions';
import type { ServiceDefinition } from '@guichet/shared';
import { withTestDataSource } from '../support/database';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The autosave in one statement (issue 22): a save of a request the process has read before, on a form without
 * files, is one conditional UPDATE (`saveAnswersWhere`) instead of a read and a compare-and-set. Held here to the
 * statement it stands for (`saveAnswersIf`) and, through the use case, to the answer the two-statement way gives in
 * the same situation: same result or same refusal, same row afterwards.
 */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the autosave in one statement', () => {
  const { dataSource: ds } = withTestDataSource();
  const repository = new SubmissionRepository();
  const token = 'jeton-de-session-anonyme-0123456789abcdef';
  const anonymous: Owner = { kind: 'anonymous', token };

  /** The canteen form without its file field: what the one statement serves. */
  const withoutFiles = (): ServiceDefinition => {
    const definition = canteenDefinition();
    delete (definition.schema.properties as Record<string, unknown>).certificate;
    definition.pages = definition.pages.map((page) => ({
      ...page,
      fields: page.fields.filter((field) => field !== 'certificate'),
    }));
    return definition;
  };

  type Seeded = Awaited<ReturnType<typeof seedCanteenService>>;
  /** The service with a second version, without files (latest); the first keeps its file field. */
  const seed = async (slug: string) => {
    const seeded = await seedCanteenService(ds, slug);
    const plain = await ds.getRepository(FormVersion).save({
      organisationId: seeded.org.id,
      serviceId: seeded.service.id,
      number: 2,
      definition: withoutFiles() as never,
      contentHash: `${slug}-2`.padEnd(64, '0').slice(0, 64),
      publishedBy: 'test',
    });
    await ds.query('UPDATE service SET latest_version = 2 WHERE id = $1', [seeded.service.id]);
    return { ...seeded, plain };
  };
  const request = (seeded: Seeded & { plain: FormVersion }, fields: Partial<Submission> = {}) =>
    seedRequest(ds, seeded, {
      formVersionId: seeded.plain.id,
      versionNumber: 2,
      anonymousOwner: sha256(token),
      ...fields,
    });

  /** The row as a save leaves it, what may differ between two requests left out. */
  const row = async (id: string) => {
    const [found] = (await ds.query(
      `SELECT form_version_id, status, data, revision, updated_at >= now() - interval '1 minute' AS recent
         FROM submission WHERE id = $1`,
      [id],
    )) as unknown[];
    return found;
  };

  describe('saveAnswersWhere', () => {
    it('writes what saveAnswersIf writes, and answers the same', async () => {
      const seeded = await seed('one-statement-write');
      const [a, b] = [await request(seeded), await request(seeded)];
      const data = { ...validCanteenData(), allergyDetails: 'arachide « crue »\n😀' };
      const before = await repository.saveAnswersIf(ds.manager, a.id, data, a.revision);
      const after = await repository.saveAnswersWhere(
        ds,
        b.id,
        { anonymousOwner: sha256(token) },
        { formVersionId: seeded.plain.id, serviceId: seeded.service.id, statuses: ['draft'], revision: b.revision },
        data,
      );
      expect(after?.revision).toBe(before?.revision);
      expect(after?.updatedAt).toBeInstanceOf(Date);
      expect(await row(b.id)).toEqual(await row(a.id));
      const [stored] = (await ds.query('SELECT updated_at FROM submission WHERE id = $1', [b.id])) as Array<{
        updated_at: Date;
      }>;
      expect(after?.updatedAt).toEqual(stored!.updated_at);
      // Without a revision: whatever it is now.
      const again = await repository.saveAnswersWhere(
        ds,
        b.id,
        { anonymousOwner: sha256(token) },
        { formVersionId: seeded.plain.id, serviceId: seeded.service.id, statuses: ['draft'], revision: null },
        data,
      );
      expect(again?.revision).toBe(b.revision + 2);
    });

    it('writes nothing when one of its conditions fails, and leaves follow links to findOne', async () => {
      const seeded = await seed('one-statement-refusals');
      const other = await seed('one-statement-other');
      const account = randomUUID();
      const mine = await request(seeded);
      const theirs = await request(seeded, { anonymousOwner: null, ownerAccountId: account });
      const expected = {
        formVersionId: seeded.plain.id,
        serviceId: seeded.service.id,
        statuses: ['draft', 'changes_requested'],
        revision: mine.revision,
      };
      const owner = { anonymousOwner: sha256(token) };
      const attempts: Array<[string, () => Promise<unknown>]> = [
        [
          'another owner',
          () => repository.saveAnswersWhere(ds, mine.id, { anonymousOwner: 'b'.repeat(64) }, expected, {}),
        ],
        ['an account', () => repository.saveAnswersWhere(ds, mine.id, { ownerAccountId: account }, expected, {})],
        [
          'another version',
          () => repository.saveAnswersWhere(ds, mine.id, owner, { ...expected, formVersionId: seeded.version.id }, {}),
        ],
        [
          'another service',
          () => repository.saveAnswersWhere(ds, mine.id, owner, { ...expected, serviceId: other.service.id }, {}),
        ],
        [
          'a status not listed',
          () => repository.saveAnswersWhere(ds, mine.id, owner, { ...expected, statuses: ['changes_requested'] }, {}),
        ],
        [
          'another revision',
          () => repository.saveAnswersWhere(ds, mine.id, owner, { ...expected, revision: mine.revision + 1 }, {}),
        ],
        ['another id', () => repository.saveAnswersWhere(ds, randomUUID(), owner, expected, {})],
      ];
      const untouched = await row(mine.id);
      for (const [, attempt] of attempts) expect(await attempt()).toBeNull();
      expect(await row(mine.id)).toEqual(untouched);
      // An account's request, by its account.
      const saved = await repository.saveAnswersWhere(
        ds,
        theirs.id,
        { ownerAccountId: account },
        { ...expected, revision: null },
        { hasAllergy: 'non' },
      );
      expect(saved?.revision).toBe(theirs.revision + 1);
      expect(
        await repository.saveAnswersWhere(ds, mine.id, { id: mine.id, ownerAccountId: null } as never, expected, {}),
      ).toBeUndefined();
    });
  });

  describe('through the use case, against the two-statement way', () => {
    const outcome = (promise: Promise<{ revision: number }>) =>
      promise.then(
        (saved) => ({ revision: saved.revision }),
        (error: { code?: string; details?: unknown }) => ({ refused: error.code, details: error.details }),
      );

    /**
     * Two like requests, on two like services: each saved once (which reads it), then `meanwhile`, then `save`, by a process that has read
     * it (one statement when it can) and by one that has not (the two statements, as before this change).
     */
    const compare = async (
      name: string,
      meanwhile: (id: string, seeded: Seeded & { plain: FormVersion }) => Promise<unknown>,
      save: (submissions: Submissions, id: string) => Promise<{ revision: number }>,
    ) => {
      const results = [];
      for (const hinted of [true, false]) {
        // A service each: what `meanwhile` does to one must not reach the other.
        const seeded = await seed(`one-statement-${name}-${hinted}`);
        const submissions = new Submissions(ds);
        const { id } = await request(seeded);
        await submissions.autosave(id, anonymous, { hasAllergy: 'non' }, undefined);
        await meanwhile(id, seeded);
        const reads = jest.spyOn(SubmissionRepository.prototype, 'ownedBy');
        const result = await outcome(save(hinted ? submissions : new Submissions(ds), id));
        const { form_version_id: version, ...rest } = (await row(id)) as { form_version_id: string };
        const on =
          version === seeded.plain.id ? 'without files' : version === seeded.version.id ? 'with files' : version;
        results.push({ result, row: { ...rest, on }, read: reads.mock.calls.length > 0 });
        reads.mockRestore();
      }
      expect(results[0]!.result).toEqual(results[1]!.result);
      expect(results[0]!.row).toEqual(results[1]!.row);
      return { hinted: results[0]!, fresh: results[1]! };
    };
    const nothing = async () => undefined;
    const data = { ...validCanteenData(), hasAllergy: 'non' };

    it('saves without reading the request first, with or without the revision it knew', async () => {
      const plain = await compare('plain', nothing, (s, id) => s.autosave(id, anonymous, data));
      expect(plain.hinted.read).toBe(false);
      expect(plain.fresh.read).toBe(true);
      expect(plain.hinted.result).toEqual({ revision: 3 });
      const known = await compare('known-revision', nothing, (s, id) => s.autosave(id, anonymous, data, 2));
      expect(known.hinted.read).toBe(false);
      expect(known.hinted.result).toEqual({ revision: 3 });
    });

    it.each([
      ['stale revision', nothing, 1],
      [
        'written meanwhile',
        (id: string) => ds.query('UPDATE submission SET revision = revision + 1 WHERE id = $1', [id]),
        2,
      ],
      [
        'submitted meanwhile',
        (id: string) => ds.query(`UPDATE submission SET status = 'submitted' WHERE id = $1`, [id]),
        2,
      ],
      [
        'given to another owner',
        (id: string) => ds.query(`UPDATE submission SET anonymous_owner = $2 WHERE id = $1`, [id, 'c'.repeat(64)]),
        2,
      ],
      ['a revision no column holds', nothing, 1e12],
    ])('refuses as before: %s', async (name, meanwhile, revision) => {
      const { hinted } = await compare(name.replace(/\W+/g, '-'), meanwhile, (s, id) =>
        s.autosave(id, anonymous, data, revision),
      );
      expect(hinted.result).toHaveProperty('refused');
    });

    it('refuses invalid answers with the same errors', async () => {
      const { hinted } = await compare('invalid', nothing, (s, id) =>
        s.autosave(id, anonymous, { parent: { email: 'pas-un-courriel' }, hasAllergy: 'peut-être' }),
      );
      expect(hinted.result).toMatchObject({ refused: 'SUBMISSION_INVALID' });
    });

    it('saves a request sent back for changes, on a service closed since, as before', async () => {
      const { hinted } = await compare(
        'changes-requested-closed',
        async (id, seeded) => {
          await ds.query(`UPDATE submission SET status = 'changes_requested' WHERE id = $1`, [id]);
          await ds.query(`UPDATE service SET status = 'closed' WHERE id = $1`, [seeded.service.id]);
        },
        (s, id) => s.autosave(id, anonymous, data),
      );
      expect(hinted.result).toEqual({ revision: 3 });
    });

    it('refuses a draft on a closed service as before (once the rules read a second ago have expired)', async () => {
      const { hinted } = await compare(
        'closed',
        async (_id, seeded) => {
          await ds.query(`UPDATE service SET status = 'closed' WHERE id = $1`, [seeded.service.id]);
          await new Promise((resolve) => setTimeout(resolve, 1100));
        },
        (s, id) => s.autosave(id, anonymous, data),
      );
      expect(hinted.result).toMatchObject({ refused: 'SERVICE_CLOSED' });
    });

    it('follows a request moved to another version, and takes the usual way on a form with files', async () => {
      const { hinted } = await compare(
        'moved',
        (id, seeded) =>
          ds.query('UPDATE submission SET form_version_id = $2, version_number = 1 WHERE id = $1', [
            id,
            seeded.version.id,
          ]),
        (s, id) => s.autosave(id, anonymous, data),
      );
      expect(hinted.read).toBe(true);
      expect(hinted.result).toEqual({ revision: 3 });
    });
  });
});
