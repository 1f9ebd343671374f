import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one API process. A registry per app, so tests can run several. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'guichet_http_request_duration_seconds',
    help: 'HTTP request duration, by route pattern (never the raw path, which may hold ids).',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly jobsEnqueued = new Counter({
    name: 'guichet_jobs_enqueued_total',
    help: 'Jobs handed to the queue backend, by job name.',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'guichet_rate_limited_total',
    help: 'Requests refused with 429 RATE_LIMITED, by route pattern.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  readonly rateLimitStoreErrors = new Counter({
    name: 'guichet_rate_limit_store_errors_total',
    help: 'Requests let through unchecked because the rate-limit store did not answer (fail open), by store.',
    labelNames: ['store'] as const,
    registers: [this.registry],
  });

  readonly requestTimeouts = new Counter({
    name: 'guichet_request_timeouts_total',
    help: 'Requests answered 503 REQUEST_TIMEOUT because their handler took too long, by route pattern.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'guichet_' });
  }
}
