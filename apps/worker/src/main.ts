import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig, processCount } from '@guichet/config';
import { boundShutdown, runClustered, watchParent } from '@guichet/observability';
import { resolveInstallation, resolveQueueBackend } from '@guichet/queue';
import { createWorkerApp } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true });
  // WORKER_PROCESSES > 1: that many processes, each consuming every queue (docs/operations.md).
  await runClustered({
    processes: processCount(config.WORKER_PROCESSES, availableParallelism),
    service: 'worker',
    serve,
  });
}

async function serve(): Promise<void> {
  const loaded = loadConfig(process.env, { requireDatabaseUrl: true });
  const backend = await resolveQueueBackend(loaded, loaded.REDIS_PROBE_URL);
  // The installation's own queue prefix (QUEUE_PREFIX, or derived from its id), refused if another database holds it.
  const installation = await resolveInstallation({
    databaseUrl: loaded.DATABASE_URL!,
    backend,
    configuredPrefix: loaded.QUEUE_PREFIX,
  });
  const config = Object.freeze({ ...loaded, QUEUE_PREFIX: installation.prefix });
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
