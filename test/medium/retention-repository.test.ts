import { randomUUID } from 'node:crypto';
import { organisationId } from '@guichet/shared';
import { RetentionRepository } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The retention repository against the real PostgreSQL: its sweeps see every
 * organisation (and say so), and the writes that follow are scoped by the
 * organisation they are given: another organisation's id finds and changes
 * nothing.
 */
describe('RetentionRepository', () => {
  const { dataSource: ds } = withTestDataSource();

  it('sweeps every organisation, and writes only in the organisation it is given', async () => {
    const a = await seedCanteenService(ds, 'retention-a');
    const b = await seedCanteenService(ds, 'retention-b');
    const mine = await seedRequest(ds, a, { status: 'accepted' });
    const theirs = await seedRequest(ds, b, { status: 'accepted' });
    await ds.query(`UPDATE submission SET purge_at = now() + interval '10 days' WHERE id = ANY($1)`, [
      [mine.id, theirs.id],
    ]);
    const repository = new RetentionRepository(ds.manager);
    const [orgA, orgB] = [organisationId(a.org.id), organisationId(b.org.id)];

    const due = await repository.transaction((r) => r.dueForNoticeInAnyOrganisation(14, 10));
    expect(due.map((d) => [d.id, d.organisationId]).sort()).toEqual(
      [
        [mine.id, orgA],
        [theirs.id, orgB],
      ].sort(),
    );

    // Another organisation's id: no event, no outbox row, not marked.
    expect(await repository.recordNotice(orgB, mine.id, randomUUID(), true)).toBe(false);
    const untouched = async (id: string) => ({
      events: await ds.query(
        `SELECT type FROM submission_event WHERE submission_id = $1 AND type = 'retention_notice'`,
        [id],
      ),
      outbox: await ds.query(`SELECT id FROM outbox WHERE payload->>'submissionId' = $1`, [id]),
      marked: (await ds.query(`SELECT retention_notice_at FROM submission WHERE id = $1`, [id]))[0].retention_notice_at,
    });
    expect(await untouched(mine.id)).toEqual({ events: [], outbox: [], marked: null });

    // Its own: the event, the email owed, the mark, all in the request's organisation.
    const eventId = randomUUID();
    expect(await repository.recordNotice(orgA, mine.id, eventId, true)).toBe(true);
    expect(
      await ds.query(`SELECT organisation_id, type, visibility FROM submission_event WHERE id = $1`, [eventId]),
    ).toEqual([{ organisation_id: orgA, type: 'retention_notice', visibility: 'public' }]);
    expect(
      await ds.query(`SELECT organisation_id, payload FROM outbox WHERE payload->>'submissionId' = $1`, [mine.id]),
    ).toEqual([
      {
        organisation_id: orgA,
        payload: { submissionId: mine.id, eventId, template: 'retention_notice' },
      },
    ]);
    expect((await untouched(mine.id)).marked).not.toBeNull();
    expect((await repository.transaction((r) => r.dueForNoticeInAnyOrganisation(14, 10))).map((d) => d.id)).toEqual([
      theirs.id,
    ]);

    // Past the date: the sweep names both; a delete with another organisation's id keeps the request.
    await ds.query(`UPDATE submission SET purge_at = now() - interval '1 minute' WHERE id = ANY($1)`, [
      [mine.id, theirs.id],
    ]);
    expect((await repository.expiredInAnyOrganisation(10)).map((r) => r.id).sort()).toEqual(
      [mine.id, theirs.id].sort(),
    );
    await repository.deleteExpired(orgA, theirs.id);
    expect(await ds.query(`SELECT id FROM submission WHERE id = $1`, [theirs.id])).toEqual([{ id: theirs.id }]);
    await repository.deleteExpired(orgB, theirs.id);
    expect(await ds.query(`SELECT id FROM submission WHERE id = $1`, [theirs.id])).toEqual([]);
  });
});
