import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { Organisation, createDataSource, runMigrations } from '@guichet/persistence';
import { withDatabase } from './processes';

/** Runs `statement` on the server's admin database (CREATE / DROP DATABASE cannot run inside another one). */
export async function onAdminDatabase<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** A bench's own database, made on the server of `adminUrl` and migrated: its address, and a data source open on it. */
export async function createBenchDatabase(
  adminUrl: string,
  name: string,
  poolSize = 2,
): Promise<{ url: string; ds: DataSource }> {
  await onAdminDatabase(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(adminUrl, name);
  await runMigrations(url);
  const ds = createDataSource({ url, poolSize });
  await ds.initialize();
  return { url, ds };
}

/** Drops a bench's own database, whoever is still connected to it. */
export function dropBenchDatabase(adminUrl: string, name: string): Promise<void> {
  return onAdminDatabase(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/** The organisation a bench works in, and an API token for it. */
export async function benchOrganisation(
  ds: DataSource,
  role: 'designer' | 'admin',
): Promise<{ orgId: string; token: string }> {
  const org = await ds.getRepository(Organisation).save({ slug: 'bench', name: 'Commune du banc d’essai' });
  const { token } = await new ApiTokenService(ds).issue({
    organisationId: organisationId(org.id),
    name: 'bench',
    role,
  });
  return { orgId: org.id, token };
}

/** A bench's entry point: its stack trace on stderr and exit code 1 when it fails. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
