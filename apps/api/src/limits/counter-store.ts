import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

export interface WindowCount {
  /** Hits counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetInMs: number;
}

/**
 * Fixed-window counters shared by every API replica. A window opens at the
 * first hit of a key and lasts `windowMs`; each hit adds one, atomically.
 */
export interface CounterStore {
  readonly kind: 'redis' | 'postgres';
  hit(key: string, windowMs: number): Promise<WindowCount>;
  close(): Promise<void>;
}

// INCR then PEXPIRE on the first hit, in one script so that no replica ever sees a key without its expiry.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

type ScriptedRedis = Redis & { guichetHit(key: string, windowMs: number): Promise<[number, number]> };

/** Counters in Redis (the queue's Redis), under the installation's queue prefix. */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  private readonly client: ScriptedRedis;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly timeoutMs = 1000,
    onError: (error: Error) => void = () => undefined,
  ) {
    // No offline queue: while Redis is away a hit fails at once and the request goes through (fail open)
    // instead of waiting for it. A Redis that accepts commands but does not answer: see `hit`.
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      lazyConnect: true,
      retryStrategy: (attempt) => Math.min(attempt * 250, 5000),
    }) as ScriptedRedis;
    this.client.defineCommand('guichetHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.client.on('error', onError);
  }

  /** Waits (a little) for the first connection, so that the first requests are counted too. */
  async connect(waitMs = 2000): Promise<void> {
    await Promise.race([
      this.client.connect().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, waitMs).unref()),
    ]);
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
    });
    try {
      const [count, ttl] = await Promise.race([this.client.guichetHit(`${this.prefix}:${key}`, windowMs), late]);
      return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

/**
 * Counters in PostgreSQL (table `rate_limit_counter`): for installations
 * without Redis, and for what must hold even while Redis is down (used
 * anti-robot challenges). One upsert per hit; expired rows are deleted now
 * and then by whichever replica passes by.
 */
export class PostgresCounterStore implements CounterStore {
  readonly kind = 'postgres';
  private lastPrune = Date.now();

  constructor(
    private readonly dataSource: DataSource,
    private readonly pruneEveryMs = 5 * 60_000,
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    this.maybePrune();
    const rows: Array<{ hits: number; reset_in_ms: string }> = await this.dataSource.query(
      `INSERT INTO rate_limit_counter AS c (key, hits, reset_at)
       VALUES ($1, 1, now() + $2::int * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN c.reset_at <= now() THEN 1 ELSE least(c.hits + 1, 2000000000) END,
         reset_at = CASE WHEN c.reset_at <= now() THEN excluded.reset_at ELSE c.reset_at END
       RETURNING hits, ceil(extract(epoch FROM (reset_at - now())) * 1000)::bigint AS reset_in_ms`,
      [key, Math.round(windowMs)],
    );
    const row = rows[0]!;
    return { count: Number(row.hits), resetInMs: Math.max(0, Number(row.reset_in_ms)) };
  }

  private maybePrune(): void {
    if (Date.now() - this.lastPrune < this.pruneEveryMs) return;
    this.lastPrune = Date.now();
    this.dataSource.query(`DELETE FROM rate_limit_counter WHERE reset_at < now()`).catch(() => undefined);
  }

  async close(): Promise<void> {
    // The data source belongs to the application.
  }
}
