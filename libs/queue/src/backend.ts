import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

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
 * True when a Redis server answers PING at `url` within the timeout. A raw
 * socket rather than a client: nothing lingers after a refused connection,
 * so a start without Redis is not slowed down.
 */
export function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const target = new URL(url);
  const port = Number(target.port || 6379);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const commands = (password ? [user ? ['AUTH', user, password] : ['AUTH', password]] : []).concat([['PING']]);
  const wire = commands
    .map((args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`)
    .join('');

  return new Promise((resolve) => {
    const socket: Socket =
      target.protocol === 'rediss:' ? tlsConnect({ host, port, servername: host }) : connect({ host, port });
    let received = '';
    const done = (answer: boolean) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once(target.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => socket.write(wire));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.startsWith('-')) done(false);
      else if (received.includes('+PONG')) done(true);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
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
