import 'reflect-metadata';
import { ConfigError, loadConfig } from '@guichet/config';
import { boundShutdown, watchParent } from '@guichet/observability';
import { resolveQueueBackend } from '@guichet/queue';
import { createWorkerApp } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true });
  const backend = await resolveQueueBackend(config, config.REDIS_PROBE_URL);
  const app = await createWorkerApp(config, backend);
  watchParent(() => app.close());
  boundShutdown();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Guichet worker could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
