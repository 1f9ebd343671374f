import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@guichet/persistence';
import { databaseUrl } from './urls';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test through jest's medium, e2e or slow project`);
  return value;
}

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: required('GUICHET_TEST_ADMIN_URL') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A database's name and address, before it is made (`create`). */
function plannedDatabase(): TestDatabase & { create(empty: boolean): Promise<void> } {
  const name = `guichet_t_${randomBytes(6).toString('hex')}`;
  return {
    name,
    url: databaseUrl(required('GUICHET_TEST_ADMIN_URL'), name),
    create: async (empty) => {
      const template = empty ? 'template0' : required('GUICHET_TEST_TEMPLATE');
      await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
    },
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A database of its own for one test file, cloned from the migrated template. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const { create, ...database } = plannedDatabase();
  await create(options.empty ?? false);
  return database;
}

export interface TestDataSource {
  /** Initialised in the file's `beforeAll`, destroyed in its `afterAll`. */
  dataSource: DataSource;
  /** The file's database: its name and address are known at once, the database is made in `beforeAll`. */
  db: Pick<TestDatabase, 'name' | 'url'>;
}

/**
 * A test file's own database, cloned from the migrated template, and a data
 * source on it: made and initialised in a `beforeAll`, destroyed and dropped
 * in an `afterAll` that this registers. Call it in the describe block (or at
 * the top) of a file; the data source can be used from the first test on.
 */
export function withTestDataSource(options: { poolSize?: number } = {}): TestDataSource {
  const { create, drop, ...db } = plannedDatabase();
  const dataSource = createDataSource({ url: db.url, poolSize: options.poolSize ?? 2 });
  beforeAll(async () => {
    await create(false);
    await dataSource.initialize();
  });
  afterAll(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    await drop();
  });
  return { dataSource, db };
}

export function testRedisUrl(): string {
  return required('GUICHET_TEST_REDIS_URL');
}

/**
 * Runs `run` while another connection holds the outbox row's lock, and cancels `run`'s statement once it waits for
 * it (as a worker dying there would leave it): for tests that a statement cut short writes nothing. `run` must end
 * with a statement that marks the row done (`UPDATE outbox SET done_at`).
 */
export async function cancelWhileWaitingOnOutboxRow(
  ds: DataSource,
  url: string,
  outboxId: string,
  run: () => Promise<unknown>,
): Promise<void> {
  const locker = new Client({ connectionString: url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM outbox WHERE id = $1 FOR UPDATE', [outboxId]);
    const running = run();
    running.catch(() => undefined);
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      // Asked outside the locker's transaction, which would read pg_stat_activity once (its first poll could come
      // before the statement waits, and every later one repeat it).
      const [waiting] = (await ds.query(
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE outbox SET done_at%'
           AND datname = current_database()`,
      )) as Array<{ pid: number }>;
      pid = waiting?.pid;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (pid === undefined) throw new Error('the statement never waited for the outbox row');
    await locker.query('SELECT pg_cancel_backend($1)', [pid]);
    await expect(running).rejects.toThrow(/cancel/);
    await locker.query('ROLLBACK');
  } finally {
    await locker.end();
  }
}
