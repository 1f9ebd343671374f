/**
 * The commune directory (issue 23): time to build the index from the bundled
 * JSON (once per process, at first use), the memory it keeps, and a search's
 * latency over typical queries (a name's first letters, a postcode, « st »
 * homonyms), and the longest stall of the event loop during the load. `npm run build:server && node --expose-gc dist/bench/communes.bench.js`
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CommuneDirectory } from '@guichet/forms';

const QUERIES = ['o', 'orl', 'orléans', 'st denis', 'saint', '45000', '75', 'marseille 13001', 'zzz', 'lyon 3'];

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  // The longest the event loop waited during the load: what a concurrent request would feel.
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const start = process.hrtime.bigint();
  const directory = await CommuneDirectory.load();
  const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
  stall.disable();
  gc?.();
  const after = process.memoryUsage();
  const rounds = 200;
  const times: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const q of QUERIES) {
      const t = process.hrtime.bigint();
      directory.search(q, { limit: 10 });
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  process.stdout.write(
    JSON.stringify(
      {
        communes: directory.size,
        loadMs: Math.round(loadMs),
        eventLoopStallMaxMs: Math.round(stall.max / 1e6),
        heapRetainedMB: mb(after.heapUsed - before.heapUsed),
        rssGrowthMB: mb(after.rss - before.rss),
        searchMs: { p50: at(0.5), p95: at(0.95), max: at(1) },
        gcExposed: !!gc,
      },
      null,
      2,
    ) + '\n',
  );
}

void main();
