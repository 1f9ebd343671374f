import { Client } from 'pg';
import { Redis } from 'ioredis';
import { ConfigError } from '@guichet/config';
import type { ResolvedQueueBackend } from './backend';

/**
 * Two installations on one Redis with the same queue prefix take each other's
 * jobs: a worker of one ran the other's emails, webhooks and pings against a
 * database that did not know them. So each installation has an id, kept in its
 * own database, that names its default prefix and claims it in Redis.
 */
export interface Installation {
  /** The id kept in the database's `installation` table. */
  id: string;
  /** The queue prefix in use: QUEUE_PREFIX, or the one derived from the id. */
  prefix: string;
  /** True when the prefix was derived from the id (QUEUE_PREFIX unset). */
  derived: boolean;
}

/** Refusal to start: the prefix belongs to another database. One line, cause and fix. */
export class QueuePrefixTakenError extends ConfigError {
  constructor(
    readonly prefix: string,
    readonly owner: string,
    readonly installationId: string,
  ) {
    super(
      `Démarrage refusé : le préfixe de file « ${prefix} » est déjà pris dans Redis par une autre installation ` +
        `(base ${owner}, celle-ci est ${installationId}) : donnez à chaque installation son propre QUEUE_PREFIX ` +
        `(ou laissez-le vide : chaque base a alors le sien), ou, si l’autre installation n’existe plus, ` +
        `supprimez la clé Redis « ${claimKey(prefix)} ».`,
    );
    this.name = 'QueuePrefixTakenError';
  }
}

/** The default prefix of an installation: stable (it is its id's), unique, valid for QUEUE_PREFIX. */
export function defaultQueuePrefix(installationId: string): string {
  return `guichet-${installationId.replace(/-/g, '').slice(0, 12).toLowerCase()}`;
}

/** The Redis key that says which installation owns a prefix (in the prefix's hash tag, as BullMQ's keys). */
export function claimKey(prefix: string): string {
  return `{${prefix}}:installation`;
}

/**
 * The installation's id, created by the first process that asks (API and
 * workers may start together: the singleton constraint keeps one row).
 */
export async function installationId(databaseUrl: string, attempts = 5): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readInstallationId(databaseUrl);
    } catch (error) {
      // A database still starting (compose, a restart) gets the same patience as the processes' pools: ~10 s.
      if (error instanceof ConfigError || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function readInstallationId(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'guichet-installation' });
  // The connection ended by the server (a restart) rejects the query in flight; unheard, its 'error' would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`INSERT INTO installation DEFAULT VALUES ON CONFLICT (singleton) DO NOTHING`);
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM installation`);
    return rows[0]!.id;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') {
      throw new ConfigError(
        'Démarrage refusé : la base n’est pas à jour (table installation absente) : lancez npm run migrate.',
      );
    }
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Claims `prefix` in Redis for this installation (SET NX), or refuses when
 * another installation holds it. Claiming it again with the same id is a
 * no-op, so every API and worker process of one installation passes.
 */
export async function claimQueuePrefix(redisUrl: string, prefix: string, id: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const key = claimKey(prefix);
    if ((await redis.set(key, id, 'NX')) === 'OK') return;
    const owner = await redis.get(key);
    if (owner === id) return;
    if (owner === null) return claimQueuePrefix(redisUrl, prefix, id); // deleted in between: claim again
    throw new QueuePrefixTakenError(prefix, owner, id);
  } finally {
    redis.disconnect();
  }
}

/**
 * What every process that touches the queues runs at start: reads (or
 * creates) the installation id, picks the prefix (QUEUE_PREFIX, else the one
 * derived from the id) and, on Redis, claims it. The PostgreSQL backend keeps
 * its jobs in the installation's own database: nothing to claim there.
 */
export async function resolveInstallation(options: {
  databaseUrl: string;
  backend: ResolvedQueueBackend;
  configuredPrefix?: string;
}): Promise<Installation> {
  const id = await installationId(options.databaseUrl);
  const prefix = options.configuredPrefix ?? defaultQueuePrefix(id);
  if (options.backend.kind === 'redis') await claimQueuePrefix(options.backend.redisUrl!, prefix, id);
  return { id, prefix, derived: options.configuredPrefix === undefined };
}
