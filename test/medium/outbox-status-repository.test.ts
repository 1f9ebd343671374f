import { Organisation } from '@guichet/persistence';
import { OutboxStatusRepository } from '@guichet/queue';
import { organisationId, type OrganisationId } from '@guichet/shared';
import { withTestDataSource } from '../support/database';

/**
 * The outbox as the operators' view of the queues reads and changes it,
 * against the real PostgreSQL: an organisation's admins count, list and
 * retry their organisations' rows only; the metrics count them all.
 */
describe('OutboxStatusRepository', () => {
  const { dataSource: ds } = withTestDataSource();

  /** One row at each stage (waiting for the relay, in a queue, failed, done) for the organisation. */
  async function rows(organisation: OrganisationId): Promise<{ failed: string }> {
    const inserted = await Promise.all(
      [`NULL, NULL, NULL`, `now(), NULL, NULL`, `now(), NULL, now()`, `now(), now(), NULL`].map(
        (stage) =>
          ds.query(
            `INSERT INTO outbox (organisation_id, topic, payload, relayed_at, done_at, failed_at, last_error)
             SELECT $1, 'notify.email', '{"submissionId": "s"}', ${stage}, 'refusé' RETURNING id`,
            [organisation],
          ) as Promise<Array<{ id: string }>>,
      ),
    );
    return { failed: inserted[2]![0]!.id };
  }

  it('counts, lists and retries the rows of the organisations it is given, and counts all for the metrics', async () => {
    const [a, b] = await Promise.all(
      ['outbox-a', 'outbox-b'].map(async (slug) =>
        organisationId((await ds.getRepository(Organisation).save({ slug, name: slug })).id),
      ),
    );
    const ofA = await rows(a!);
    const ofB = await rows(b!);
    const repository = new OutboxStatusRepository(ds.manager);

    expect(await repository.counts([a!])).toEqual({ waitingRelay: 1, unfinished: 1, failed: 1 });
    expect(await repository.counts([a!, b!])).toEqual({ waitingRelay: 2, unfinished: 2, failed: 2 });
    expect(await repository.countsInAnyOrganisation()).toEqual({ waitingRelay: 2, unfinished: 2, failed: 2 });

    expect(await repository.failed([a!])).toEqual([
      {
        id: ofA.failed,
        organisationId: a,
        topic: 'notify.email',
        submissionId: 's',
        createdAt: expect.any(Date),
        failedAt: expect.any(Date),
        lastError: 'refusé',
      },
    ]);
    expect(await repository.failedOne([a!], ofB.failed)).toBeUndefined();
    expect((await repository.failedOne([b!], ofB.failed))?.organisationId).toBe(b);

    // A retry with another organisation's id changes nothing; with its own, the row waits for the relay again.
    await repository.requeue(a!, ofB.failed);
    expect(await repository.counts([b!])).toEqual({ waitingRelay: 1, unfinished: 1, failed: 1 });
    await repository.requeue(b!, ofB.failed);
    expect(await repository.counts([b!])).toEqual({ waitingRelay: 2, unfinished: 1, failed: 0 });
    expect(await ds.query(`SELECT relayed_at, failed_at, last_error FROM outbox WHERE id = $1`, [ofB.failed])).toEqual([
      { relayed_at: null, failed_at: null, last_error: null },
    ]);
  });
});
