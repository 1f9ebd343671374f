import { createHash } from 'node:crypto';
import { LruCache } from '@guichet/shared';

/**
 * What every connector of issue 23 (company directory, associations,
 * addresses, family quotient) needs of an HTTP provider, once: a timeout, a
 * circuit breaker, a small cache of answers, and lookups of the same key in
 * flight sharing one request. The provider's answer is parsed by the
 * connector; nothing of a query nor of an answer is logged here.
 */

/** The provider did not answer usably (down, slow, unreadable, or the breaker is open): the citizen types. */
export class LookupUnavailableError extends Error {
  constructor(readonly reason: 'timeout' | 'network' | 'status' | 'garbage' | 'open') {
    super(`provider unavailable (${reason})`);
    this.name = 'LookupUnavailableError';
  }
}

export interface ProviderClientOptions {
  timeoutMs?: number;
  /** Consecutive failures that open the breaker. */
  failuresToOpen?: number;
  /** How long an open breaker fails fast before letting one request try. */
  openMs?: number;
  cacheMs?: number;
  cacheSize?: number;
  /** For tests: the clock. */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface ProviderRequest {
  url: string;
  headers?: Record<string, string>;
  /** HTTP statuses that are an answer (e.g. 404 « not found »), given to `parse` with a null body. */
  answerStatuses?: readonly number[];
}

/**
 * One provider: `lookup(key, request, parse)` answers from the cache, or asks
 * the provider once (sharing a request already in flight for the same key),
 * and parses its JSON answer. Failures (`LookupUnavailableError`, thrown by
 * `parse` too for an answer of the wrong shape) count towards the breaker:
 * after `failuresToOpen` in a row, every lookup fails at once for `openMs`,
 * then one is let through. Found and not-found answers are cached for
 * `cacheMs`; failures are not.
 */
export class ProviderClient {
  private readonly timeoutMs: number;
  private readonly failuresToOpen: number;
  private readonly openMs: number;
  private readonly cacheMs: number;
  private readonly cache: LruCache<string, { at: number; value: unknown }>;
  private readonly now: () => number;
  private readonly fetcher: typeof fetch;
  private failures = 0;
  private openUntil = 0;
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(options: ProviderClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.failuresToOpen = options.failuresToOpen ?? 5;
    this.openMs = options.openMs ?? 30_000;
    this.cacheMs = options.cacheMs ?? 5 * 60_000;
    this.cache = new LruCache(options.cacheSize ?? 1000);
    this.now = options.now ?? Date.now;
    this.fetcher = options.fetch ?? fetch;
  }

  /** Whether lookups currently fail fast. */
  get open(): boolean {
    return this.failures >= this.failuresToOpen && this.now() < this.openUntil;
  }

  /**
   * The parsed answer for `key` (the cache's key: the query, normalised).
   * `parse` receives the JSON body (null for an `answerStatuses` status) and
   * the status; it throws `LookupUnavailableError('garbage')` for a body of
   * the wrong shape.
   */
  async lookup<T>(key: string, request: ProviderRequest, parse: (body: unknown, status: number) => T): Promise<T> {
    const kept = this.cache.get(key);
    if (kept && this.now() - kept.at < this.cacheMs) return kept.value as T;
    const running = this.pending.get(key);
    if (running) return running as Promise<T>;
    const lookup = this.ask(key, request, parse).finally(() => this.pending.delete(key));
    this.pending.set(key, lookup);
    return lookup;
  }

  private async ask<T>(key: string, request: ProviderRequest, parse: (body: unknown, status: number) => T): Promise<T> {
    if (this.failures >= this.failuresToOpen) {
      if (this.now() < this.openUntil) throw new LookupUnavailableError('open');
      // Half open: this one tries; if it fails, the breaker opens again at once.
      this.failures = this.failuresToOpen - 1;
    }
    try {
      const value = await this.request(request, parse);
      this.failures = 0;
      this.cache.set(key, { at: this.now(), value });
      return value;
    } catch (error) {
      this.failures++;
      if (this.failures >= this.failuresToOpen) this.openUntil = this.now() + this.openMs;
      throw error;
    }
  }

  private async request<T>(request: ProviderRequest, parse: (body: unknown, status: number) => T): Promise<T> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetcher(request.url, {
        signal,
        headers: { accept: 'application/json', ...request.headers },
        redirect: 'error',
      });
    } catch {
      throw new LookupUnavailableError(signal.aborted ? 'timeout' : 'network');
    }
    if (request.answerStatuses?.includes(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      return parse(null, response.status);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new LookupUnavailableError('status');
    }
    let body: unknown;
    try {
      // Bounded by the timeout too: a body that trickles in is a slow answer.
      const text = await response.text();
      if (text.length > 2_000_000) throw new Error('too long');
      body = JSON.parse(text);
    } catch {
      throw new LookupUnavailableError(signal.aborted ? 'timeout' : 'garbage');
    }
    return parse(body, response.status);
  }
}

/**
 * One provider per process for the settings it is given (one cache and one
 * breaker, shared by every caller): `perProcess(create)` returns a function
 * that builds the provider at the first call and again only when the settings
 * change. The settings are kept as a hash: a token among them is not held in
 * clear twice.
 */
export function perProcess<Options extends object, Provider>(
  create: (options: Options) => Provider,
): (options: Options) => Provider {
  let shared: { key: string; provider: Provider } | undefined;
  return (options) => {
    const key = createHash('sha256').update(JSON.stringify(options)).digest('hex');
    if (shared?.key !== key) shared = { key, provider: create(options) };
    return shared.provider;
  };
}
