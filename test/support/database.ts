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
