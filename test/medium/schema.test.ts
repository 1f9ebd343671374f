import { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@guichet/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Entities and migrations must describe the same schema; CI fails when they drift. */
describe('database schema', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    dataSource = createDataSource({ url: db.url, poolSize: 1 });
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('applies every migration on an empty database', async () => {
    const applied = await runMigrations(db.url);
    expect(applied).toEqual([
      'CreateOrganisation1763800000000',
      'CreateSystemPing1763800000001',
      'CreateServices1763900000000',
      'CreateAccountsAndSessions1764000000000',
      'CreateSubmissions1764100000000',
      'CreateMessagesAndAttachments1764200000000',
      'Workflow1764300000000',
      'Retention1764400000000',
      'Desk1764500000000',
      'AgentPreferences1764600000000',
      'ScopedGrants1764700000000',
      'RateLimits1764800000000',
      'InboxColumns1764850000000',
      'OrganisationAdmin1764900000000',
      'DeskExports1764950000000',
      'TestSubmissions1765000000000',
      'DeskMessages1765100000000',
      'DefinitionsAsJson1765180000000',
      'AccessRevocation1765300000000',
      'DeskJourneys1765420000000',
      'Installation1765620000000',
      'TestAttachments1765700000000',
      'FollowLinks1765800000000',
      'OrganisationArchives1765900000000',
      'OutboxDone1766000000000',
    ]);
    expect(await runMigrations(db.url)).toEqual([]);
  });

  it('matches the entities exactly (no pending schema change)', async () => {
    await runMigrations(db.url);
    await dataSource.initialize();
    const pending = await dataSource.driver.createSchemaBuilder().log();
    // If this fails, generate a migration: the queries below are what it must contain.
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('reverts every migration down to an empty schema', async () => {
    if (!dataSource.isInitialized) await dataSource.initialize();
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    const tables = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    expect(tables).toEqual([]);
    expect(await runMigrations(db.url)).toHaveLength(dataSource.migrations.length);
  });
});
