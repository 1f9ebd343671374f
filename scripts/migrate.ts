/** `npm run migrate`: applies pending migrations to DATABASE_URL (multi-machine installs). */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@guichet/config';
import { runMigrations } from '@guichet/persistence';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true });
  const done = await runMigrations(config.DATABASE_URL!);
  process.stdout.write(done.length ? `migrations appliquées : ${done.join(', ')}\n` : 'base à jour.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `migration impossible : ${String(error)}`}\n`);
  process.exit(1);
});
