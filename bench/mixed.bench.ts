/**
 * Mixed traffic benchmark (issue 10: `npm run bench`). 64 concurrent clients,
 * closed loop, over HTTP against the built API and one worker process started
 * here on a fresh database, for 60 s after a 5 s warm-up:
 *
 *   80 % autosave  PATCH /api/v1/submissions/:id        (each client saves its own draft, 40 fields)
 *   15 % submit    POST  /api/v1/submissions/:id/submit (drafts created beforehand; routed in the submit's
 *                                                         transaction; the worker then sends the receipt email)
 *    5 % read      GET   /api/v1/submissions/:id        (see `read` below: the caseworker inbox once it exists)
 *
 * Reported per kind: throughput, p50/p95/p99 of the requests answered 2xx, and
 * the errors (non-2xx by status, network errors by code). Baseline, same run,
 * after the API and the worker have stopped: pgbench with 64 clients running
 * the SQL those three requests issue (session read included), weighted 80/15/5,
 * over the extended protocol as node-postgres does.
 *
 *   npm run build:server && node dist/bench/mixed.bench.js
 *   BENCH_SECONDS=20 BENCH_WARMUP_SECONDS=2 BENCH_BASELINE_SECONDS=10 to shorten;
 *   BENCH_LOG_STATEMENTS=1 logs every statement of the bench database in the PostgreSQL
 *   server log (to check the pgbench scripts against what the API really sends).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { OWNER_VIEW } from '@guichet/submissions';
import { Organisation, createDataSource, runMigrations } from '@guichet/persistence';
import { runPgbench, type PgbenchScript } from './lib/pgbench';
import {
  figure,
  formatNumber,
  machineInfo,
  packageVersion,
  percentile,
  resultName,
  writeResult,
  type Figure,
} from './lib/report';
import { freePort, sleep, stopProcess, withDatabase } from './lib/processes';
import { dropBenchDatabase, runBench } from './lib/database';
import { anonymousCitizen } from './lib/citizens';
import { INTAKE_FIELDS, intakeAnswers, intakeDefinition } from './lib/intake-form';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** run-all passes a tag so that it can clean up after a bench it had to kill. */
const TAG = process.env.BENCH_TAG ?? `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const CLIENTS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? Math.min(SECONDS, 30));
const FIELDS = INTAKE_FIELDS;
const SLUG = 'banc';
const SHARE = { autosave: 80, submit: 15, read: 5 } as const;
type Kind = keyof typeof SHARE;
const KINDS = Object.keys(SHARE) as Kind[];

/** The submit benchmark's answers, the first one ending with what was typed. */
function answers(typed = ''): Record<string, unknown> {
  return { ...intakeAnswers(), q0: `réponse 0${typed}` };
}

/* ------------------------------------------------------------------------ */
/* HTTP                                                                     */
/* ------------------------------------------------------------------------ */

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });
let base = { port: 0 };

interface Answer {
  /** HTTP status, or the network error's code. */
  status: number | string;
  ms: number;
  /** Seconds, when a 503 says when to come back (the API's admission control). */
  retryAfter?: number;
}

/** One request on a kept-alive connection (node:http costs this process less CPU than fetch). */
let send = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> => {
  const t = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: base.port,
        method,
        path,
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        const retryAfter = res.statusCode === 503 ? Number(res.headers['retry-after']) : NaN;
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - t,
            ...(Number.isFinite(retryAfter) ? { retryAfter } : {}),
          }),
        );
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ status: error.code ?? error.message, ms: performance.now() - t }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: error.code ?? error.message, ms: performance.now() - t }),
    );
    req.end(body);
  });
};

interface Citizen {
  n: number;
  headers: Record<string, string>;
  /** The session id (in PostgreSQL's session table), for the pgbench baseline. */
  sid: string;
  /** The draft this citizen keeps typing into. */
  draft: string;
  /** Drafts waiting to be submitted (cloned in SQL). */
  toSubmit: string[];
  typed: number;
}

function autosave(c: Citizen): Promise<Answer> {
  const body = JSON.stringify({ data: answers(String(++c.typed)) });
  return send('PATCH', `/api/v1/submissions/${c.draft}`, c.headers, body);
}

function submit(c: Citizen): Promise<Answer> | undefined {
  const id = c.toSubmit.pop();
  if (!id) return undefined;
  return send('POST', `/api/v1/submissions/${id}/submit`, c.headers, '{}');
}

interface Reader {
  citizen: Citizen;
  /** A caseworker API token of the organisation (issued in the setup, for the inbox). */
  caseworker: Record<string, string>;
}

/**
 * The 5 % read. The caseworker inbox (GET /api/v1/services/:slug/inbox) was
 * being written in another issue when this bench was; until the switch the
 * read is the citizen's own draft. Switching is this one line (the printed
 * route follows by itself):
 *   const read = ({ caseworker }: Reader) => send('GET', `/api/v1/services/${SLUG}/inbox`, caseworker);
 * and the pgbench `read` script below then takes the inbox's SQL (its statements, read in the log with
 * BENCH_LOG_STATEMENTS=1), so that the baseline stays the same SQL.
 */
const read = ({ citizen }: Reader) => send('GET', `/api/v1/submissions/${citizen.draft}`, citizen.headers);
/** The route `read` used, ids replaced by :id (printed with the results). */
let readRoute = '';

/* ------------------------------------------------------------------------ */
/* CPU per process, as in workflow.bench.ts                                */
/* ------------------------------------------------------------------------ */

function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function startProcess(script: string, env: Record<string, string>): ChildProcess {
  // An IPC channel: the API, the worker and the catcher stop by themselves if this process dies (watchParent).
  return spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start`);
    await sleep(100);
  }
}

/* ------------------------------------------------------------------------ */
/* Main                                                                     */
/* ------------------------------------------------------------------------ */

interface Tally {
  latencies: number[];
  errors: Record<string, number>;
  /** Answered 503 with Retry-After. */
  shed: number;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  const dbName = `guichet_bench_mix_${TAG}`;
  const prefix = `bmx${TAG}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  if (process.env.BENCH_LOG_STATEMENTS) await admin.query(`ALTER DATABASE "${dbName}" SET log_statement = 'all'`);
  const pgVersion = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
  await admin.end();
  const url = withDatabase(ADMIN_URL, dbName);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  const redisUp = await redis.connect().then(
    () => true,
    () => false,
  );
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let catcher: ChildProcess | undefined;
  const ds = createDataSource({ url, poolSize: 4, applicationName: 'guichet-bench' });
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-bench-mix-'));
  try {
    await runMigrations(url);
    await ds.initialize();
    const redisVersion = redisUp ? (/redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?') : 'absent';
    const org = await ds.getRepository(Organisation).save({ slug: 'bench', name: 'Commune du banc d’essai' });
    const tokens = new ApiTokenService(ds);
    const { token } = await tokens.issue({ organisationId: organisationId(org.id), name: 'bench', role: 'designer' });
    const { token: caseworkerToken } = await tokens.issue({
      organisationId: organisationId(org.id),
      name: 'bench-caseworker',
      role: 'caseworker',
    });
    const caseworker = { authorization: `Bearer ${caseworkerToken}` };

    const smtpPort = await freePort();
    catcher = startProcess(join(__dirname, '..', 'apps', 'mailcatcher', 'src', 'main.js'), {
      MAILCATCHER_SMTP_PORT: String(smtpPort),
      MAILCATCHER_HTTP_PORT: String(await freePort()),
    });
    const common = {
      DATABASE_URL: url,
      // Redis when one answers (as in production); otherwise BullMQ's PostgreSQL backend, as `npm start` does.
      QUEUE_BACKEND: redisUp ? 'redis' : 'postgres',
      ...(redisUp ? { REDIS_URL } : {}),
      QUEUE_PREFIX: prefix,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      LOG_LEVEL: 'warn',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      DATA_DIR: dataDir,
      // Every simulated citizen comes from 127.0.0.1: the limits would measure themselves.
      RATE_LIMITS: 'off',
    };
    base = { port: await freePort() };
    const origin = `http://127.0.0.1:${base.port}`;
    api = startProcess(join(__dirname, '..', 'apps', 'api', 'src', 'main.js'), {
      ...common,
      PORT: String(base.port),
      DATABASE_POOL_SIZE: '20',
    });
    await waitUntil('API', async () => (await fetch(`${origin}/health/live`)).ok);
    worker = startProcess(join(__dirname, '..', 'apps', 'worker', 'src', 'main.js'), common);

    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${origin}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug: SLUG, title: 'Banc', organisationId: org.id, definition: intakeDefinition() }),
    });
    if (created.status !== 201) throw new Error(`service not created: ${created.status} ${await created.text()}`);
    const published = await fetch(`${origin}/api/v1/services/${SLUG}/publish`, { method: 'POST', headers: auth });
    if (published.status !== 201) throw new Error(`service not published: ${published.status}`);

    // Each client: a browser session owning one draft made over HTTP, and drafts to submit cloned from it in SQL.
    const perClient = Math.ceil((SECONDS + WARMUP_SECONDS) * 5);
    const citizens: Citizen[] = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, n) => {
        const { cookie, csrf, sid, draft, copies } = await anonymousCitizen(origin, ds, SLUG, answers(), perClient);
        return {
          n,
          headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
          sid,
          draft,
          toSubmit: copies,
          typed: 0,
        };
      }),
    );
    await ds.query('ANALYZE');

    /* -------------------------------------------------------------- */
    /* The mix: warm-up, then the measured window                     */
    /* -------------------------------------------------------------- */
    const tally = Object.fromEntries(
      KINDS.map((k): [Kind, Tally] => [k, { latencies: [], errors: {}, shed: 0 }]),
    ) as Record<Kind, Tally>;
    let measuring = false;
    let poolEmpty = 0;
    const pick = (): Kind => {
      const r = Math.random() * 100;
      return r < SHARE.autosave ? 'autosave' : r < SHARE.autosave + SHARE.submit ? 'submit' : 'read';
    };
    const loop = async (c: Citizen, until: number) => {
      while (performance.now() < until) {
        let kind = pick();
        const counted = measuring;
        let answer: Answer;
        if (kind === 'submit') {
          const pending = submit(c);
          if (pending) answer = await pending;
          else {
            poolEmpty++;
            kind = 'autosave';
            answer = await autosave(c);
          }
        } else if (kind === 'read') answer = await read({ citizen: c, caseworker });
        else answer = await autosave(c);
        // Told to come back later (the API's admission control at saturation): the citizen's page waits as told,
        // then goes on; counted apart from errors, which are every other failure.
        if (answer.retryAfter !== undefined) {
          if (counted) tally[kind].shed++;
          await new Promise((resolve) => setTimeout(resolve, answer.retryAfter! * 1000));
          continue;
        }
        if (!counted) continue;
        const t = tally[kind];
        if (typeof answer.status === 'number' && answer.status >= 200 && answer.status < 300)
          t.latencies.push(answer.ms);
        else t.errors[String(answer.status)] = (t.errors[String(answer.status)] ?? 0) + 1;
      }
    };
    // The read's route, for the report (ids replaced).
    {
      const probe = citizens[0]!;
      const seen: string[] = [];
      const saved = send;
      send = (method, path, headers, body) => (seen.push(`${method} ${path}`), saved(method, path, headers, body));
      const answer = await read({ citizen: probe, caseworker });
      send = saved;
      readRoute = seen[0]!.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id');
      if (answer.status !== 200) throw new Error(`the read answered ${answer.status}`);
    }

    const warmEnd = performance.now() + WARMUP_SECONDS * 1000;
    await Promise.all(citizens.map((c) => loop(c, warmEnd)));
    const pgPids = async () =>
      (
        (await ds.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')) as Array<{
          pid: number;
        }>
      ).map(({ pid }) => pid);
    const redisCpu = async () => {
      if (!redisUp) return NaN;
      const info = await redis.info('cpu');
      return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
    };
    const benchCpu = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    };
    const pidsBefore = await pgPids();
    const cpuBefore = {
      api: cpuSeconds(api.pid),
      worker: cpuSeconds(worker.pid),
      mailcatcher: cpuSeconds(catcher.pid),
      postgres: new Map(pidsBefore.map((p) => [p, cpuSeconds(p)])),
      redis: await redisCpu(),
      bench: benchCpu(),
    };
    const [outboxBefore] = (await ds.query(`SELECT count(*)::int AS n FROM outbox`)) as Array<{ n: number }>;

    measuring = true;
    const t0 = performance.now();
    await Promise.all(citizens.map((c) => loop(c, t0 + SECONDS * 1000)));
    const elapsed = (performance.now() - t0) / 1000;

    let postgresCpu = 0;
    for (const pid of await pgPids()) {
      const now = cpuSeconds(pid);
      if (!Number.isNaN(now)) postgresCpu += now - (cpuBefore.postgres.get(pid) ?? 0);
    }
    const round = (n: number) => Math.round(n * 100) / 100;
    const cpu = {
      api: round(cpuSeconds(api.pid) - cpuBefore.api),
      worker: round(cpuSeconds(worker.pid) - cpuBefore.worker),
      postgres: round(postgresCpu),
      redis: round((await redisCpu()) - cpuBefore.redis),
      mailcatcher: round(cpuSeconds(catcher.pid) - cpuBefore.mailcatcher),
      bench: round(benchCpu() - cpuBefore.bench),
    };
    const [outbox] = (await ds.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL)::int AS pending,
              count(failed_at)::int AS failed
         FROM outbox`,
    )) as Array<{ total: number; pending: number; failed: number }>;

    // The API and the worker stop before the baseline: PostgreSQL then has the machine to itself.
    await Promise.all([stopProcess(worker), stopProcess(api), stopProcess(catcher)]);

    /* -------------------------------------------------------------- */
    /* Baseline: pgbench, the same SQL, weighted 80/15/5              */
    /* -------------------------------------------------------------- */
    await ds.query(
      `CREATE TABLE bench_client (client int PRIMARY KEY, id uuid NOT NULL, owner text NOT NULL, sid text NOT NULL,
                                  organisation_id uuid NOT NULL, service_id uuid NOT NULL, form_version_id uuid NOT NULL)`,
    );
    await ds.query(
      `INSERT INTO bench_client
       SELECT t.n - 1, s.id, s.anonymous_owner, t.sid, s.organisation_id, s.service_id, s.form_version_id
         FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS t(id, sid, n) JOIN submission s ON s.id = t.id`,
      [citizens.map((c) => c.draft), citizens.map((c) => c.sid)],
    );
    // Drafts to submit: those left, plus fresh clones, so that each pgbench submit takes a draft of its own.
    await ds.query(
      `INSERT INTO submission (organisation_id, service_id, form_version_id, version_number, anonymous_owner, status, data, revision)
       SELECT s.organisation_id, s.service_id, s.form_version_id, s.version_number, s.anonymous_owner, 'draft', s.data, 1
         FROM bench_client b JOIN submission s ON s.id = b.id, generate_series(1, $1)`,
      [BASELINE_SECONDS * 4],
    );
    await ds.query(
      `CREATE TABLE bench_draft AS
       SELECT (row_number() OVER ())::int AS n, s.id, b.owner, b.sid, b.organisation_id, b.service_id, b.form_version_id
         FROM submission s JOIN bench_client b ON b.owner = s.anonymous_owner
        WHERE s.status = 'draft' AND s.id <> b.id`,
    );
    await ds.query('ALTER TABLE bench_draft ADD PRIMARY KEY (n)');
    const [{ drafts }] = (await ds.query('SELECT count(*)::int AS drafts FROM bench_draft')) as [
      {
        drafts: number;
      },
    ];
    await ds.query('CREATE SEQUENCE bench_draft_seq');
    await ds.query('ANALYZE');
    const quote = (text: string) => text.replace(/'/g, "''");
    const typed = answers('pgbench');
    const search = Object.values(typed)
      .filter((v) => typeof v === 'string')
      .join(' ');
    const scripts = baselineScripts(
      quote(JSON.stringify(typed)),
      quote(`B-0000 personne2@exemple.fr ${search}`),
      drafts,
    );
    const pg = await runPgbench(url, scripts, {
      clients: CLIENTS,
      threads: 2,
      seconds: BASELINE_SECONDS,
      mode: 'extended',
    });

    /* -------------------------------------------------------------- */
    /* Report                                                         */
    /* -------------------------------------------------------------- */
    const stats = KINDS.map((kind) => {
      const t = tally[kind];
      const sorted = t.latencies.sort((a, b) => a - b);
      const errors = Object.values(t.errors).reduce((a, b) => a + b, 0);
      const baseline = pg.scripts.find((s) => s.name === kind)!;
      return {
        kind,
        ok: sorted.length,
        errors,
        errorsByStatus: t.errors,
        shed: t.shed,
        rate: sorted.length / elapsed,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        baseline,
      };
    });
    const totalOk = stats.reduce((a, s) => a + s.ok, 0);
    const totalErrors = stats.reduce((a, s) => a + s.errors, 0);
    const totalShed = stats.reduce((a, s) => a + s.shed, 0);
    const errorsByStatus: Record<string, number> = {};
    for (const s of stats)
      for (const [status, n] of Object.entries(s.errorsByStatus))
        errorsByStatus[status] = (errorsByStatus[status] ?? 0) + n;
    const pgLabel = (what: string) => `pgbench ${what}, same SQL, ${CLIENTS} clients`;
    const figures: Figure[] = [
      figure({
        id: 'mixed.total.rate',
        label: `mixed traffic: requests/s answered 2xx (${CLIENTS} clients, 80/15/5)`,
        unit: '/s',
        value: totalOk / elapsed,
        baseline: { label: pgLabel('transactions/s'), value: pg.tps },
      }),
    ];
    const labelOf: Record<Kind, string> = {
      autosave: 'autosave',
      submit: 'submit',
      read: `read (${readRoute})`,
    };
    for (const s of stats) {
      figures.push(
        figure({
          id: `mixed.${s.kind}.rate`,
          label: `mixed: ${labelOf[s.kind]} requests/s`,
          unit: '/s',
          value: s.rate,
          baseline: { label: pgLabel(`${s.kind} transactions/s`), value: s.baseline.tps },
        }),
      );
      for (const p of [50, 95, 99] as const)
        figures.push(
          figure({
            id: `mixed.${s.kind}.p${p}`,
            label: `mixed: ${labelOf[s.kind]} latency p${p}`,
            unit: 'ms',
            value: s[`p${p}`],
            baseline: { label: pgLabel(`${s.kind} p${p}`), value: s.baseline[`p${p}`] },
          }),
        );
    }
    figures.push(
      figure({
        id: 'mixed.shed',
        label: `mixed: answered 503 with Retry-After (admission control; the client waits as told) in ${SECONDS} s`,
        unit: 'answers',
        value: totalShed,
      }),
      figure({
        id: 'mixed.errors',
        label: `mixed: errors (non-2xx other than 503 with Retry-After, or network) in ${SECONDS} s`,
        unit: 'errors',
        value: totalErrors,
        goal: '0',
        met: totalErrors === 0,
        note: totalErrors ? JSON.stringify(errorsByStatus) : undefined,
      }),
    );

    const out = (s: string) => process.stdout.write(s);
    out(
      `\nMixed traffic benchmark: ${CLIENTS} clients, closed loop, ${SHARE.autosave} % autosave / ${SHARE.submit} % submit / ` +
        `${SHARE.read} % read, ${WARMUP_SECONDS} s warm-up then ${elapsed.toFixed(1)} s measured; ${FIELDS}-field form;\n` +
        `API (pool 20) + one worker (queues on ${common.QUEUE_BACKEND}) + mail catcher as processes; ${machine.cpus} CPUs, ` +
        `Node ${machine.node}, PostgreSQL ${pgVersion}, Redis ${redisVersion}, pgbench ${pg.version}.\n`,
    );
    out(
      `Reads are ${readRoute}${readRoute.includes('/inbox') ? '' : ', standing in for the caseworker inbox (GET /api/v1/services/:slug/inbox), which was being written when this bench was;\nswitching to it is one line (`read` in bench/mixed.bench.ts)'}.\n`,
    );
    out(
      `Errors: ${totalErrors}${totalErrors ? ` ${JSON.stringify(errorsByStatus)}` : ''}` +
        `${poolEmpty ? `; ${poolEmpty} submits became autosaves (no draft left)` : ''}. ` +
        `Outbox at the end: ${outbox!.total - outboxBefore!.n} rows written in the window, ${outbox!.pending} not done yet ` +
        `(worker backlog), ${outbox!.failed} failed.\n`,
    );
    out(
      `CPU over the window: ${Object.entries(cpu)
        .map(([who, s]) => `${who} ${s.toFixed(1)} s (${((100 * s) / elapsed).toFixed(0)} %)`)
        .join('; ')}.\n`,
    );
    out(
      `Baseline: pgbench -M extended, ${CLIENTS} clients, ${pg.seconds.toFixed(1)} s, scripts autosave@80 submit@15 read@5 ` +
        `(${pg.transactions} transactions, ${pg.failed} failed), after the API and the worker stopped.\n\n`,
    );
    out('| kind | Guichet /s | p50 | p95 | p99 | errors | pgbench /s | p50 | p95 | p99 |\n');
    out('|---|---|---|---|---|---|---|---|---|---|\n');
    for (const s of stats)
      out(
        `| ${labelOf[s.kind]} | ${s.rate.toFixed(1)} | ${formatNumber(s.p50)} ms | ${formatNumber(s.p95)} ms | ${formatNumber(s.p99)} ms | ` +
          `${s.errors}${s.errors ? ` ${JSON.stringify(s.errorsByStatus)}` : ''} | ${s.baseline.tps.toFixed(1)} | ` +
          `${formatNumber(s.baseline.p50)} ms | ${formatNumber(s.baseline.p95)} ms | ${formatNumber(s.baseline.p99)} ms |\n`,
      );
    out(`| all | ${(totalOk / elapsed).toFixed(1)} | | | | ${totalErrors} | ${pg.tps.toFixed(1)} | | | |\n`);

    const file = writeResult({
      name: resultName('mixed'),
      startedAt: startedAt.toISOString(),
      durationS: (Date.now() - startedAt.getTime()) / 1000,
      machine: {
        ...machine,
        postgres: pgVersion,
        redis: redisVersion,
        pgbench: pg.version,
        bullmq: packageVersion('bullmq'),
      },
      figures,
      notes: [
        ...(readRoute.includes('/inbox')
          ? []
          : [
              `mixed: reads are ${readRoute}, standing in for the caseworker inbox (GET /api/v1/services/:slug/inbox); switching is one line (\`read\` in bench/mixed.bench.ts).`,
            ]),
        `mixed: the worker backlog at the end of the window was ${outbox!.pending} outbox rows (receipts still to send); the baseline ran after the API and the worker stopped.`,
      ],
      details: {
        clients: CLIENTS,
        share: SHARE,
        warmupSeconds: WARMUP_SECONDS,
        seconds: elapsed,
        queueBackend: common.QUEUE_BACKEND,
        readRoute,
        perKind: stats.map(({ baseline, ...s }) => ({ ...s, pgbench: baseline })),
        errorsByStatus,
        submitsTurnedAutosaves: poolEmpty,
        outbox: { writtenInWindow: outbox!.total - outboxBefore!.n, pending: outbox!.pending, failed: outbox!.failed },
        cpuSeconds: cpu,
        pgbench: { tps: pg.tps, transactions: pg.transactions, failed: pg.failed, seconds: pg.seconds },
      },
    });
    out(`\n(${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s in all; ${file})\n`);
  } finally {
    agent.destroy();
    await Promise.all([stopProcess(worker), stopProcess(api), stopProcess(catcher)]);
    await ds.destroy().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    await dropBenchDatabase(ADMIN_URL, dbName);
    if (redisUp) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
    redis.disconnect();
  }
}

const SUBMISSION_COLUMNS =
  'id, organisation_id, service_id, form_version_id, version_number, owner_account_id, anonymous_owner, status, data, ' +
  'revision, reference, submitted_at, contact_email, contact_name, identity_pointers, group_key, status_event_id, ' +
  'deadline_at, deadline_transition, decided_at, assignee, awaiting_reply_since, purge_at, retention_notice_at, ' +
  'follow_generation, created_at, updated_at';

/**
 * The SQL the API sends for each kind of request, as read in the PostgreSQL log with BENCH_LOG_STATEMENTS=1
 * (session 20; TypeORM's quoting dropped), as pgbench scripts. pgbench client k plays citizen k (its session, its
 * draft); each submit takes the next draft. The first line of each script, a lookup of those ids (and of the ids the
 * API makes in JavaScript), is the only statement the API does not send. Until session 20 these were the statements
 * of session 11 (an autosave in a transaction of four, a read in five): a slower baseline than the API's own SQL.
 *
 * - autosave: the session, then one conditional UPDATE (`saveAnswersWhere`; a process's first save of a request
 *   reads it first);
 * - submit: the session, the owner's read, then in one transaction the locked read with the intake rules and the
 *   decision as one statement (the UPDATE, the two events, the outbox rows: the receipt and the agents' notice,
 *   guarded by `instant_agents`);
 * - read: the session, the owner's read, the owner's view in one statement (`ownerView`); the version comes from
 *   the API's cache.
 */
function baselineScripts(data: string, search: string, drafts: number): PgbenchScript[] {
  const ids = (from: string) =>
    `SELECT id, owner, sid, organisation_id AS org, service_id AS service, form_version_id AS version,
       extract(epoch FROM now())::bigint AS now, gen_random_uuid() AS event,
       'B-' || substr(md5(random()::text), 1, 12) AS ref FROM ${from} \\gset`;
  const session = `SELECT sess FROM "session" WHERE sid = :sid AND expire >= to_timestamp(:now);`;
  const load = `SELECT ${SUBMISSION_COLUMNS} FROM submission WHERE id = :id AND anonymous_owner = :owner`;
  const rules = `(SELECT json_build_object('status', s.status,
       'closes_at', v.definition -> 'settings' ->> 'closesAt',
       'max_per_user', v.definition -> 'settings' ->> 'maxSubmissionsPerUser')
     FROM service s LEFT JOIN form_version v ON v.service_id = s.id AND v.number = s.latest_version
    WHERE s.id = submission.service_id) AS also`;
  // The owner's view, the API's own statement with pgbench's variables for its parameters.
  const ownerView = OWNER_VIEW.text
    .trim()
    .replace(/\$1\b/g, ':org')
    .replace(/\$2\b/g, ':id')
    .replace(/\$3\b/g, ':service');
  const outboxPayloads = `ARRAY[jsonb_build_object('eventId', :event::text, 'template', 'submission_received', 'submissionId', :id::text),
       jsonb_build_object('kind', 'new_request', 'eventId', :event::text, 'submissionId', :id::text)]`;
  return [
    {
      name: 'autosave',
      weight: SHARE.autosave,
      sql: `${ids('bench_client WHERE client = :client_id')}
${session}
UPDATE submission SET data = '${data}'::jsonb, revision = revision + 1, updated_at = CURRENT_TIMESTAMP
 WHERE id = :id AND anonymous_owner = :owner AND form_version_id = :version AND service_id = :service
   AND status = ANY('{draft}'::text[])
 RETURNING revision, updated_at;
`,
    },
    {
      name: 'submit',
      weight: SHARE.submit,
      sql: `${ids(`bench_draft WHERE n = (SELECT nextval('bench_draft_seq') % ${drafts} + 1)`)}
${session}
${load};
BEGIN;
SELECT ${SUBMISSION_COLUMNS}, ${rules} FROM submission WHERE id = :id AND anonymous_owner = :owner FOR UPDATE;
WITH decided AS (UPDATE submission SET reference = :ref, submitted_at = now(), data = '${data}'::jsonb,
       search = to_tsvector('simple', '${search}'), identity_pointers = '[]'::jsonb, contact_email = 'personne2@exemple.fr',
       contact_name = NULL, group_key = 'instruction', status = 'submitted', status_event_id = :event, deadline_at = NULL,
       deadline_transition = NULL, revision = revision + 1, updated_at = CURRENT_TIMESTAMP
     WHERE id = :id
 RETURNING revision, EXISTS (SELECT 1 FROM agent_membership m LEFT JOIN agent_preference p ON p.email = m.email
     WHERE m.organisation_id = submission.organisation_id AND m.role IN ('caseworker', 'admin')
       AND coalesce(p.notify, 'digest') = 'instant') AS instant_agents),
history AS (INSERT INTO submission_event
       (id, organisation_id, submission_id, actor, type, transition, from_status, to_status, comment, visibility, at)
     VALUES (:event, :org, :id, 'anonymous', 'submitted', 'submit', 'draft', 'submitted', NULL, 'public', DEFAULT),
            (DEFAULT, :org, :id, 'system', 'routed', NULL, NULL, NULL, 'Groupe d’instruction : instruction', 'internal', clock_timestamp())),
jobs AS (INSERT INTO outbox (organisation_id, topic, payload, run_at)
     SELECT organisation_id, topic, payload, run_at
       FROM unnest(ARRAY[:org::uuid, :org::uuid], ARRAY['notify.email', 'notify.agents']::varchar[], ${outboxPayloads},
                   ARRAY[NULL, NULL]::timestamptz[], ARRAY[false, true])
         AS entry (organisation_id, topic, payload, run_at, guarded)
      WHERE NOT entry.guarded OR ((SELECT instant_agents FROM decided)))
SELECT revision, instant_agents FROM decided;
COMMIT;
`,
    },
    {
      name: 'read',
      weight: SHARE.read,
      sql: `${ids('bench_client WHERE client = :client_id')}
${session}
${load};
${ownerView};
`,
    },
  ];
}

runBench(main);
