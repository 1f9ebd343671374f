import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CDPSession } from 'playwright-core';

/** A page's CPU profile and timeline trace under way (`startProfile`), written by `stop`. */
export interface RunningProfile {
  /** Stops both and writes `<base>.cpuprofile` and `<base>.trace.json` (open them in Chromium's DevTools). */
  stop(base: string): Promise<void>;
}

/**
 * Starts the page's CPU profile (sampled every `intervalUs`) and its timeline trace (layouts, style, paints, events:
 * what the CPU profile does not show), for the benches that write them (`BENCH_PROFILE_DIR`).
 */
export async function startProfile(cdp: CDPSession, intervalUs: number): Promise<RunningProfile> {
  const traceEvents: unknown[] = [];
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
  cdp.on('Tracing.dataCollected', (e: { value: unknown[] }) => traceEvents.push(...e.value));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.stack',
    transferMode: 'ReportEvents',
  });
  return {
    async stop(base) {
      const { profile } = await cdp.send('Profiler.stop');
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await done;
      mkdirSync(dirname(base), { recursive: true });
      writeFileSync(`${base}.trace.json`, JSON.stringify(traceEvents));
      writeFileSync(`${base}.cpuprofile`, JSON.stringify(profile));
    },
  };
}
