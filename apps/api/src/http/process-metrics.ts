import { Gauge, type Registry } from 'prom-client';
import type { LagShedder } from './overload';

/**
 * Metrics of this API process for /metrics: which process answered (its pid,
 * so an operator, or a test, can see the cluster's processes take turns), the
 * event-loop delay the shedder last read, and how many requests it shed.
 */
export function registerProcessMetrics(registry: Registry, shedder: LagShedder): void {
  new Gauge({
    name: 'guichet_api_process',
    help: 'This API process (1), labelled with its pid.',
    labelNames: ['pid'],
    registers: [registry],
  }).set({ pid: String(process.pid) }, 1);
  new Gauge({
    name: 'guichet_event_loop_lag_ms',
    help: 'Event-loop delay (median over the last reading, ms) as the overload shedder saw it.',
    registers: [registry],
    collect() {
      this.set(shedder.lagMs);
    },
  });
  new Gauge({
    name: 'guichet_overload_shed_total',
    help: 'Requests answered 503 with Retry-After because the event loop lagged (OVERLOAD_LAG_MS).',
    registers: [registry],
    collect() {
      this.set(shedder.shed);
    },
  });
}
