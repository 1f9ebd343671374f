/**
 * Workflow benchmark (issue: workflow engine). Two figures, each next to a
 * baseline measured on the same machine in the same run:
 *
 * 1. Throughput: workflow jobs completed per second by ONE worker process
 *    with a trivial action ('submission.route' on requests already routed:
 *    a read of the request's group, then the outbox row is marked done; both
 *    statements shared by the jobs running at the same time), from the
 *    commit of N outbox rows until every row has done_at. Baseline: a raw
 *    BullMQ Worker (same concurrency, same job options) in a child process
 *    consuming N no-op jobs added with addBulk. Goal: ≥ ½ of raw BullMQ.
 *    The N jobs are measured in BENCH_ROUNDS rounds (4), the two sides taking
 *    turns, so that both meet the same moments of the machine's other load.
 * 2. Latency: submit → receipt email caught by the mail catcher, p50/p95/p99,
 *    with an open-loop generator at 200 submissions/s against the API and one
 *    worker process. Baseline: the submit HTTP response time alone. Goal:
 *    p95 ≤ 1 s.
 *
 * A receipt not caught 30 s after the last submit counts as infinitely late
 * (the percentile then reads "> N ms"). Next to each part, the CPU seconds
 * used by the worker, the API, their PostgreSQL backends, Redis and this
 * process with its own backends (from /proc and INFO cpu) show where the time
 * goes.
 *
 *   npm run bench:workflow   (DATABASE_URL or the local PostgreSQL, REDIS_URL or the local Redis)
 *   BENCH_JOBS=20000 BENCH_RATE=200 BENCH_SECONDS=15 to change the sizes; BENCH_OUTBOX_KEPT=50000 done outbox
 *   rows there at the start (a week's, as kept); BENCH_ONLY=throughput|latency
 *   to run one part; BENCH_NODE_ARGS="--prof" (or --require a preload) for the API and worker processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { startMailCatcher, type MailCatcher } from '@guichet/mail-catcher';
import { createDataSource, runMigrations } from '@guichet/persistence';
import { JOB_OPTIONS, jobId } from '@guichet/queue';
import { figure, machineInfo, packageVersion, percentile, writeResult, type Figure } from './lib/report';
import { cpuSeconds, freePort, sleep, stopProcess, withDatabase } from './lib/processes';
import { dropBenchDatabase, benchOrganisation } from './lib/database';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const WARMUP_JOBS = 500;
/** Done outbox rows already there when the run starts: a week's, as kept (BENCH_OUTBOX_KEPT, 50,000). */
const OUTBOX_KEPT = Number(process.env.BENCH_OUTBOX_KEPT ?? 50_000);
/** The throughput part's jobs are measured in this many rounds, Guichet's and raw BullMQ's taking turns. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
/** The receipt email as the worker sends it: `text` (the default: mentions in the email) or `pdf` (PDF attached). */
const RECEIPT_EMAIL = process.env.RECEIPT_EMAIL === 'pdf' ? 'pdf' : 'text';
const RECEIPT_KIND = RECEIPT_EMAIL === 'pdf' ? 'PDF attached' : 'receipt in the text, PDF on demand';
/** The route queue's concurrency in apps/worker/src/workflow/workflow-workers.service.ts. */
const ROUTE_CONCURRENCY = 32;
/** Rows per addBulk, as the relay's default batch. */
const BULK = 500;
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** How long to wait for the last jobs or emails before giving up (keeps the run bounded). */
const THROUGHPUT_CAP_MS = 60_000;
const DRAIN_CAP_MS = 30_000;
/** BENCH_ONLY=throughput or latency runs one part (for profiling; no results file then, unless BENCH_RESULT_NAME is set). */
const ONLY = process.env.BENCH_ONLY as 'throughput' | 'latency' | undefined;
const RESULT_NAME = process.env.BENCH_RESULT_NAME || (ONLY ? undefined : 'workflow');
/** run-all passes a tag so that it can clean up after a bench it had to kill. */
const TAG = process.env.BENCH_TAG ?? Date.now().toString(36);

/** A small form with an email field: the receipt (with its PDF) goes to that address. */
function definition() {
  return {
    formatVersion: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['nom', 'prenom', 'courriel', 'motif'],
      properties: {
        nom: { type: 'string', title: 'Nom', minLength: 1, maxLength: 100 },
        prenom: { type: 'string', title: 'Prénom', minLength: 1, maxLength: 100 },
        courriel: { type: 'string', title: 'Courriel', format: 'email' },
        motif: { type: 'string', title: 'Motif', enum: ['inscription', 'changement', 'radiation'] },
      },
    },
    pages: [{ id: 'demande', title: 'Votre demande', fields: ['nom', 'prenom', 'courriel', 'motif'] }],
    settings: { signIn: 'none' },
  };
}

/* ------------------------------------------------------------------------ */
/* Child process: the raw BullMQ baseline                                   */
/* ------------------------------------------------------------------------ */

interface RawSettings {
  redisUrl: string;
  prefix: string;
  queue: string;
  concurrency: number;
}

/** A bare BullMQ Worker with a no-op processor; tells the parent when `expect` jobs have completed. */
async function rawWorker(settings: RawSettings): Promise<void> {
  const worker = new Worker(settings.queue, async () => undefined, {
    connection: new Redis(settings.redisUrl, { maxRetriesPerRequest: null }),
    prefix: settings.prefix,
    concurrency: settings.concurrency,
  });
  let completed = 0;
  let target = Infinity;
  worker.on('completed', () => {
    if (++completed === target) process.send!({ done: completed, at: Date.now() });
  });
  process.on('message', (message: { expect?: number; stop?: boolean }) => {
    if (message.expect !== undefined) {
      target = message.expect;
      if (completed >= target) process.send!({ done: completed, at: Date.now() });
    }
    if (message.stop) void worker.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  await worker.waitUntilReady();
  process.send!({ ready: true });
}

/* ------------------------------------------------------------------------ */
/* Parent                                                                   */
/* ------------------------------------------------------------------------ */

function startProcess(script: string, env: Record<string, string>): ChildProcess {
  // An IPC channel: the API and the worker stop by themselves if this process dies (watchParent).
  return spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function nextMessage<T>(child: ChildProcess, test: (m: T) => boolean, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', listener);
      reject(new Error('the raw BullMQ worker did not answer'));
    }, timeoutMs);
    const listener = (m: T) => {
      if (!test(m)) return;
      clearTimeout(timer);
      child.off('message', listener);
      resolve(m);
    };
    child.on('message', listener);
  });
}

type CpuSnapshot = Record<'worker' | 'api' | 'postgres' | 'redis' | 'bench', number>;

/** One round of the throughput part: jobs done (and failed, on Guichet's side), its seconds and CPU. */
interface Round {
  done: number;
  failed?: number;
  seconds: number;
  cpu: CpuSnapshot;
}
type Measured = Round & { failed: number; rate: number };

/** The rounds of one side as one run: jobs and seconds added up, and the CPU with them. */
function combined(rounds: Round[]): Measured {
  const cpu = { worker: 0, api: 0, postgres: 0, redis: 0, bench: 0 };
  for (const round of rounds) for (const k of Object.keys(cpu) as Array<keyof CpuSnapshot>) cpu[k] += round.cpu[k];
  const done = rounds.reduce((n, r) => n + r.done, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  return { done, failed: rounds.reduce((n, r) => n + (r.failed ?? 0), 0), seconds, rate: done / seconds, cpu };
}

interface Row {
  figure: string;
  unit: string;
  value: number;
  baseline: number;
  baselineName: string;
  goal: string;
  met?: boolean;
}

async function main(): Promise<void> {
  const started = Date.now();
  const baseMachine = machineInfo();
  const loadAtStart = baseMachine.loadAverageAtStart;
  const dbName = `guichet_bench_wf_${TAG}`;
  const prefix = `bwf${TAG}${randomBytes(2).toString('hex')}`;
  const redisPrefix = `{${prefix}}`; // what QueueConnection uses for QUEUE_PREFIX=prefix
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const pgVersion = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
  await admin.end();
  const url = withDatabase(ADMIN_URL, dbName);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  let mail: MailCatcher | undefined;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let raw: ChildProcess | undefined;
  const ds = createDataSource({ url, poolSize: 4, applicationName: 'guichet-bench' });
  try {
    await runMigrations(url);
    await ds.initialize();
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    /** CPU used by each party between two calls: where the time goes, cheaply. */
    const cpuMeter = async (workerPid: number | undefined) => {
      // The backends of this process's own connections (its inserts and completion polls) count as the bench's,
      // not as the PostgreSQL work of the side measured: the raw side's completion signal costs no statement.
      const pg = async () =>
        new Map(
          (
            (await ds.query(
              'SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database()',
            )) as Array<{ pid: number; application_name: string }>
          ).map(({ pid, application_name }) => [
            pid,
            { cpu: cpuSeconds(pid), bench: application_name === 'guichet-bench' },
          ]),
        );
      const redisCpu = async () => {
        const info = await redis.info('cpu');
        return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
      };
      const benchCpu = () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1e6;
      };
      const before = {
        pg: await pg(),
        redis: await redisCpu(),
        worker: cpuSeconds(workerPid),
        api: cpuSeconds(api?.pid),
        bench: benchCpu(),
      };
      return async (): Promise<CpuSnapshot> => {
        let postgres = 0;
        let benchBackends = 0;
        for (const [pid, { cpu, bench }] of await pg()) {
          if (Number.isNaN(cpu)) continue;
          const used = cpu - (before.pg.get(pid)?.cpu ?? 0);
          if (bench) benchBackends += used;
          else postgres += used;
        }
        const round = (n: number) => Math.round(n * 100) / 100;
        return {
          worker: round(cpuSeconds(workerPid) - before.worker),
          api: round(cpuSeconds(api?.pid) - before.api),
          postgres: round(postgres),
          redis: round((await redisCpu()) - before.redis),
          bench: round(benchCpu() - before.bench + benchBackends),
        };
      };
    };
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0, max: 1_000_000 });
    const { orgId, token } = await benchOrganisation(ds, 'designer');

    const common = {
      DATABASE_URL: url,
      QUEUE_BACKEND: 'redis',
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
      LOG_LEVEL: 'warn',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-bench-wf-')),
      // Every simulated citizen comes from 127.0.0.1: the limits would measure themselves.
      RATE_LIMITS: 'off',
      RECEIPT_EMAIL,
    };
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = startProcess(join(__dirname, '..', 'apps', 'api', 'src', 'main.js'), {
      ...common,
      PORT: String(port),
      DATABASE_POOL_SIZE: '20',
    });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health/live`)).ok) break;
      } catch {
        if (i > 200) throw new Error('API did not start');
      }
      await sleep(100);
    }
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug: 'banc', title: 'Banc', organisationId: orgId, definition: definition() }),
    });
    if (created.status !== 201) throw new Error(`service not created: ${created.status} ${await created.text()}`);
    const published = await fetch(`${base}/api/v1/services/banc/publish`, { method: 'POST', headers: auth });
    if (published.status !== 201) throw new Error(`service not published: ${published.status}`);

    // One anonymous session owning one draft over HTTP; every other request is cloned from it in SQL.
    const first = await fetch(`${base}/api/v1/public/services/banc/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { nom: 'Dupont', prenom: 'Camille', courriel: 'citoyen@exemple.fr', motif: 'inscription' },
      }),
    });
    if (first.status !== 201) throw new Error(`draft not created: ${first.status}`);
    const cookies = first.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const csrf = cookies.find((c) => c.startsWith('csrf_token='))!.slice('csrf_token='.length);
    const cookie = cookies.join('; ');
    const { id: firstId } = (await first.json()) as { id: string };

    /* ---------------------------------------------------------------- */
    /* Part 1: throughput                                               */
    /* ---------------------------------------------------------------- */
    const routeOptions = JOB_OPTIONS['submission.route'];

    /**
     * Baseline: raw BullMQ, no-op processor, same concurrency and job options, jobs added 500 at a time. Started
     * and warmed up once; `round` then measures `count` more jobs, between Guichet's rounds.
     */
    const startRawBaseline = async () => {
      const rawQueueName = 'raw';
      raw = spawn(process.execPath, [__filename, '--raw-worker'], {
        env: {
          ...process.env,
          BENCH_RAW: JSON.stringify({
            redisUrl: REDIS_URL,
            prefix: redisPrefix,
            queue: rawQueueName,
            concurrency: ROUTE_CONCURRENCY,
          } satisfies RawSettings),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const child = raw;
      await nextMessage<{ ready?: boolean }>(child, (m) => m.ready === true, 15_000);
      const rawQueue = new Queue(rawQueueName, { connection: redis, prefix: redisPrefix });
      let added = 0;
      const run = async (count: number) => {
        const from = added;
        const expected = from + count;
        added = expected;
        const done = nextMessage<{ done?: number; at?: number }>(child, (m) => m.done === expected, THROUGHPUT_CAP_MS);
        child.send({ expect: expected });
        const t0 = Date.now();
        for (let i = from; i < expected; i += BULK) {
          await rawQueue.addBulk(
            Array.from({ length: Math.min(BULK, expected - i) }, (_, k) => ({
              name: 'submission.route',
              data: { outboxId: `raw-${i + k}`, submissionId: 'x', eventId: 'y' },
              opts: { ...routeOptions, jobId: jobId('submission.route', `raw-${i + k}`) },
            })),
          );
        }
        const { at } = await done;
        return (at! - t0) / 1000;
      };
      await run(WARMUP_JOBS);
      return {
        round: async (count: number) => {
          const end = await cpuMeter(child.pid);
          const seconds = await run(count);
          return { done: count, seconds, cpu: await end() };
        },
        stop: async () => {
          child.send({ stop: true });
          await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5000)]);
          await rawQueue.obliterate({ force: true }).catch(() => undefined);
          await rawQueue.close();
        },
      };
    };

    /** Inserts outbox rows in one statement (one NOTIFY wakes the relay), then waits until all are done. */
    const outboxRun = async (ids: string[]) => {
      const [{ now: batchStart }] = (await ds.query('SELECT clock_timestamp() AS now')) as [{ now: Date }];
      await ds.query(
        `INSERT INTO outbox (organisation_id, topic, payload)
         SELECT $1, 'submission.route', jsonb_build_object('submissionId', id, 'eventId', gen_random_uuid())
           FROM unnest($2::uuid[]) AS id`,
        [orgId, ids],
      );
      const t0 = Date.now();
      const deadline = t0 + THROUGHPUT_CAP_MS;
      for (;;) {
        const [{ left }] = (await ds.query(
          `SELECT count(*)::int AS left FROM outbox WHERE done_at IS NULL AND failed_at IS NULL AND created_at >= $1`,
          [batchStart],
        )) as [{ left: number }];
        if (left === 0 || Date.now() > deadline) break;
        // The time measured is the last done_at's, not this poll's: polling often would only take PostgreSQL's CPU
        // from the side measured (every 50 ms, the count cost a quarter of the PostgreSQL CPU of a run, issue 22).
        await sleep(250);
      }
      const [stats] = (await ds.query(
        `SELECT count(done_at)::int AS done, count(failed_at)::int AS failed,
                (extract(epoch FROM max(done_at)) * 1000)::float8 AS last
           FROM outbox WHERE created_at >= $1`,
        [batchStart],
      )) as Array<{ done: number; failed: number; last: number }>;
      return { done: stats!.done, failed: stats!.failed, seconds: (stats!.last - t0) / 1000 };
    };

    // Requests already routed, so 'submission.route' only locks the row and returns.
    const routedCount = WARMUP_JOBS + (ONLY === 'latency' ? 0 : JOBS);
    await ds.query(
      `INSERT INTO submission (organisation_id, service_id, form_version_id, version_number, anonymous_owner, status, data, revision, group_key, submitted_at)
       SELECT organisation_id, service_id, form_version_id, version_number, NULL, 'submitted', data, 2, 'bench-routed', now()
         FROM submission, generate_series(1, $2) WHERE id = $1`,
      [firstId, routedCount],
    );
    const routed = (
      (await ds.query(`SELECT id FROM submission WHERE group_key = 'bench-routed'`)) as Array<{ id: string }>
    ).map((r) => r.id);

    // The outbox as on any day after an installation's first week: the rows done in the last 7 days are kept
    // (OUTBOX_DONE_KEPT_MS), and autovacuum has read the tables since. Started empty, the outbox grew ×40 during the
    // run with statistics and the worker's cached plans made for a few hundred rows: its batch statements read the
    // whole table (a hash join over it, where a week's rows make an index scan the plan), and the rate fell round
    // after round (issue 22). An installation in its first minutes has those plans until the first autoanalyze.
    await ds.query(
      `INSERT INTO outbox (organisation_id, topic, payload, created_at, relayed_at, done_at)
       SELECT $1, 'submission.route', jsonb_build_object('submissionId', gen_random_uuid(), 'eventId', gen_random_uuid()),
              t, t + interval '1 second', t + interval '2 seconds'
         FROM generate_series(1, $2) AS n, LATERAL (SELECT now() - interval '7 days' * n / ($2 + 1) AS t) AS at`,
      [orgId, OUTBOX_KEPT],
    );
    await ds.query('VACUUM ANALYZE outbox, submission');

    const rawSide = ONLY === 'latency' ? undefined : await startRawBaseline();
    worker = startProcess(join(__dirname, '..', 'apps', 'worker', 'src', 'main.js'), common);
    const workerPid = worker.pid;
    // The warm-up batch doubles as the readiness probe: the worker boots, its relay listens, the JIT warms.
    const warm = await outboxRun(routed.slice(0, WARMUP_JOBS));
    if (warm.done !== WARMUP_JOBS) throw new Error(`worker warm-up: ${warm.done}/${WARMUP_JOBS} done`);
    let throughput: Measured | undefined;
    let baseline: Measured | undefined;
    const roundRatios: number[] = [];
    if (rawSide) {
      // The two sides take turns, the first of each round alternating, so that both meet the same moments of the
      // machine's other load: measured one after the other, the baseline's rate moved by ×2 between runs.
      const ours: Round[] = [];
      const theirs: Round[] = [];
      const size = Math.ceil(JOBS / ROUNDS);
      for (let r = 0, from = WARMUP_JOBS; from < WARMUP_JOBS + JOBS; r++, from += size) {
        const ids = routed.slice(from, Math.min(from + size, WARMUP_JOBS + JOBS));
        const ourRound = async () => {
          const end = await cpuMeter(workerPid);
          const run = await outboxRun(ids);
          ours.push({ ...run, cpu: await end() });
        };
        const rawRound = async () => void theirs.push(await rawSide.round(ids.length));
        if (r % 2 === 0) {
          await rawRound();
          await ourRound();
        } else {
          await ourRound();
          await rawRound();
        }
        roundRatios.push(ours.at(-1)!.done / ours.at(-1)!.seconds / (theirs.at(-1)!.done / theirs.at(-1)!.seconds));
      }
      await rawSide.stop();
      throughput = combined(ours);
      baseline = combined(theirs);
      const [{ n }] = (await ds.query(
        `SELECT count(*)::int AS n FROM submission_event e JOIN submission s ON s.id = e.submission_id
          WHERE s.group_key = 'bench-routed' AND e.type = 'routed'`,
      )) as [{ n: number }];
      if (n !== 0) throw new Error('the route jobs were not trivial (requests routed again)');
    }

    /* ---------------------------------------------------------------- */
    /* Part 2: submit → receipt email                                   */
    /* ---------------------------------------------------------------- */
    const latencyRun = async () => {
      const total = Math.round(RATE * SECONDS);
      const drafts = (await ds.query(
        `INSERT INTO submission (organisation_id, service_id, form_version_id, version_number, anonymous_owner, status, data, revision)
         SELECT organisation_id, service_id, form_version_id, version_number, anonymous_owner, 'draft',
                jsonb_set(data, '{courriel}', to_jsonb('citoyen' || n || '@exemple.fr')), 1
           FROM submission, generate_series(0, $2 - 1) AS n WHERE id = $1
         RETURNING id, data->>'courriel' AS email`,
        [firstId, total],
      )) as Array<{ id: string; email: string }>;
      mail!.clear();

      const sentAt: number[] = new Array(total).fill(NaN);
      const responseMs: number[] = [];
      const lag: number[] = [];
      const errors: Record<string, number> = {};
      // 503 with Retry-After: admission control shedding what the API cannot take (issue 22), counted apart;
      // the bench does not retry them (the citizen's page does), so they bring no receipt.
      let shed = 0;
      const inflight: Array<Promise<void>> = [];
      const failed = (i: number, why: string) => {
        errors[why] = (errors[why] ?? 0) + 1;
        sentAt[i] = NaN;
      };
      const fire = (i: number) => {
        const t = performance.now();
        sentAt[i] = Date.now();
        inflight.push(
          fetch(`${base}/api/v1/submissions/${drafts[i]!.id}/submit`, {
            method: 'POST',
            headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
            body: '{}',
          }).then(
            async (res) => {
              await res.arrayBuffer();
              if (res.status === 200) responseMs.push(performance.now() - t);
              else if (res.status === 503 && res.headers.get('retry-after')) {
                shed++;
                sentAt[i] = NaN;
              } else failed(i, String(res.status));
            },
            (error: Error) => failed(i, (error.cause as { code?: string } | undefined)?.code ?? error.message),
          ),
        );
      };
      const end = await cpuMeter(workerPid);
      // Open loop: request i leaves at t0 + i/RATE, whatever happened to the previous ones.
      const interval = 1000 / RATE;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        let next = 0;
        const tick = () => {
          const now = performance.now();
          while (next < total && t0 + next * interval <= now) {
            lag.push(now - (t0 + next * interval));
            fire(next++);
          }
          if (next >= total) resolve();
          else setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
        };
        tick();
      });
      const sendSeconds = (performance.now() - t0) / 1000;
      await Promise.all(inflight);
      const accepted = sentAt.filter((s) => !Number.isNaN(s)).length;

      // Every accepted submit brings one receipt; wait for the last ones (bounded).
      const drainDeadline = Date.now() + DRAIN_CAP_MS;
      while (mail!.messages().length < accepted && Date.now() < drainDeadline) await sleep(50);
      const cpu = await end();
      // Where a receipt waits: outbox row committed → relayed to the queue → done (sent), per job topic.
      const stages = (await ds.query(
        `SELECT topic, count(*)::int AS jobs,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM relayed_at - created_at)) * 1000 AS relay_p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM relayed_at - created_at)) * 1000 AS relay_p95,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM done_at - relayed_at)) * 1000 AS run_p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM done_at - relayed_at)) * 1000 AS run_p95
           FROM outbox WHERE created_at >= to_timestamp($1 / 1000.0) AND done_at IS NOT NULL
          GROUP BY topic ORDER BY topic`,
        [Date.now() - (performance.now() - t0)],
      )) as Array<{
        topic: string;
        jobs: number;
        relay_p50: number;
        relay_p95: number;
        run_p50: number;
        run_p95: number;
      }>;
      const wall = (performance.now() - t0) / 1000;
      const drainEnd = Date.now();
      const byAddress = new Map(drafts.map((d, i) => [d.email, i]));
      const caughtAt: number[] = new Array(total).fill(NaN);
      for (const m of mail!.messages()) {
        const i = byAddress.get(m.to[0] ?? '');
        if (i !== undefined) caughtAt[i] = Date.parse(m.receivedAt);
      }
      // A receipt not caught in time counts as infinitely late (it is at least `notCaughtAfterMs` late).
      const latencies: number[] = [];
      let lastReceived = 0;
      let notCaughtAfterMs = Infinity;
      for (let i = 0; i < total; i++) {
        if (Number.isNaN(sentAt[i]!)) continue;
        if (Number.isNaN(caughtAt[i]!)) {
          latencies.push(Infinity);
          notCaughtAfterMs = Math.min(notCaughtAfterMs, drainEnd - sentAt[i]!);
        } else {
          lastReceived = Math.max(lastReceived, caughtAt[i]!);
          latencies.push(caughtAt[i]! - sentAt[i]!);
        }
      }
      const caught = latencies.filter(Number.isFinite).length;
      latencies.sort((a, b) => a - b);
      responseMs.sort((a, b) => a - b);
      lag.sort((a, b) => a - b);
      const firstSent = Math.min(...sentAt.filter((s) => !Number.isNaN(s)));
      return {
        total,
        accepted,
        errors,
        shed,
        sendSeconds,
        achievedRate: total / sendSeconds,
        latencies,
        responseMs,
        generatorLagP99: percentile(lag, 99),
        caught,
        notCaughtAfterMs,
        emailRate: caught / ((lastReceived - firstSent) / 1000),
        pdfBytes: mail!.messages()[0]?.attachments[0]?.size ?? 0,
        stages,
        cpu,
        wall,
      };
    };
    const latency = ONLY === 'throughput' ? undefined : await latencyRun();

    /* ---------------------------------------------------------------- */
    /* Report                                                           */
    /* ---------------------------------------------------------------- */
    const rows: Row[] = [];
    if (throughput && baseline)
      rows.push({
        figure: 'workflow jobs/s, one worker process (trivial route job)',
        unit: '/s',
        value: throughput.rate,
        baseline: baseline.rate,
        baselineName: 'raw BullMQ no-op jobs/s',
        goal: '≥ ½ of raw BullMQ',
        met: throughput.rate >= baseline.rate / 2,
      });
    if (latency)
      for (const p of [50, 95, 99])
        rows.push({
          figure: `submit → receipt email p${p}`,
          unit: 'ms',
          value: percentile(latency.latencies, p),
          baseline: percentile(latency.responseMs, p),
          baselineName: `submit HTTP response p${p}`,
          // The goal is the receipt as sent (in the text, the PDF on demand); RECEIPT_EMAIL=pdf is its baseline.
          goal: p === 95 && RECEIPT_EMAIL === 'text' ? '≤ 1000 ms' : '—',
          met: p === 95 && RECEIPT_EMAIL === 'text' ? percentile(latency.latencies, 95) <= 1000 : undefined,
        });
    const machine = { ...baseMachine, postgres: pgVersion, redis: redisVersion, bullmq: packageVersion('bullmq') };
    const out = (s: string) => process.stdout.write(s);
    const cpuLine = (cpu: CpuSnapshot, wall: number, per?: number, unit = 'job') =>
      (Object.entries(cpu) as Array<[string, number]>)
        .map(
          ([who, s]) =>
            `${who} ${s.toFixed(1)} s (${((100 * s) / wall).toFixed(0)} %${per ? `, ${((1000 * s) / per).toFixed(2)} ms/${unit}` : ''})`,
        )
        .join('; ');
    out(
      `\nWorkflow benchmark: ${machine.cpus} CPUs (${machine.cpu}), load average ${loadAtStart.join(' ')} at start; ` +
        `Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}, BullMQ ${machine.bullmq}\n\n`,
    );
    if (throughput && baseline)
      out(
        `Part 1: ${JOBS} jobs after ${WARMUP_JOBS} warm-up, concurrency ${ROUTE_CONCURRENCY}, same job options (attempts, removeOnComplete…) on both sides,\n` +
          `  in ${roundRatios.length} rounds where the two sides take turns (the first alternating); each round's ratio: ${roundRatios.map((r) => `×${r.toFixed(2)}`).join(', ')}.\n` +
          `  Guichet: outbox rows committed in one statement → relay in the worker (woken by NOTIFY; per ${BULK} rows: BEGIN; UPDATE\n` +
          `  relayed_at … FOR UPDATE SKIP LOCKED RETURNING, addBulk, COMMIT) → BullMQ → handler (SELECT group_key of an already-routed request, one\n` +
          `  statement for the concurrent jobs) → UPDATE outbox SET done_at (likewise). Timed from the commit to the last done_at, rounds added up: ${throughput.done} done, ${throughput.failed} failed, ${throughput.seconds.toFixed(2)} s.\n` +
          `    CPU: ${cpuLine(throughput.cpu, throughput.seconds, throughput.done)}\n` +
          `  Raw BullMQ: addBulk (${BULK} at a time) from this process → a Worker with a no-op processor in a child process.\n` +
          `  Timed from the first addBulk to the last 'completed' event, rounds added up: ${baseline.seconds.toFixed(2)} s.\n` +
          `    CPU: ${cpuLine(baseline.cpu, baseline.seconds, JOBS).replace('worker', 'raw worker')}\n`,
      );
    if (latency)
      out(
        `Part 2: open loop at ${RATE}/s for ${SECONDS} s: ${latency.total} submits sent in ${latency.sendSeconds.toFixed(1)} s ` +
          `(generator lag p99 ${latency.generatorLagP99.toFixed(1)} ms), ${latency.accepted} answered 200, ${latency.shed} 503 with Retry-After` +
          `${Object.keys(latency.errors).length ? ` (errors: ${JSON.stringify(latency.errors)})` : ''};\n` +
          `  ${latency.caught} receipts caught, ${latency.accepted - latency.caught} not caught ${DRAIN_CAP_MS / 1000} s after the last submit (counted as infinitely late), ` +
          `${latency.emailRate.toFixed(1)} emails/s on average.\n` +
          `  Latency = the catcher's receivedAt − the moment the submit request left; baseline = the submit's HTTP response time.\n` +
          (RECEIPT_EMAIL === 'pdf'
            ? `  Each receipt carries a PDF rendered for that email (${latency.pdfBytes} bytes); API, worker, PostgreSQL, Redis and\n`
            : `  RECEIPT_EMAIL=text: each receipt carries its mentions in the text, no PDF; API, worker, PostgreSQL, Redis and\n`) +
          `  this process (generator + SMTP catcher) share the machine.\n` +
          `    CPU over ${latency.wall.toFixed(1)} s: ${cpuLine(latency.cpu, latency.wall, latency.caught, 'receipt caught')}\n` +
          `  Outbox stages (commit → relayed → done), ms p50/p95:\n` +
          latency.stages
            .map(
              (st) =>
                `    ${st.topic.padEnd(16)} ${String(st.jobs).padStart(5)} jobs: waits ${st.relay_p50.toFixed(0)}/${st.relay_p95.toFixed(0)} for the relay, ` +
                `${st.run_p50.toFixed(0)}/${st.run_p95.toFixed(0)} in the queue and its handler\n`,
            )
            .join(''),
      );
    out('\n| figure | Guichet | baseline (same run) | ratio | goal |\n|---|---|---|---|---|\n');
    const value = (r: Row) =>
      Number.isFinite(r.value)
        ? `${r.value.toFixed(1)} ${r.unit}`
        : `> ${latency?.notCaughtAfterMs.toFixed(0)} ${r.unit} (not caught)`;
    for (const r of rows)
      out(
        `| ${r.figure} | ${value(r)} | ${r.baselineName}: ${r.baseline.toFixed(1)} ${r.unit} | ${Number.isFinite(r.value) ? `×${(r.value / r.baseline).toFixed(2)}` : '—'} | ${r.goal}${r.met === undefined ? '' : r.met ? ' ✔' : ' ✘'} |\n`,
      );
    out(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all)\n`);
    if (RESULT_NAME) {
      const figures: Figure[] = [];
      if (throughput && baseline)
        figures.push(
          figure({
            id: 'workflow.jobs.rate',
            label: rows[0]!.figure,
            unit: '/s',
            value: throughput.rate,
            baseline: { label: `raw BullMQ no-op jobs/s, same concurrency and job options`, value: baseline.rate },
            goal: '≥ ½ of raw BullMQ',
            met: throughput.rate >= baseline.rate / 2,
          }),
        );
      if (latency) {
        const notCaught = `receipts not caught ${latency.notCaughtAfterMs.toFixed(0)} ms after submit`;
        for (const r of rows.filter((row) => row.figure.startsWith('submit → receipt')))
          figures.push(
            figure({
              id: `workflow.email.${r.figure.slice(-3)}.at${RATE}`,
              label: `${r.figure} at ${RATE} submits/s`,
              unit: 'ms',
              value: r.value,
              baseline: { label: r.baselineName, value: r.baseline },
              goal: r.goal === '—' ? null : r.goal,
              met: r.met ?? null,
              note: Number.isFinite(r.value) ? undefined : `> ${latency.notCaughtAfterMs.toFixed(0)} ms: ${notCaught}`,
            }),
          );
        figures.push(
          figure({
            id: `workflow.emails.rate.at${RATE}`,
            label: `receipt emails/s, one worker process (${RECEIPT_KIND}), at ${RATE} submits/s offered`,
            unit: '/s',
            value: latency.emailRate,
            note: 'no baseline: the rate the worker sustained while API, PostgreSQL and Redis shared the machine',
          }),
          figure({
            id: `workflow.shed.at${RATE}`,
            label: `submits answered 503 with Retry-After (shed, not retried here), of ${latency.total} sent at ${RATE}/s`,
            unit: 'answers',
            value: latency.shed,
            note: 'admission control: what the API cannot take now is refused at once; the citizen’s page retries it',
          }),
          figure({
            id: `workflow.errors.at${RATE}`,
            label: `submits answered neither 200 nor 503 with Retry-After, of ${latency.total} sent at ${RATE}/s`,
            unit: 'errors',
            value: latency.total - latency.accepted - latency.shed,
            goal: '0',
            met: latency.total === latency.accepted + latency.shed,
            note: latency.total === latency.accepted + latency.shed ? undefined : JSON.stringify(latency.errors),
          }),
          figure({
            id: `workflow.worker-cpu-per-receipt.at${RATE}`,
            label: `worker CPU per receipt email (notify job and its relay, ${RECEIPT_KIND}), at ${RATE} submits/s`,
            unit: 'ms',
            value: latency.caught ? (1000 * latency.cpu.worker) / latency.caught : null,
            goal: RECEIPT_EMAIL === 'text' ? '≤ 5 ms' : null,
            met: RECEIPT_EMAIL === 'text' && latency.caught ? (1000 * latency.cpu.worker) / latency.caught <= 5 : null,
            note:
              RECEIPT_EMAIL === 'text'
                ? 'compare with workflow-50-pdf (RECEIPT_EMAIL=pdf, same run of npm run bench): the PDF built for every email'
                : undefined,
          }),
        );
      }
      writeResult({
        name: RESULT_NAME,
        startedAt: new Date(started).toISOString(),
        durationS: (Date.now() - started) / 1000,
        machine,
        figures,
        ...(latency && latency.caught < latency.accepted
          ? {
              notes: [
                `${RESULT_NAME}: ${latency.accepted - latency.caught} of ${latency.accepted} receipts not caught ${DRAIN_CAP_MS / 1000} s after the last submit (counted as infinitely late).`,
              ],
            }
          : {}),
        details: {
          throughput: {
            jobs: JOBS,
            concurrency: ROUTE_CONCURRENCY,
            rounds: roundRatios,
            guichet: throughput,
            raw: baseline,
          },
          latency: latency && {
            rate: RATE,
            seconds: SECONDS,
            sent: latency.total,
            accepted: latency.accepted,
            shed: latency.shed,
            errors: latency.errors,
            caught: latency.caught,
            notCaughtAfterMs: Number.isFinite(latency.notCaughtAfterMs) ? latency.notCaughtAfterMs : null,
            achievedRate: latency.achievedRate,
            emailRate: latency.emailRate,
            generatorLagP99: latency.generatorLagP99,
            pdfBytes: latency.pdfBytes,
            cpu: latency.cpu,
            wallSeconds: latency.wall,
          },
          // JSON has no Infinity: a percentile that falls on a receipt never caught is null, with why.
          rows: rows.map((r) =>
            Number.isFinite(r.value)
              ? r
              : {
                  ...r,
                  value: null,
                  note: `receipts not caught ${latency?.notCaughtAfterMs.toFixed(0)} ms after submit`,
                },
          ),
        },
      });
    }
  } finally {
    if (raw && raw.exitCode === null) raw.kill('SIGTERM');
    await Promise.all([stopProcess(worker), stopProcess(api)]);
    await mail?.close();
    await ds.destroy().catch(() => undefined);
    await dropBenchDatabase(ADMIN_URL, dbName);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

if (process.argv[2] === '--raw-worker') {
  rawWorker(JSON.parse(process.env.BENCH_RAW!) as RawSettings).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
