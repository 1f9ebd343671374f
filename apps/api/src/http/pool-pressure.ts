import { performance } from 'node:perf_hooks';

/** What PoolPressure reads of a node-postgres pool (pg-pool): its queue, its size and its events. */
export interface ObservedPool {
  readonly waitingCount: number;
  readonly options: { max: number };
  on(event: 'acquire', listener: (client: object) => void): unknown;
  on(event: 'release', listener: (error: unknown, client: object) => void): unknown;
}

/**
 * How long a request asking for a database connection now would wait: the
 * requests queued before it, times how long a connection is held (the moving
 * average of the pool's acquire/release events, or the average age of the
 * connections held now when they are stuck longer), divided by the
 * connections serving the queue. A queue of 40 behind 20 connections held
 * 5 ms each is a 10 ms wait, not an overload; the same queue behind
 * connections held 200 ms each is.
 */
export class PoolPressure {
  /** The connections held now, with when each was taken (at most the pool's size). */
  private readonly acquiredAt = new Map<object, number>();
  private holdMs = 0;

  constructor(
    private readonly pool: ObservedPool,
    /** The clock, in ms (a test gives its own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    pool.on('acquire', (client) => this.acquiredAt.set(client, this.now()));
    pool.on('release', (_error, client) => {
      const at = this.acquiredAt.get(client);
      if (at === undefined) return;
      this.acquiredAt.delete(client);
      const held = this.now() - at;
      this.holdMs = this.holdMs === 0 ? held : 0.9 * this.holdMs + 0.1 * held;
    });
  }

  /** The expected wait (ms) for a connection asked now. */
  expectedWaitMs(): number {
    const waiting = this.pool.waitingCount;
    if (waiting === 0) return 0;
    const now = this.now();
    let age = 0;
    for (const at of this.acquiredAt.values()) age += now - at;
    const heldNow = this.acquiredAt.size ? age / this.acquiredAt.size : 0;
    return ((waiting + 1) * Math.max(this.holdMs, heldNow)) / Math.max(1, this.pool.options.max);
  }

  /** The average time (ms) a connection is held, for metrics. */
  get averageHoldMs(): number {
    return this.holdMs;
  }
}
