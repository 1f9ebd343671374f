import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { Counter } from 'prom-client';
import type { Logger } from 'pino';
import { AppError } from '@guichet/shared';
import type { CounterStore } from './counter-store';
import type { RateLimitRule } from './rate-limit-rules';

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds to wait before trying again (refused requests only). */
  retryAfterSeconds?: number;
  /** The rule's route pattern that matched, for metrics. */
  route?: string;
}

export interface RateLimiterOptions {
  windowSeconds: number;
  /** Hashes client addresses and account ids: keys never hold them in clear. */
  keySecret: string;
  logger: Pick<Logger, 'warn'>;
  refused?: Pick<Counter<'route'>, 'inc'>;
  storeErrors?: Pick<Counter<'store'>, 'inc'>;
  /** At most one warning per this many milliseconds while the store fails (default one a minute). */
  warnEveryMs?: number;
}

/**
 * The address a limit counts against: an IPv4 address as it is, an IPv6
 * address by its /64 (one subscriber gets a whole /64 and could otherwise
 * rotate addresses at will), an IPv4-mapped IPv6 address as IPv4.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const address = ip.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const groupsOf = (part: string) =>
    part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : ([] as string[]);
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Counts requests of the routes in the rate-limit table, per client address
 * and per signed-in account, in a store that every replica shares. Over a
 * limit: 429 RATE_LIMITED with Retry-After. When the store does not answer,
 * the request goes through (fail open): an outage of ours must never stop a
 * citizen; the warning says so without any address or account in it.
 */
export class RateLimiter {
  private lastWarning = 0;

  constructor(
    private readonly rules: readonly RateLimitRule[],
    private readonly store: CounterStore,
    private readonly options: RateLimiterOptions,
  ) {}

  private digest(value: string): string {
    return createHmac('sha256', this.options.keySecret).update(value).digest('base64url').slice(0, 22);
  }

  async check(request: {
    method: string;
    path: string;
    ip?: string;
    accountId?: string | null;
  }): Promise<RateLimitDecision> {
    for (const rule of this.rules) {
      const route = rule.routes.find((r) => r.matches(request.method, request.path));
      if (!route) continue;
      const counters: Array<{ key: string; limit: number }> = [];
      if (rule.perIp > 0)
        counters.push({ key: `rate:${rule.name}:ip:${this.digest(clientKey(request.ip))}`, limit: rule.perIp });
      if (rule.perAccount > 0 && request.accountId)
        counters.push({ key: `rate:${rule.name}:account:${this.digest(request.accountId)}`, limit: rule.perAccount });
      const windowMs = this.options.windowSeconds * 1000;
      let counts;
      try {
        counts = await Promise.all(counters.map((c) => this.store.hit(c.key, windowMs)));
      } catch (error) {
        this.failedOpen(error);
        return { allowed: true, route: route.path };
      }
      const over = counts.filter((count, i) => count.count > counters[i]!.limit);
      if (!over.length) return { allowed: true, route: route.path };
      const waitMs = Math.max(...over.map((count) => count.resetInMs));
      this.options.refused?.inc({ route: route.path });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), route: route.path };
    }
    return { allowed: true };
  }

  private failedOpen(error: unknown): void {
    this.options.storeErrors?.inc({ store: this.store.kind });
    const now = Date.now();
    if (now - this.lastWarning < (this.options.warnEveryMs ?? 60_000)) return;
    this.lastWarning = now;
    this.options.logger.warn(
      { store: this.store.kind, cause: error instanceof Error ? error.message : String(error) },
      'rate limits not enforced: their store does not answer, requests are let through',
    );
  }

  /** Express middleware; runs after the session middleware (it needs the account) and before body parsing. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      void this.check({
        method: req.method,
        path: req.path,
        ip: req.ip,
        accountId: req.session?.user?.accountId ?? null,
      }).then((decision) => {
        if (decision.allowed) return next();
        res.setHeader('Retry-After', String(decision.retryAfterSeconds));
        next(new AppError('RATE_LIMITED'));
      }, next);
    };
  }
}
