/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL (multi-machine installs), or else to the
 * embedded PostgreSQL of a running `npm start`, found as every `npm run` command finds it.
 */
import 'reflect-metadata';
import { ConfigError } from '@guichet/config';
import { runMigrations } from '@guichet/persistence';
import { cliDatabase, explained } from './cli-database';

async function main(): Promise<void> {
  const database = cliDatabase();
  const done = await runMigrations(database.url).catch((error: unknown) => {
    throw explained(database, error);
  });
  process.stdout.write(done.length ? `migrations appliquées : ${done.join(', ')}\n` : 'base à jour.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `migration impossible : ${String(error)}`}\n`);
  process.exit(1);
});
