/**
 * How every `npm run` command finds its database, the same way: DATABASE_URL,
 * or else the embedded PostgreSQL that `npm start` runs (its password is kept
 * in DATA_DIR, its port is EMBEDDED_PG_PORT).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '@guichet/config';
import { createDataSource } from '@guichet/persistence';
import type { DataSource } from 'typeorm';

export interface CliDatabase {
  url: string;
  /** Set when the URL is the embedded server's, to say so when it does not answer. */
  embedded?: { port: number };
}

export function cliDatabase(env: Readonly<Record<string, string | undefined>> = process.env): CliDatabase {
  const config = loadConfig(env);
  if (config.DATABASE_URL) return { url: config.DATABASE_URL };
  const passwordFile = join(resolve(config.DATA_DIR), 'postgres.password');
  if (!existsSync(passwordFile))
    throw new ConfigError(
      'DATABASE_URL n’est pas définie et aucune base embarquée n’a été trouvée : définissez DATABASE_URL, ou lancez npm start.',
    );
  const password = readFileSync(passwordFile, 'utf8').trim();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${config.EMBEDDED_PG_PORT}/guichet`,
    embedded: { port: config.EMBEDDED_PG_PORT },
  };
}

/** An initialised data source on the CLI's database; a stopped embedded server is one French line. */
export async function openCliDatabase(applicationName: string, poolSize = 1): Promise<DataSource> {
  const database = cliDatabase();
  const dataSource = createDataSource({ url: database.url, poolSize, applicationName });
  await dataSource.initialize().catch((error: unknown) => {
    throw explained(database, error);
  });
  return dataSource;
}

/** A refused connection to the embedded server means npm start is not running: say so in one line. */
export function explained(database: CliDatabase, error: unknown): unknown {
  if (database.embedded && (error as { code?: string }).code === 'ECONNREFUSED') {
    return new ConfigError(
      `la base embarquée ne répond pas sur 127.0.0.1:${database.embedded.port} : lancez npm start dans ce dossier (ou définissez DATABASE_URL).`,
    );
  }
  return error;
}
