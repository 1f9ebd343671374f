import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { OutboxRow, Submission, SubmissionEvent } from '@guichet/persistence';
import { RowDone } from '@guichet/queue';
import { Transitions } from '@guichet/submissions';
import { cancelWhileWaitingOnOutboxRow, withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The route job against the real PostgreSQL (issue 22): its outbox row is marked done by its own statements, the
 * read of an already routed request or the routing itself, so the worker sends no done mark of its own; a statement
 * cut short writes nothing, so the job run again does all of it once.
 */
describe('Transitions.route marks its outbox row done with its effect', () => {
  const { dataSource: ds, db } = withTestDataSource();

  async function job(slug: string, fields: Partial<Submission> = {}) {
    const seeded = await seedCanteenService(ds, slug);
    const request = await seedRequest(ds, seeded, { status: 'submitted', submittedAt: new Date(), ...fields });
    const [{ id: outboxId }] = (await ds.query(
      `INSERT INTO outbox (organisation_id, topic, payload, relayed_at)
       VALUES ($1, 'submission.route', jsonb_build_object('submissionId', $2::text), now()) RETURNING id`,
      [seeded.org.id, request.id],
    )) as [{ id: string }];
    return { seeded, request, data: { outboxId, submissionId: request.id } };
  }

  const state = async (submissionId: string, outboxId: string) => ({
    group: (await ds.getRepository(Submission).findOneByOrFail({ id: submissionId })).groupKey,
    routedEvents: await ds.getRepository(SubmissionEvent).countBy({ submissionId, type: 'routed' }),
    done: (await ds.getRepository(OutboxRow).findOneByOrFail({ id: outboxId })).doneAt !== null,
  });

  it('routes a request once, its event and its row done in one statement; run again, the read marks it', async () => {
    const { request, data } = await job('route-once');
    const transitions = new Transitions(ds);

    const first = await transitions.route(data);
    expect(first).toBeInstanceOf(RowDone);
    expect((first as RowDone<string>).result).toBe('instruction');
    expect(await state(request.id, data.outboxId)).toEqual({ group: 'instruction', routedEvents: 1, done: true });

    // The job run again (a worker died before BullMQ heard it finish): nothing routed twice, the row done again.
    await ds.query(`UPDATE outbox SET done_at = NULL WHERE id = $1`, [data.outboxId]);
    const again = await transitions.route(data);
    expect(again).toEqual(new RowDone('instruction'));
    expect(await state(request.id, data.outboxId)).toEqual({ group: 'instruction', routedEvents: 1, done: true });
  });

  it('reads the jobs running together in one statement, each row marked by its own request only', async () => {
    const routed = await Promise.all(
      ['route-a', 'route-b', 'route-c'].map((slug) => job(slug, { groupKey: `groupe-${slug}` })),
    );
    // A row of another organisation than its request's is not marked by the read: the worker marks it.
    const stranger = await job('route-stranger', { groupKey: 'groupe-x' });
    const other = await seedCanteenService(ds, 'route-other');
    await ds.query(`UPDATE outbox SET organisation_id = $1 WHERE id = $2`, [other.org.id, stranger.data.outboxId]);
    const transitions = new Transitions(ds);

    // Statements sent through TypeORM, and named ones sent on its pool (runNamed): one in all.
    const typeorm = jest.spyOn(ds, 'query');
    const named = jest.spyOn((ds.driver as PostgresDriver).master as Pool, 'query');
    const answers = await Promise.all([...routed, stranger].map(({ data }) => transitions.route(data)));
    expect(typeorm.mock.calls.length + named.mock.calls.length).toBe(1);
    typeorm.mockRestore();
    named.mockRestore();
    expect(answers).toEqual([
      new RowDone('groupe-route-a'),
      new RowDone('groupe-route-b'),
      new RowDone('groupe-route-c'),
      'groupe-x',
    ]);
    for (const { request, data } of routed) expect((await state(request.id, data.outboxId)).done).toBe(true);
    expect((await state(stranger.request.id, stranger.data.outboxId)).done).toBe(false);

    // A request gone: nothing to route, nothing marked here (the worker marks the row).
    const gone = await job('route-gone');
    await ds.getRepository(Submission).delete({ id: gone.request.id });
    expect(await transitions.route(gone.data)).toBeNull();
    expect((await ds.getRepository(OutboxRow).findOneByOrFail({ id: gone.data.outboxId })).doneAt).toBeNull();
  });

  it('cut short midway, writes neither the group, the event nor the done mark; run again, does all once', async () => {
    const { request, data } = await job('route-cut');
    const transitions = new Transitions(ds);

    // The routing statement cancelled while it waits for the outbox row's lock (as a worker dying there leaves it).
    await cancelWhileWaitingOnOutboxRow(ds, db.url, data.outboxId, () => transitions.route(data));
    expect(await state(request.id, data.outboxId)).toEqual({ group: null, routedEvents: 0, done: false });

    expect(await transitions.route(data)).toEqual(new RowDone('instruction'));
    expect(await state(request.id, data.outboxId)).toEqual({ group: 'instruction', routedEvents: 1, done: true });

    // The read of a routed request cut short likewise: the row stays to do, and the job run again marks it.
    await ds.query(`UPDATE outbox SET done_at = NULL WHERE id = $1`, [data.outboxId]);
    await cancelWhileWaitingOnOutboxRow(ds, db.url, data.outboxId, () => new Transitions(ds).route(data));
    expect(await state(request.id, data.outboxId)).toEqual({ group: 'instruction', routedEvents: 1, done: false });
    expect(await transitions.route(data)).toEqual(new RowDone('instruction'));
    expect(await state(request.id, data.outboxId)).toEqual({ group: 'instruction', routedEvents: 1, done: true });
  });
});
