/**
 * Runs pgbench with custom scripts (each with a weight) and reads its
 * per-transaction log, so that a baseline has percentiles per script and not
 * only an average.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from './report';

export interface PgbenchScript {
  name: string;
  sql: string;
  weight?: number;
}

export interface PgbenchScriptResult {
  name: string;
  transactions: number;
  tps: number;
  p50: number;
  p95: number;
  p99: number;
  average: number;
}

export interface PgbenchResult {
  tps: number;
  transactions: number;
  failed: number;
  seconds: number;
  scripts: PgbenchScriptResult[];
  version: string;
  output: string;
}

export function pgbenchVersion(): Promise<string> {
  return run(['--version'], 10_000).then(
    (out) => /\(PostgreSQL\) (\S+)/.exec(out)?.[1] ?? out.trim(),
    () => 'absent',
  );
}

function run(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`pgbench ${args.join(' ')} exited with ${code ?? signal}:\n${out.slice(-2000)}`));
    });
  });
}

/**
 * pgbench -n -c clients -j threads -T seconds -M mode -f script@weight… -l, against `url`.
 * Latencies are in milliseconds, per script, from the transaction log.
 */
export async function runPgbench(
  url: string,
  scripts: PgbenchScript[],
  options: { clients: number; threads?: number; seconds: number; mode?: 'simple' | 'extended' | 'prepared' },
): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-pgbench-'));
  try {
    const args = ['-n', '-c', String(options.clients), '-j', String(options.threads ?? 2)];
    args.push(
      '-T',
      String(Math.max(1, Math.round(options.seconds))),
      '-M',
      options.mode ?? 'simple',
      '-l',
      `--log-prefix=${join(dir, 'log')}`,
    );
    scripts.forEach((s, i) => {
      const file = join(dir, `${i}-${s.name.replace(/[^a-z0-9-]/gi, '_')}.sql`);
      writeFileSync(file, s.sql);
      args.push('-f', `${file}@${s.weight ?? 1}`);
    });
    args.push(url);
    const output = await run(args, (options.seconds + 60) * 1000);
    const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1]);
    const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
    const latencies: number[][] = scripts.map(() => []);
    for (const file of readdirSync(dir).filter((f) => f.startsWith('log.'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const [, , time, script] = line.split(' ');
        const us = Number(time);
        const k = Number(script);
        if (Number.isFinite(us) && latencies[k]) latencies[k].push(us / 1000);
      }
    }
    // The effective duration pgbench used for its tps (without connection time).
    const seconds = transactions / tps;
    return {
      tps,
      transactions,
      failed,
      seconds,
      version: (await pgbenchVersion()) || '?',
      output,
      scripts: scripts.map((s, k) => {
        const sorted = latencies[k]!.sort((a, b) => a - b);
        return {
          name: s.name,
          transactions: sorted.length,
          tps: sorted.length / seconds,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
          average: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
        };
      }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
