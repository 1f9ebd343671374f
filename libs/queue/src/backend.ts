import { Redis } from 'ioredis';

export type QueueBackendKind = 'redis' | 'postgres';

export interface ResolvedQueueBackend {
  kind: QueueBackendKind;
  /** Set when kind is redis. */
  redisUrl?: string;
  /** Why this backend was chosen, for the start-up banner. */
  reason: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** True when a Redis server answers PING at `url` within the timeout. */
export async function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Picks the queue backend: QUEUE_BACKEND when set; Redis when REDIS_URL is
 * set; Redis on 127.0.0.1:6379 when one answers; otherwise BullMQ's
 * PostgreSQL backend on the application database.
 */
export async function resolveQueueBackend(
  env: { QUEUE_BACKEND?: QueueBackendKind; REDIS_URL?: string },
  probeUrl = DEFAULT_REDIS_URL,
): Promise<ResolvedQueueBackend> {
  if (env.QUEUE_BACKEND === 'postgres') return { kind: 'postgres', reason: 'QUEUE_BACKEND=postgres' };
  if (env.QUEUE_BACKEND === 'redis') {
    return { kind: 'redis', redisUrl: env.REDIS_URL ?? probeUrl, reason: 'QUEUE_BACKEND=redis' };
  }
  if (env.REDIS_URL) return { kind: 'redis', redisUrl: env.REDIS_URL, reason: 'REDIS_URL' };
  if (await redisAnswers(probeUrl)) {
    return { kind: 'redis', redisUrl: probeUrl, reason: `Redis répond sur ${new URL(probeUrl).host}` };
  }
  return { kind: 'postgres', reason: `aucun Redis sur ${new URL(probeUrl).host}` };
}
