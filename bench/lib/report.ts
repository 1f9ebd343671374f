/**
 * The one shape every benchmark writes to `bench/results/<name>.json`, so that
 * `npm run bench` (bench/run-all.ts) can put all figures in one table. Each
 * figure carries the baseline measured in the same run; nothing is compared
 * with a number from another run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Baseline {
  /** What the baseline is, e.g. "pgbench, same SQL, 64 clients". */
  label: string;
  value: number;
}

export interface Figure {
  /** Stable across runs, e.g. "mixed.autosave.p95". */
  id: string;
  label: string;
  /** "/s", "ms", "errors", "bytes"… */
  unit: string;
  /** null when there is no finite value (e.g. a percentile that fell on a receipt never caught); see note. */
  value: number | null;
  baseline: Baseline | null;
  /** value ÷ baseline.value: above 1 means more (faster for a rate, slower for a latency). */
  ratio: number | null;
  goal: string | null;
  met: boolean | null;
  note?: string;
}

export interface Machine {
  cpus: number;
  cpu: string;
  memoryGb: number;
  kernel: string;
  loadAverageAtStart: number[];
  node: string;
  [more: string]: unknown;
}

export interface BenchResult {
  name: string;
  startedAt: string;
  durationS: number;
  machine: Machine;
  figures: Figure[];
  /** Caveats the reader of the table must see (printed under it by run-all). */
  notes?: string[];
  /** The benchmark's own detailed numbers (CPU per process, counts…), in its own shape. */
  details?: unknown;
}

export function figure(f: {
  id: string;
  label: string;
  unit: string;
  value: number | null;
  baseline?: Baseline | null;
  goal?: string | null;
  met?: boolean | null;
  note?: string;
}): Figure {
  const value = f.value !== null && Number.isFinite(f.value) ? f.value : null;
  const baseline = f.baseline && Number.isFinite(f.baseline.value) ? f.baseline : null;
  return {
    id: f.id,
    label: f.label,
    unit: f.unit,
    value,
    baseline,
    ratio: value !== null && baseline && baseline.value !== 0 ? value / baseline.value : null,
    goal: f.goal ?? null,
    met: f.met ?? null,
    ...(f.note ? { note: f.note } : {}),
  };
}

/** The machine as seen when the benchmark starts; benches add the versions of what they talk to. */
export function machineInfo(extra: Record<string, unknown> = {}): Machine {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    ...extra,
  };
}

export function packageVersion(name: string): string {
  // Some packages (typeorm) do not export their package.json: then look in node_modules.
  for (const file of [
    () => require.resolve(`${name}/package.json`),
    () => join('node_modules', name, 'package.json'),
  ]) {
    try {
      return (JSON.parse(readFileSync(file(), 'utf8')) as { version: string }).version;
    } catch {
      // next
    }
  }
  return '?';
}

export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? join(process.cwd(), 'bench', 'results');
}

/** The name a bench writes its results under: its own, unless run-all asks for another (same bench, other settings). */
export function resultName(fallback: string): string {
  return process.env.BENCH_RESULT_NAME || fallback;
}

export function writeResult(result: BenchResult): string {
  mkdirSync(resultsDir(), { recursive: true });
  const file = join(resultsDir(), `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** A number for a table: about three significant digits, never scientific notation. */
export function formatNumber(n: number): string {
  const a = Math.abs(n);
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  if (a >= 0.01) return n.toFixed(3);
  if (a === 0) return '0';
  return n.toFixed(5);
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null) return '—';
  return unit === '/s' ? `${formatNumber(value)}/s` : `${formatNumber(value)} ${unit}`;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
