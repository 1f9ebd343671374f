import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { errorMessage } from '@guichet/shared';
import { requestLocale } from '../errors/locale';

/** Seconds a shed client is asked to wait: long enough for the backlog to clear, short enough for a citizen. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 2;

/** Probes and metrics are always answered: an orchestrator must see a busy process as alive. */
const NEVER_SHED = /^\/(health|metrics)(\/|$)/;

export interface LagShedderOptions {
  /** Above this delay (ms), two readings in a row, new requests are shed; 0 turns shedding off. */
  limitMs: number;
  /** How often the delay is read (ms). */
  intervalMs?: number;
  /**
   * The event-loop delay (ms) since the last reading; by default the median of perf_hooks.monitorEventLoopDelay:
   * a loop that is behind for most of the interval, not one long tick (a boot, a big export) that is already over.
   */
  sample?: () => number;
  /**
   * How long (ms) a request asking for a database connection now would wait (PoolPressure). Above `waitLimitMs`, new
   * requests are shed at once: each would wait that long, then hold up the ones after it.
   */
  databaseWaitMs?: () => number;
  /** 0 (or no `databaseWaitMs`) turns this signal off. */
  waitLimitMs?: number;
}

/**
 * Admission control on event-loop lag and on the database pool's queue. When
 * the loop falls behind, or a database connection would be had only after
 * the limit, every request already accepted gets slower, and new ones would
 * only wait longer (until the client gives up or its connection is reset).
 * Past either limit the API answers new requests at once: 503
 * SERVICE_UNAVAILABLE with Retry-After, which the citizen's page retries by
 * itself (same Idempotency-Key for a submit). Requests already being served
 * are left alone. The pool's queue is read at each request (it moves in
 * milliseconds); the lag, every half second.
 */
export class LagShedder {
  private overloaded = false;
  private over = 0;
  private lastLagMs = 0;
  private readonly histogram?: IntervalHistogram;
  private readonly timer?: NodeJS.Timeout;
  private readonly sample: () => number;
  shed = 0;

  constructor(private readonly options: LagShedderOptions) {
    if (options.sample) {
      this.sample = options.sample;
    } else {
      const histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      this.histogram = histogram;
      this.sample = () => {
        const lagMs = histogram.percentile(50) / 1e6;
        histogram.reset();
        return lagMs;
      };
    }
    if (options.limitMs > 0 && !options.sample) {
      this.timer = setInterval(() => this.check(), options.intervalMs ?? 500);
      this.timer.unref();
    }
  }

  /** Reads the delay and decides whether new requests are shed until the next reading (two high ones in a row). */
  check(): boolean {
    this.lastLagMs = this.sample();
    this.over = this.options.limitMs > 0 && this.lastLagMs > this.options.limitMs ? this.over + 1 : 0;
    this.overloaded = this.over >= 2;
    return this.overloaded;
  }

  /** A request asking for a database connection now would wait longer than the limit. */
  private poolBusy(): boolean {
    const limit = this.options.waitLimitMs ?? 0;
    return limit > 0 && this.options.databaseWaitMs !== undefined && this.options.databaseWaitMs() > limit;
  }

  get lagMs(): number {
    return this.lastLagMs;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (!(this.overloaded || this.poolBusy()) || NEVER_SHED.test(req.path)) return next();
      this.shed++;
      answerOverloaded(req, res);
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram?.disable();
  }
}

/** 503 SERVICE_UNAVAILABLE with Retry-After, « service très demandé »; the request body is not read. */
export function answerOverloaded(req: Request, res: Response): void {
  const locale = requestLocale(req.headers['accept-language']);
  // The request body is not read: the connection stays usable for the retry.
  res
    .status(503)
    .setHeader('Retry-After', String(OVERLOAD_RETRY_AFTER_SECONDS))
    .setHeader('Content-Language', locale)
    .setHeader('Cache-Control', 'no-store')
    .json({
      code: 'SERVICE_UNAVAILABLE',
      message: errorMessage('SERVICE_UNAVAILABLE', locale, {
        dependencies: locale === 'fr' ? 'service très demandé' : 'high demand',
      }),
    });
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Changes one API process serves at once unless OVERLOAD_MAX_INFLIGHT says otherwise: four per core, at most the
 * pool's size. A change is mostly CPU (this process's, PostgreSQL's) between short waits: past a few per core they
 * only slow each other down. Measured by the overload bench on 2 cores: 8 at once served 57 accepted submits/s
 * with a p99 of 0.78 s where 20 (the pool's size, the former default) served 51/s with a p99 of 1.14 s.
 */
export function defaultMaxInflight(poolSize: number, cores: number): number {
  return Math.max(1, Math.min(poolSize, 4 * cores));
}

export interface AdmissionGateOptions {
  /** Changes (POST, PUT, PATCH, DELETE on /api) served at once; 0 turns the gate off. */
  maxInflight: number;
  /** How long a change may wait for its turn before it is answered 503 with Retry-After. */
  maxWaitMs: number;
}

/**
 * Admission control on the API's changes (autosaves, submits, drafts…): at
 * most `maxInflight` served at once, the others wait their turn in order, at
 * most `maxWaitMs`, then get 503 with Retry-After. Past what the machine
 * serves, a request accepted is then served in about the time the machine
 * needs for it, instead of behind an ever longer line; the refused ones are
 * retried by the citizen's page with their Idempotency-Key. File uploads
 * (multipart) go around the gate: a phone on 4G sends its photo for seconds
 * without costing the server anything meanwhile. Reads are left to the
 * shedders above.
 */
export class AdmissionGate {
  private inflight = 0;
  private readonly waiting: Array<{ admit: () => void; timer: NodeJS.Timeout }> = [];
  shed = 0;

  constructor(private readonly options: AdmissionGateOptions) {}

  get served(): number {
    return this.inflight;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (this.options.maxInflight <= 0 || !gated(req)) return next();
      const admit = () => {
        this.inflight++;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          this.inflight--;
          this.next();
        };
        res.once('finish', release);
        res.once('close', release);
        next();
      };
      if (this.inflight < this.options.maxInflight && this.waiting.length === 0) return admit();
      const waiter = {
        admit,
        timer: setTimeout(() => {
          if (!this.leave(waiter)) return;
          this.shed++;
          answerOverloaded(req, res);
        }, this.options.maxWaitMs),
      };
      this.waiting.push(waiter);
      // A client that gave up leaves the line.
      res.once('close', () => {
        if (this.leave(waiter)) clearTimeout(waiter.timer);
      });
    };
  }

  private leave(waiter: { admit: () => void; timer: NodeJS.Timeout }): boolean {
    const at = this.waiting.indexOf(waiter);
    if (at < 0) return false;
    this.waiting.splice(at, 1);
    return true;
  }

  private next(): void {
    while (this.inflight < this.options.maxInflight && this.waiting.length > 0) {
      const waiter = this.waiting.shift()!;
      clearTimeout(waiter.timer);
      waiter.admit();
    }
  }
}

function gated(req: Request): boolean {
  return (
    CHANGES.has(req.method) &&
    req.path.startsWith('/api/') &&
    !(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')
  );
}
