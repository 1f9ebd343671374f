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

/**
 * True when a Redis server answers PING at `url` within the timeout. A
 * client made for one question: no reconnection, no offline queue, no ready
 * check, torn down at once, so a start without Redis is not slowed down and
 * nothing lingers.
 */
export async function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // A refused connection is an answer (false), not an error to report.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const ping = client
      .connect()
      .then(() => client.ping())
      .then((answer) => answer === 'PONG')
      .catch(() => false);
    return await Promise.race([ping, deadline]);
  } finally {
    clearTimeout(timer);
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
