import {
  DEMO_ORGANISATION,
  Organisation,
  SystemPingRepository,
  namedStatement,
  runNamed,
  seedDemoOrganisation,
} from '@guichet/persistence';
import { withTestDataSource } from '../support/database';

describe('persistence', () => {
  const { dataSource } = withTestDataSource();

  it('seeds the demo organisation once and keeps what an operator changed', async () => {
    const first = await seedDemoOrganisation(dataSource);
    expect(first).toMatchObject(DEMO_ORGANISATION);
    await dataSource.getRepository(Organisation).update({ id: first.id }, { name: 'Commune renommée' });
    const second = await seedDemoOrganisation(dataSource);
    expect(second.id).toBe(first.id);
    expect(second.name).toBe('Commune renommée');
    expect(await dataSource.getRepository(Organisation).countBy({ slug: DEMO_ORGANISATION.slug })).toBe(1);
  });

  it('refuses two organisations with one slug', async () => {
    const repo = dataSource.getRepository(Organisation);
    await repo.insert({ slug: 'ville-de-test', name: 'Ville de Test' });
    await expect(repo.insert({ slug: 'ville-de-test', name: 'Autre' })).rejects.toMatchObject({ code: '23505' });
  });

  it('completes a ping exactly once, however often the job is delivered', async () => {
    const pings = new SystemPingRepository(dataSource);
    const ping = await pings.create('postgres');
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => pings.complete(ping.id, `host:${i}`)));
    expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already-completed')).toHaveLength(4);
    const stored = await pings.findById(ping.id);
    expect(stored?.completedAt).toBeInstanceOf(Date);
    expect(await pings.complete('3f1c2b9e-8d2a-4c4e-9a57-0c7d0b6d1e2f', 'host:1')).toBe('missing');
  });

  it('runs a named statement on every connection of the pool, and again on a new one after a failure', async () => {
    const statement = namedStatement('guichet_test_echo', `SELECT $1::int + 0 AS n, pg_backend_pid() AS pid`);
    // Run together, they take several connections: each prepares the statement once, on its own.
    const rows = await Promise.all(
      [1, 2, 3, 4].map((n) => runNamed<{ n: number; pid: number }>(dataSource, statement, [n])),
    );
    expect(rows.map(([row]) => row!.n)).toEqual([1, 2, 3, 4]);
    expect(new Set(rows.map(([row]) => row!.pid)).size).toBeGreaterThan(1);
    // A failed statement (a value the cast refuses) rejects with PostgreSQL's error; the next call still answers.
    await expect(runNamed(dataSource, statement, ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect(await runNamed(dataSource, statement, [5])).toEqual([expect.objectContaining({ n: 5 })]);
  });
});
