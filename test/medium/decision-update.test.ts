import type { DataSource } from 'typeorm';
import { Submission, createDataSource, instantAgentsExistSql } from '@guichet/persistence';
import { decisionUpdate } from '@guichet/submissions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The decision's UPDATE (submit, resubmit, caseworkers' decisions, deadlines), written by hand since issue 22:
 * the same statement and values as TypeORM's update builder gave for each shape a decision takes, and the same row
 * once run.
 */
describe('decisionUpdate', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const returning = `revision, ${instantAgentsExistSql('submission.organisation_id')} AS instant_agents`;
  const builder = (id: string, set: Record<string, unknown>, parameters: Record<string, unknown>) =>
    ds
      .createQueryBuilder()
      .update(Submission)
      .set(set)
      .where('id = :id', { id })
      .setParameters(parameters)
      .returning(returning);

  const shapes: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    [
      'a submit (answers, search, contact, routed)',
      {
        reference: 'K7M2P9QX',
        submittedAt: () => 'now()',
        data: () => ':data',
        search: () => "to_tsvector('simple', :search)",
        identityPointers: () => ':identityPointers',
        contactEmail: 'lea@example.fr',
        contactName: null,
        groupKey: 'instruction',
        status: 'submitted',
        statusEventId: '5b0f8a52-0d3c-4f4e-9a57-0d1c1f6c2a10',
        deadlineAt: null,
        deadlineTransition: null,
        revision: () => '"revision" + 1',
      },
      {
        data: JSON.stringify({ child: { name: 'Léa' }, days: ['lundi'] }),
        search: 'k7m2p9qx lea lundi',
        identityPointers: JSON.stringify(['/child/name']),
      },
    ],
    [
      'a resubmit (answers again, a deadline)',
      {
        data: () => ':data',
        search: () => "to_tsvector('simple', :search)",
        identityPointers: () => ':identityPointers',
        status: 'submitted',
        statusEventId: '6c1f9b63-1e4d-4a5f-8b68-1e2d2a7d3b21',
        deadlineAt: new Date('2027-02-01T08:30:00.000Z'),
        deadlineTransition: 'expire',
        revision: () => '"revision" + 1',
      },
      { data: JSON.stringify({ days: [] }), search: 'x', identityPointers: 'null' },
    ],
    [
      'a final decision (decided, purge date)',
      {
        status: 'accepted',
        statusEventId: '7d2a0c74-2f5e-4b60-9c79-2f3e3b8e4c32',
        deadlineAt: null,
        deadlineTransition: null,
        decidedAt: () => 'now()',
        purgeAt: () => 'now() + make_interval(months => 18)',
        revision: () => '"revision" + 1',
      },
      {},
    ],
  ];

  it.each(shapes)('sends the statement and values of the update builder: %s', async (_name, set, parameters) => {
    const id = '8e3b1d85-3a6f-4c71-8d8a-3a4f4c9f5d43';
    const [sql, values] = builder(id, set, parameters).getQueryAndParameters();
    expect(decisionUpdate(ds.manager, set, parameters, id)).toEqual({ sql, values });
  });

  it.each(shapes)('leaves the row as the update builder did: %s', async (_name, set, parameters) => {
    const seeded = await seedCanteenService(ds, `decision-${shapes.findIndex((s) => s[1] === set)}`);
    const [a, b] = [await seedRequest(ds, seeded), await seedRequest(ds, seeded)];
    const built = await builder(a.id, set, parameters).execute();
    // A reference is unique: the second request gets another.
    const other = 'reference' in set ? { ...set, reference: `${String(set.reference)}B` } : set;
    const { sql, values } = decisionUpdate(ds.manager, other, parameters, b.id);
    const [rows, count] = (await ds.query(sql, values)) as [unknown[], number];
    expect(count).toBe(1);
    expect(rows).toEqual(built.raw);
    const read = (id: string) =>
      ds.query(
        `SELECT to_jsonb(s) - '{id,reference,created_at,updated_at,submitted_at,decided_at,purge_at,search}'::text[] AS row,
                left(reference, 8) AS reference,
                search::text, updated_at > created_at AS touched, submitted_at IS NOT NULL AS submitted,
                decided_at IS NOT NULL AS decided, purge_at - decided_at AS kept
           FROM submission s WHERE id = $1`,
        [id],
      ) as Promise<unknown[]>;
    expect(await read(b.id)).toEqual(await read(a.id));
  });

  it('refuses a property that is no column, and SQL naming a parameter it was not given', () => {
    const id = '8e3b1d85-3a6f-4c71-8d8a-3a4f4c9f5d43';
    expect(() => decisionUpdate(ds.manager, { nothing: 1 }, {}, id)).toThrow('no column for nothing');
    expect(() => decisionUpdate(ds.manager, { data: () => ':data' }, {}, id)).toThrow(':data');
  });
});
