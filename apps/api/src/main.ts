import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig, processCount, publicUrl } from '@guichet/config';
import { resolveInstallation, resolveQueueBackend } from '@guichet/queue';
import { createApiApp } from './create-app';
import { boundShutdown, runClustered, watchParent } from '@guichet/observability';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true });
  // API_PROCESSES > 1: a primary forks that many processes sharing the port (docs/operations.md).
  await runClustered({
    processes: processCount(config.API_PROCESSES, availableParallelism),
    service: 'api',
    serve,
  });
}

async function serve(): Promise<void> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true });
  if (!config.SESSION_SECRET) {
    throw new ConfigError(
      'Configuration invalide : SESSION_SECRET est obligatoire pour l’API (npm start en fournit un).',
    );
  }
  const backend = await resolveQueueBackend(config, config.REDIS_PROBE_URL);
  // The installation's own queue prefix (QUEUE_PREFIX, or derived from its id), refused if another database holds it.
  const installation = await resolveInstallation({
    databaseUrl: config.DATABASE_URL!,
    backend,
    configuredPrefix: config.QUEUE_PREFIX,
  });
  const app = await createApiApp(Object.freeze({ ...config, QUEUE_PREFIX: installation.prefix }), backend);
  await app.listen(config.PORT, config.HOST);
  watchParent(() => app.close());
  boundShutdown();
  process.stdout.write(
    JSON.stringify({
      level: 'info',
      service: 'api',
      msg: 'listening',
      url: publicUrl(config),
      queue: backend.kind,
      pid: process.pid,
    }) + '\n',
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Guichet API could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
