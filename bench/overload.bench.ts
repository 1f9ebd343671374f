/**
 * Overload benchmark (issue 22): first the sustainable submit rate (64 clients in a closed loop, the
 * baseline of this run), then that rate ×2 offered in an open loop for BENCH_SECONDS (30 s by default).
 * Goals: no answer other than 200 or 503-with-Retry-After, p99 of the accepted ≤ 1 s, and every
 * accepted submit's outbox row (the receipt) done by the worker afterwards.
 *
 *   npm run build:server && node dist/bench/overload.bench.js      (or npm run bench -- overload)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figure, machineInfo, percentile, resultName, writeResult } from './lib/report';
import { freePort } from './lib/processes';
import { createBenchDatabase, dropBenchDatabase, runBench, benchOrganisation } from './lib/database';
import { anonymousCitizen } from './lib/citizens';
import { publishIntakeService } from './lib/intake-form';

const CLIENTS = 64;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 30) * 1000;
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TAG = process.env.BENCH_TAG ?? Date.now().toString(36);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const DEFINITION = {
  formatVersion: 1,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['nom'],
    properties: { nom: { type: 'string', title: 'Nom', minLength: 1, maxLength: 200 } },
  },
  pages: [{ id: 'etape-1', title: 'Étape 1', fields: ['nom'] }],
  settings: { signIn: 'none' },
};

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  const dbName = `guichet_bench_${TAG}`;
  const { url, ds } = await createBenchDatabase(ADMIN_URL, dbName);
  const { orgId, token } = await benchOrganisation(ds, 'designer');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '20',
    QUEUE_BACKEND: 'postgres',
    QUEUE_PREFIX: `bench${TAG}`.slice(0, 40).toLowerCase(),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-bench-')),
    RATE_LIMITS: 'off',
  };
  const start = (app: string): ChildProcess =>
    spawn(process.execPath, [join(__dirname, '..', 'apps', app, 'src', 'main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const api = start('api');
  const worker = start('worker');
  const exited = [api, worker].map((child) => new Promise((r) => child.once('exit', r)));
  try {
    for (
      let i = 0;
      !(await fetch(`${base}/health/live`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      if (i > 600) throw new Error('API did not start');
      await sleep(100);
    }
    await publishIntakeService(base, token, orgId, DEFINITION);

    // Drafts enough for both phases: the sustainable phase cannot exceed ~400/s on this kind of machine.
    const perClient = Math.ceil((DURATION_MS / 1000) * 20);
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const { cookie, csrf, draft, copies } = await anonymousCitizen(base, ds, 'banc', { nom: 'Camille' }, perClient);
        return { cookie, csrf, ids: [draft, ...copies] };
      }),
    );
    const submit = async (c: (typeof clients)[number], id: string) => {
      const t = performance.now();
      try {
        const res = await fetch(`${base}/api/v1/submissions/${id}/submit`, {
          method: 'POST',
          headers: {
            cookie: c.cookie,
            'x-csrf-token': c.csrf,
            'content-type': 'application/json',
            'idempotency-key': randomBytes(16).toString('hex'),
          },
          body: '{}',
        });
        await res.arrayBuffer();
        return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - t };
      } catch (error) {
        return { status: 0, retryAfter: null, ms: performance.now() - t, error: (error as Error).cause ?? error };
      }
    };

    // Baseline: the sustainable rate, 64 clients each sending its next submit when the last one is answered.
    const baseLatencies: number[] = [];
    const baseStarted = performance.now();
    const baseDeadline = baseStarted + DURATION_MS / 3;
    await Promise.all(
      clients.map(async (c) => {
        while (performance.now() < baseDeadline && c.ids.length) {
          const r = await submit(c, c.ids.shift()!);
          if (r.status === 200) baseLatencies.push(r.ms);
        }
      }),
    );
    const sustainable = baseLatencies.length / ((performance.now() - baseStarted) / 1000);

    // Offered: twice that, in an open loop (a new submit every 1/(2R) s, whatever the answers).
    const offered = Math.max(1, 2 * sustainable);
    const outcomes: Array<Awaited<ReturnType<typeof submit>>> = [];
    const pending: Array<Promise<void>> = [];
    const started = performance.now();
    for (let n = 0; performance.now() - started < DURATION_MS; n++) {
      const due = started + (n * 1000) / offered;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const c = clients[n % CLIENTS]!;
      const id = c.ids.shift();
      if (!id) break;
      pending.push(submit(c, id).then((r) => void outcomes.push(r)));
    }
    await Promise.all(pending);
    const accepted = outcomes
      .filter((o) => o.status === 200)
      .map((o) => o.ms)
      .sort((a, b) => a - b);
    const shed = outcomes.filter((o) => o.status === 503 && o.retryAfter).length;
    const otherErrors: Record<string, number> = {};
    for (const o of outcomes) {
      if (o.status === 200 || (o.status === 503 && o.retryAfter)) continue;
      const key = o.status ? `HTTP ${o.status}` : String((o as { error?: { code?: string } }).error?.code ?? 'network');
      otherErrors[key] = (otherErrors[key] ?? 0) + 1;
    }
    const others = Object.values(otherErrors).reduce((a, b) => a + b, 0);

    // Every accepted submit's receipt: its outbox row done by the worker (bounded wait).
    const drainStarted = performance.now();
    let left = -1;
    while (performance.now() - drainStarted < 120_000) {
      left = Number(
        (
          (await ds.query(
            `SELECT count(*)::int AS n FROM outbox WHERE done_at IS NULL AND failed_at IS NULL`,
          )) as Array<{
            n: number;
          }>
        )[0]!.n,
      );
      if (left === 0) break;
      await sleep(1000);
    }
    const drainS = (performance.now() - drainStarted) / 1000;

    const figures = [
      figure({
        id: 'sustainable',
        label: 'sustainable submits/s (64 clients, closed loop)',
        unit: '/s',
        value: sustainable,
      }),
      figure({
        id: 'accepted-rate',
        label: `accepted submits/s at 2× offered (${offered.toFixed(0)}/s)`,
        unit: '/s',
        value: accepted.length / (DURATION_MS / 1000),
        baseline: { label: 'sustainable rate, same run', value: sustainable },
      }),
      figure({
        id: 'other-errors',
        label: 'answers other than 200 or 503 with Retry-After',
        unit: '',
        value: others,
        goal: '0',
        met: others === 0,
        note: others ? JSON.stringify(otherErrors) : undefined,
      }),
      figure({ id: 'shed', label: '503 with Retry-After (shed)', unit: '', value: shed }),
      figure({
        id: 'accepted-p99',
        label: 'accepted submit latency p99 at 2× offered',
        unit: 'ms',
        value: percentile(accepted, 99),
        baseline: {
          label: 'p99 at the sustainable rate',
          value: percentile(
            baseLatencies.sort((a, b) => a - b),
            99,
          ),
        },
        goal: '≤ 1000 ms',
        met: percentile(accepted, 99) <= 1000,
      }),
      figure({
        id: 'receipts-left',
        label: `receipts not delivered ${drainS.toFixed(0)} s after the offered load`,
        unit: '',
        value: left,
        goal: '0',
        met: left === 0,
      }),
    ];
    const file = writeResult({
      name: resultName('overload'),
      startedAt: startedAt.toISOString(),
      durationS: (Date.now() - startedAt.getTime()) / 1000,
      machine,
      figures,
      notes: [`offered ${outcomes.length} submits in ${DURATION_MS / 1000} s`],
    });
    for (const f of figures)
      process.stdout.write(
        `${f.label}: ${f.value === null ? '—' : f.value.toFixed(1)}${f.unit ? ` ${f.unit}` : ''}${f.baseline ? ` (baseline ${f.baseline.value.toFixed(1)})` : ''}${f.note ? ` ${f.note}` : ''}\n`,
      );
    process.stdout.write(`${file}\n`);
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    await Promise.all(exited);
    await ds.destroy();
    await dropBenchDatabase(ADMIN_URL, dbName);
  }
}

runBench(main);
