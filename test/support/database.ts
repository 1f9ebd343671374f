import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
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

/** A database of its own for one test file, cloned from the migrated template. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `guichet_t_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? 'template0' : required('GUICHET_TEST_TEMPLATE');
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: databaseUrl(required('GUICHET_TEST_ADMIN_URL'), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

export function testRedisUrl(): string {
  return required('GUICHET_TEST_REDIS_URL');
}
