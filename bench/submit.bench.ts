/**
 * Autosave and submit benchmark (issue: citizen requests). A 40-field form, 64 concurrent
 * clients over HTTP against an API process, each submitting drafts it owns;
 * next to pgbench running the same SQL transaction with 64 clients, in the
 * same run. Goal: at least half of pgbench's rate; p99 ≤ 50 ms, read in an open
 * loop at half the rate the closed loop reached (next to pgbench --rate at the
 * same rate): 64 clients in a closed loop wait 64 ÷ the rate (Little's law). The API (one process) and pgbench
 * take turns in BENCH_SUBMIT_ROUNDS rounds (2), the first of each round alternating; each side's figure is its
 * operations over its seconds, rounds added up, and each round's ratio is printed.
 *
 *   npm run bench:submit            (DATABASE_URL or the local PostgreSQL; pgbench on the PATH)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createDataSource, runMigrations } from '@guichet/persistence';
import { searchText } from '@guichet/submissions';
import { pgbenchVersion } from './lib/pgbench';
import { figure, machineInfo, percentile, resultName, writeResult } from './lib/report';
import { LightClient } from './lib/http-client';
import { cpuSeconds, postgresCpuSeconds, startApi, withDatabase } from './lib/processes';
import { dropBenchDatabase, runBench, benchOrganisation } from './lib/database';
import { anonymousCitizen } from './lib/citizens';
import { INTAKE_FIELDS, intakeAnswers, publishIntakeService } from './lib/intake-form';

const CLIENTS = 64;
/** API_PROCESSES=auto runs one per CPU. */
const cpus = availableParallelism();
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const FIELDS = INTAKE_FIELDS;
/** Rounds in which the API (one process) and pgbench take turns (BENCH_SUBMIT_ROUNDS, 2). */
const ROUNDS = Math.max(1, Math.round(Number(process.env.BENCH_SUBMIT_ROUNDS ?? 2)));
/** How long the open-loop submits run, at half the rate the closed loop reached. */
const OPEN_SECONDS = Number(process.env.BENCH_OPEN_SECONDS ?? 5);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** run-all passes a tag so that it can clean up after a bench it had to kill. */
const TAG = process.env.BENCH_TAG ?? Date.now().toString(36);

/** Milliseconds of CPU per operation of each party (NaN where not measured). */
interface CpuPerOperation {
  api: number;
  postgres: number;
  clients: number;
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '?');

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  const dbName = `guichet_bench_${TAG}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const pgVersion = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
  await admin.end();
  const url = withDatabase(ADMIN_URL, dbName);
  await runMigrations(url);
  const ds = createDataSource({ url, poolSize: 2 });
  await ds.initialize();
  const { orgId, token } = await benchOrganisation(ds, 'designer');

  // BENCH_API_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the API under load.
  const nodeArgs = process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const sessionSecret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-bench-'));
  /** An API on a port of its own: `processes` processes behind it (API_PROCESSES). */
  const startApiWith = (processes: string) =>
    startApi(
      join(__dirname, '..', 'apps', 'api', 'src', 'main.js'),
      {
        API_PROCESSES: processes,
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: '20',
        QUEUE_BACKEND: 'postgres',
        SESSION_SECRET: sessionSecret,
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        // Every simulated citizen comes from 127.0.0.1: the limits would measure themselves.
        RATE_LIMITS: 'off',
      },
      { nodeArgs, tries: 200 },
    );
  let api = await startApiWith('1');
  try {
    const base = api.base;
    await publishIntakeService(base, token, orgId);

    // Where the CPU goes: the API process, PostgreSQL (all its processes, exited backends included) and this
    // process (the clients), per operation; for pgbench, PostgreSQL and pgbench itself.
    const [{ pid: backendPid }] = (await ds.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    // Finds PostgreSQL's postmaster while this backend is there (the pool may close it while the API's rounds run).
    postgresCpuSeconds(backendPid);
    const childrenCpu = () => cpuSeconds(process.pid, true) - cpuSeconds(process.pid);
    const meter = (apiPid: number | undefined) => {
      const clients = () => process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
      const before = { api: cpuSeconds(apiPid), postgres: postgresCpuSeconds(backendPid), clients: clients() };
      return (operations: number): CpuPerOperation => {
        const per = (seconds: number) => (operations > 0 ? (seconds * 1000) / operations : NaN);
        return {
          api: per(cpuSeconds(apiPid) - before.api),
          postgres: per(postgresCpuSeconds(backendPid) - before.postgres),
          clients: per(clients() - before.clients),
        };
      };
    };

    /** 64 clients: each a browser session owning one draft made over HTTP, cloned in SQL to have plenty to submit. */
    const prepare = async (base: string) => {
      const perClient = Math.ceil((DURATION_MS / 1000) * 60);
      const clients = await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          const { cookie, csrf, draft, copies } = await anonymousCitizen(base, ds, 'banc', intakeAnswers(), perClient);
          return { cookie, csrf, ids: [draft, ...copies] };
        }),
      );
      // The tables' statistics as autovacuum would have them within the minute: the rounds follow these 38,000
      // cloned drafts at once, and both sides' statements are planned from the statistics (not shown to change a
      // figure here: a short try read pgbench's autosave at 7–8 ms of PostgreSQL CPU with it and without it).
      await ds.query('ANALYZE submission, "session"');
      return clients;
    };
    /** Autosaves then submits by the clients, each on drafts of its own, against the server at `base`. */
    const measure = async (
      base: string,
      apiPid?: number,
      prepared?: Awaited<ReturnType<typeof prepare>>,
      openLoop = false,
    ) => {
      const clients = prepared ?? (await prepare(base));

      // A 503 with Retry-After (admission control) is waited out and sent again, as the citizen's page does (it
      // refused the request before doing anything, so sending it again is safe); its latency counts from the first
      // try. Any other answer than 200 is an error, counted by status.
      let shed = 0;
      const statuses: Record<string, number> = {};
      const http = new LightClient();
      const send = async (
        url: string,
        init: { method: string; headers: Record<string, string>; body?: string },
      ): Promise<number> => {
        for (;;) {
          const res = await http.send(url, init);
          const retryAfter = Number(res.headers['retry-after']);
          if (res.status === 503 && retryAfter > 0) {
            shed++;
            await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
            continue;
          }
          if (res.status !== 200) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          return res.status;
        }
      };

      // Autosave: each client saves its first draft again and again (what a citizen's typing costs).
      const saveLatencies: number[] = [];
      let saveErrors = 0;
      const saveCpu = meter(apiPid);
      const saveStarted = performance.now();
      const saveDeadline = saveStarted + DURATION_MS / 2;
      const body = JSON.stringify({ data: intakeAnswers() });
      await Promise.all(
        clients.map(async (c) => {
          while (performance.now() < saveDeadline) {
            const t = performance.now();
            const status = await send(`${base}/api/v1/submissions/${c.ids[0]}`, {
              method: 'PATCH',
              headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
              body,
            });
            if (status === 200) saveLatencies.push(performance.now() - t);
            else saveErrors++;
          }
        }),
      );
      const saveSeconds = (performance.now() - saveStarted) / 1000;
      const saveRate = saveLatencies.length / saveSeconds;
      const saveCpuPer = saveCpu(saveLatencies.length);
      saveLatencies.sort((a, b) => a - b);

      const latencies: number[] = [];
      let errors = 0;
      const submitCpu = meter(apiPid);
      const started = performance.now();
      const deadline = started + DURATION_MS;
      /** The drafts each client has submitted so far (its `ids` are taken in order). */
      const used = clients.map(() => 0);
      const submit = (c: (typeof clients)[number], id: string) =>
        send(`${base}/api/v1/submissions/${id}/submit`, {
          method: 'POST',
          headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
          body: '{}',
        });
      await Promise.all(
        clients.map(async (c, k) => {
          for (const id of c.ids) {
            if (performance.now() > deadline) break;
            used[k]!++;
            const t = performance.now();
            const status = await submit(c, id);
            if (status === 200) latencies.push(performance.now() - t);
            else errors++;
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const submitCpuPer = submitCpu(latencies.length);
      latencies.sort((a, b) => a - b);
      const httpRate = latencies.length / elapsed;

      // Open loop: submits sent at half the rate the closed loop reached, whatever the answers, each timed from the
      // moment it was due to leave (a late start counts). With 64 clients that each wait for their answer, the closed
      // loop's latency is 64 ÷ its rate (Little's law); this is the latency of a load the API keeps up with.
      let open: { rate: number; sent: number; latencies: number[]; errors: number } | undefined;
      if (openLoop) {
        const rate = Math.max(10, Math.floor(httpRate / 2));
        const total = Math.round(rate * OPEN_SECONDS);
        const openLatencies: number[] = [];
        let openErrors = 0;
        const inflight: Array<Promise<void>> = [];
        const t0 = performance.now();
        for (let i = 0; i < total; i++) {
          const k = i % clients.length;
          const c = clients[k]!;
          const id = c.ids[used[k]!++];
          if (id === undefined) throw new Error('the open loop ran out of drafts');
          const due = t0 + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          inflight.push(
            submit(c, id).then((status) => {
              if (status === 200) openLatencies.push(performance.now() - due);
              else openErrors++;
            }),
          );
        }
        await Promise.all(inflight);
        openLatencies.sort((a, b) => a - b);
        open = { rate, sent: total, latencies: openLatencies, errors: openErrors };
      }
      http.close();
      return {
        saveLatencies,
        saveErrors,
        saveRate,
        saveSeconds,
        latencies,
        errors,
        httpRate,
        seconds: elapsed,
        shed,
        statuses,
        saveCpuPer,
        submitCpuPer,
        open,
      };
    };
    /** pgbench's output: `script` run by 64 clients on two threads for `seconds`, no vacuum first, `extra` options. */
    const pgbench = (script: string, seconds: number, extra: string[] = []) =>
      execFileSync(
        'pgbench',
        [
          '-n',
          '-c',
          String(CLIENTS),
          '-j',
          '2',
          ...extra,
          '-T',
          String(Math.max(1, Math.round(seconds))),
          '-f',
          script,
          url,
        ],
        { encoding: 'utf8' },
      );
    // pgbench: the same SQL transaction as a submit, on drafts of its own, 64 clients, same duration. Since session
    // 14 the locked read brings the intake rules along and the decision is one statement (UPDATE, events, outbox).
    // Its drafts, made by 64 clients as the API's rounds make theirs (each round makes its own afterwards).
    await prepare(base);
    const draftIds = (await ds.query(`SELECT id FROM submission WHERE status = 'draft' LIMIT 20000`)) as Array<{
      id: string;
    }>;
    await ds.query('CREATE TABLE bench_ids (n int PRIMARY KEY, id uuid NOT NULL)');
    await ds.query('INSERT INTO bench_ids SELECT row_number() OVER (), id FROM unnest($1::uuid[]) AS id', [
      draftIds.map((d) => d.id),
    ]);
    // Every API request first reads its browser session (express-session's store): the baseline reads one of the
    // clients' sessions too, by the same statement.
    await ds.query('CREATE TABLE bench_sids (n int PRIMARY KEY, sid text NOT NULL)');
    const [{ sessions }] = (await ds.query(
      `WITH s AS (INSERT INTO bench_sids SELECT row_number() OVER (), sid FROM "session" RETURNING 1)
       SELECT count(*)::int AS sessions FROM s`,
    )) as [{ sessions: number }];
    await ds.query('ANALYZE bench_ids, bench_sids');
    const session = `\\set s random(1, ${Math.max(1, sessions)})
SELECT sess FROM "session" WHERE sid = (SELECT sid FROM bench_sids WHERE n = :s) AND expire >= now();`;
    // What the API writes with the answers: the answers themselves (sent as a parameter, parsed by PostgreSQL as
    // jsonb) and, on a submit, the search text's tsvector. Until session 15 the baseline wrote `data = data` and no
    // search vector, lighter SQL than the API's. Literals here: pgbench leaves `:` alone unless a variable's name
    // follows, which the check below rules out.
    const answersJson = JSON.stringify(intakeAnswers()).replace(/'/g, "''");
    const answersText = searchText(null, { contactEmail: null, contactName: null }, intakeAnswers());
    if (/:[A-Za-z_]/.test(answersJson) || /['\\:]/.test(answersText))
      throw new Error('the answers would not pass through a pgbench script as they are');
    const script = join(mkdtempSync(join(tmpdir(), 'guichet-pgbench-')), 'submit.sql');
    writeFileSync(
      script,
      `\\set n random(1, ${draftIds.length})
${session}
BEGIN;
SELECT s.*, (SELECT json_build_object('status', v.status, 'closes_at', f.definition -> 'settings' ->> 'closesAt', 'max_per_user', f.definition -> 'settings' ->> 'maxSubmissionsPerUser') FROM service v LEFT JOIN form_version f ON f.service_id = v.id AND f.number = v.latest_version WHERE v.id = s.service_id) AS rules
 FROM submission s JOIN bench_ids b ON b.id = s.id WHERE b.n = :n FOR UPDATE OF s;
SELECT definition, content_hash FROM form_version WHERE id = (SELECT form_version_id FROM submission s JOIN bench_ids b ON b.id = s.id WHERE b.n = :n);
WITH decided AS (
 UPDATE submission SET status = 'submitted', reference = 'B-' || substr(md5(random()::text), 1, 16), submitted_at = now(), data = '${answersJson}'::jsonb, search = to_tsvector('simple', '${answersText}'), identity_pointers = '[]'::jsonb, group_key = 'instruction', revision = revision + 1
 WHERE id = (SELECT id FROM bench_ids WHERE n = :n) RETURNING id, organisation_id, revision),
history AS (INSERT INTO submission_event (organisation_id, submission_id, actor, type, from_status, to_status, at)
 SELECT organisation_id, id, 'anonymous', 'submitted', 'draft', 'submitted', now() FROM decided
 UNION ALL SELECT organisation_id, id, 'system', 'routed', NULL, NULL, clock_timestamp() FROM decided),
jobs AS (INSERT INTO outbox (organisation_id, topic, payload)
 SELECT organisation_id, 'submission.submitted', jsonb_build_object('submissionId', id) FROM decided)
SELECT revision FROM decided;
COMMIT;
`,
    );
    // The API's autosave since session 18: the session read, then one conditional UPDATE that writes only if the
    // request is still this owner's, on the version and service its validator was chosen by, in a status its citizen
    // may edit (submission-repository's `saveAnswersWhere`; its first save in a process reads the request first, as
    // until then). The values the API keeps per request (owner, version, service) come from a table of the drafts.
    // Drafts still drafts after pgbench's submits: a row the UPDATE does not match would make the baseline cheaper.
    /** The drafts pgbench's autosave writes: drafts still drafts now (a row the UPDATE does not match would make the
     * baseline cheaper), made again before each round since pgbench's submits and the API's take drafts. */
    const SAVE_ROWS = 10_000;
    const saveRows = async () => {
      await ds.query('DROP TABLE IF EXISTS bench_rows');
      await ds.query(
        `CREATE TABLE bench_rows AS SELECT row_number() OVER () AS n, id, anonymous_owner, form_version_id, service_id
           FROM submission WHERE status = 'draft' AND anonymous_owner IS NOT NULL LIMIT ${SAVE_ROWS}`,
      );
      await ds.query('ALTER TABLE bench_rows ADD PRIMARY KEY (n)');
      await ds.query('ANALYZE bench_rows, submission');
      const [{ drafts }] = (await ds.query('SELECT count(*)::int AS drafts FROM bench_rows')) as [{ drafts: number }];
      if (drafts < SAVE_ROWS) throw new Error(`only ${drafts} drafts left for pgbench's autosave`);
    };
    const saveScript = join(mkdtempSync(join(tmpdir(), 'guichet-pgbench-')), 'autosave.sql');
    writeFileSync(
      saveScript,
      `\\set n random(1, ${SAVE_ROWS})
${session}
UPDATE submission s SET data = '${answersJson}'::jsonb, revision = s.revision + 1, updated_at = CURRENT_TIMESTAMP
 FROM bench_rows b WHERE b.n = :n AND s.id = b.id AND s.anonymous_owner = b.anonymous_owner
  AND s.form_version_id = b.form_version_id AND s.service_id = b.service_id AND s.status = ANY('{draft}'::text[])
 RETURNING s.revision, s.updated_at;
`,
    );
    /** pgbench's rate, latency average and CPU per transaction for one script, over `seconds`. */
    const pgbenchRound = (file: string, seconds: number) => {
      const before = { postgres: postgresCpuSeconds(backendPid), pgbench: childrenCpu() };
      const out = pgbench(file, seconds);
      const transactions = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
      return {
        transactions,
        seconds: Math.max(1, Math.round(seconds)),
        latency: Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]),
        postgres: ((postgresCpuSeconds(backendPid) - before.postgres) * 1000) / transactions,
        pgbench: ((childrenCpu() - before.pgbench) * 1000) / transactions,
      };
    };
    type PgRound = ReturnType<typeof pgbenchRound>;
    const pgRounds: Array<{ save: PgRound; submit: PgRound }> = [];
    const apiRounds: Array<Awaited<ReturnType<typeof measure>>> = [];
    // The API (one process) and pgbench take turns, the first of each round alternating, so that both meet the same
    // moments of the machine's other load: measured once each, one after the other, the ratios moved by ×2 between
    // two runs of the same code 45 minutes apart (session 23). The API stays up, idle, while pgbench runs. The last
    // round of the API also runs the open loop, then pgbench --rate at the same rate.
    for (let r = 0; r < ROUNDS; r++) {
      const apiRound = async () => apiRounds.push(await measure(base, api.pid, undefined, r === ROUNDS - 1));
      const pgRound = async () => {
        await saveRows();
        const save = pgbenchRound(saveScript, DURATION_MS / 2000);
        pgRounds.push({ save, submit: pgbenchRound(script, DURATION_MS / 1000) });
      };
      if (r % 2 === 0) {
        await apiRound();
        await pgRound();
      } else {
        await pgRound();
        await apiRound();
      }
    }
    const open = apiRounds.at(-1)!.open;
    if (!open) throw new Error('the open loop did not run');
    // The API's figures over its rounds: operations over seconds, latencies pooled, CPU weighted by operations.
    const sum = (values: number[]) => values.reduce((t, v) => t + v, 0);
    const saveLatencies = apiRounds.flatMap((m) => m.saveLatencies).sort((a, b) => a - b);
    const latencies = apiRounds.flatMap((m) => m.latencies).sort((a, b) => a - b);
    const saveRate = saveLatencies.length / sum(apiRounds.map((m) => m.saveSeconds));
    const httpRate = latencies.length / sum(apiRounds.map((m) => m.seconds));
    const saveErrors = sum(apiRounds.map((m) => m.saveErrors));
    const errors = sum(apiRounds.map((m) => m.errors));
    const shed = sum(apiRounds.map((m) => m.shed));
    const statuses: Record<string, number> = {};
    for (const m of apiRounds)
      for (const [status, n] of Object.entries(m.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    const weighted = (pick: (m: (typeof apiRounds)[number]) => [CpuPerOperation, number]): CpuPerOperation => {
      const parts = apiRounds.map(pick);
      const total = sum(parts.map(([, n]) => n));
      const of = (key: keyof CpuPerOperation) => sum(parts.map(([cpu, n]) => cpu[key] * n)) / total;
      return { api: of('api'), postgres: of('postgres'), clients: of('clients') };
    };
    const saveCpuPer = weighted((m) => [m.saveCpuPer, m.saveLatencies.length]);
    const submitCpuPer = weighted((m) => [m.submitCpuPer, m.latencies.length]);
    // pgbench's the same way: transactions over seconds, latency and CPU weighted by transactions.
    const pgFigures = (pick: (round: (typeof pgRounds)[number]) => PgRound) => {
      const parts = pgRounds.map(pick);
      const transactions = sum(parts.map((p) => p.transactions));
      const of = (key: 'latency' | 'postgres' | 'pgbench') =>
        sum(parts.map((p) => p[key] * p.transactions)) / transactions;
      return {
        rate: transactions / sum(parts.map((p) => p.seconds)),
        latency: of('latency'),
        cpu: { postgres: of('postgres'), pgbench: of('pgbench') },
      };
    };
    const pgSave = pgFigures((round) => round.save);
    const pgSubmit = pgFigures((round) => round.submit);
    const [pgSaveRate, pgSaveLatency, pgSaveCpu] = [pgSave.rate, pgSave.latency, pgSave.cpu];
    const [pgRate, pgLatency, pgSubmitCpu] = [pgSubmit.rate, pgSubmit.latency, pgSubmit.cpu];
    const roundRatios = apiRounds.map((m, i) => ({
      autosave: m.saveLatencies.length / m.saveSeconds / (pgRounds[i]!.save.transactions / pgRounds[i]!.save.seconds),
      submit: m.latencies.length / m.seconds / (pgRounds[i]!.submit.transactions / pgRounds[i]!.submit.seconds),
    }));
    // The same SQL at the open loop's rate (pgbench --rate: each transaction timed from when it was due, as the open
    // loop's are), its per-transaction log read for the p99.
    const openLogs = mkdtempSync(join(tmpdir(), 'guichet-pgbench-log-'));
    pgbench(script, OPEN_SECONDS, ['-R', String(open.rate), '-l', `--log-prefix=${join(openLogs, 'tx')}`]);
    const pgOpenLatencies = readdirSync(openLogs)
      .flatMap((file) => readFileSync(join(openLogs, file), 'utf8').split('\n'))
      .map((line) => Number(line.split(' ')[2]) / 1000)
      .filter((latency) => Number.isFinite(latency))
      .sort((a, b) => a - b);
    rmSync(openLogs, { recursive: true, force: true });

    await api.stop();
    // The same with one API process per core (API_PROCESSES=auto), next to it.
    api = await startApiWith('auto');
    const allCores = await measure(api.base);
    // The floor: a bare Node server running the same SQL (bench/lib/bare-api.ts), the same clients, one process.
    // Its drafts are made by the API (it makes none), which then stops.
    const floorClients = await prepare(api.base);
    await api.stop();
    const bare = await startApi(
      join(__dirname, 'lib', 'bare-api.js'),
      { DATABASE_URL: url },
      {
        nodeArgs,
        name: 'bare server',
      },
    );
    const floor = await measure(bare.base, bare.pid, floorClients);
    await bare.stop();
    if (floor.saveErrors + floor.errors > 0)
      throw new Error(`the bare server failed: ${JSON.stringify(floor.statuses)} (its figures would mean nothing)`);

    const rows = [
      {
        figure: 'autosaves per second (HTTP, 64 clients)',
        unit: '/s',
        value: saveRate,
        baseline: pgSaveRate,
        // Issue 22 asks the same of the autosave as of the submit.
        goal: '≥ ½ of pgbench',
      },
      {
        figure: 'autosave latency p50',
        unit: 'ms',
        value: percentile(saveLatencies, 50),
        baseline: pgSaveLatency,
        goal: '—',
      },
      {
        figure: 'autosave latency p99',
        unit: 'ms',
        value: percentile(saveLatencies, 99),
        baseline: pgSaveLatency,
        goal: '—',
      },
      {
        figure: 'submits per second (HTTP, 64 clients)',
        unit: '/s',
        value: httpRate,
        baseline: pgRate,
        goal: '≥ ½ of pgbench',
      },
      { figure: 'submit latency p50', unit: 'ms', value: percentile(latencies, 50), baseline: pgLatency, goal: '—' },
      {
        figure: 'submit latency p99',
        unit: 'ms',
        value: percentile(latencies, 99),
        baseline: pgLatency,
        // 64 clients in a closed loop: the latency is 64 ÷ the rate (Little's law); the goal is read in the open loop.
        goal: '—',
      },
      {
        figure: `submit latency p99, open loop at ${open.rate}/s (half the closed loop's rate), ${OPEN_SECONDS} s`,
        unit: 'ms',
        value: percentile(open.latencies, 99),
        baseline: percentile(pgOpenLatencies, 99),
        goal: '≤ 50 ms',
      },
      {
        figure: `autosaves per second, one API process per core (${cpus}), 64 clients`,
        unit: '/s',
        value: allCores.saveRate,
        baseline: pgSaveRate,
        goal: '—',
      },
      {
        figure: `submits per second, one API process per core (${cpus}), 64 clients`,
        unit: '/s',
        value: allCores.httpRate,
        baseline: pgRate,
        goal: '≥ ½ of pgbench',
      },
      {
        figure: `autosaves per second, a bare Node server (node:http + pg, no framework, no checks), same SQL, same clients`,
        unit: '/s',
        value: floor.saveRate,
        baseline: pgSaveRate,
        goal: '—',
      },
      {
        figure: `submits per second, a bare Node server (node:http + pg, no framework, no checks), same SQL, same clients`,
        unit: '/s',
        value: floor.httpRate,
        baseline: pgRate,
        goal: '—',
      },
    ];
    process.stdout.write(
      `\nAutosave and submit benchmark: ${FIELDS}-field form, ${CLIENTS} clients; ${ROUNDS} rounds in which the API and pgbench take turns (the first alternating), each ${DURATION_MS / 2000} s of autosaves then ${DURATION_MS / 1000} s of submits; one API process: ${saveLatencies.length} autosaves (${saveErrors} errors), ${latencies.length} submits (${errors} errors), ${shed} answers 503 with Retry-After waited out and sent again;\n` +
        `each round's ratio to pgbench: autosave ${roundRatios.map((r) => `×${r.autosave.toFixed(2)}`).join(', ')}; submit ${roundRatios.map((r) => `×${r.submit.toFixed(2)}`).join(', ')}\n` +
        `open loop: ${open.sent} submits at ${open.rate}/s, ${open.latencies.length} answered 200, ${open.errors} errors; p50 ${percentile(open.latencies, 50).toFixed(1)} ms, p99 ${percentile(open.latencies, 99).toFixed(1)} ms (pgbench --rate ${open.rate}: p99 ${percentile(pgOpenLatencies, 99).toFixed(1)} ms)\n` +
        `then ${cpus} API processes (API_PROCESSES=auto): ${allCores.saveLatencies.length} autosaves (${allCores.saveErrors} errors), ${allCores.latencies.length} submits (${allCores.errors} errors), ${allCores.shed} answers 503 waited out\n` +
        `errors by status: one process ${JSON.stringify(statuses)}, ${cpus} processes ${JSON.stringify(allCores.statuses)}\n` +
        `CPU per operation, one API process (ms): autosave: API ${ms(saveCpuPer.api)}, PostgreSQL ${ms(saveCpuPer.postgres)}, clients ${ms(saveCpuPer.clients)}; ` +
        `submit: API ${ms(submitCpuPer.api)}, PostgreSQL ${ms(submitCpuPer.postgres)}, clients ${ms(submitCpuPer.clients)}\n` +
        `CPU per pgbench transaction (ms): autosave: PostgreSQL ${ms(pgSaveCpu.postgres)}, pgbench ${ms(pgSaveCpu.pgbench)}; ` +
        `submit: PostgreSQL ${ms(pgSubmitCpu.postgres)}, pgbench ${ms(pgSubmitCpu.pgbench)}\n` +
        `bare Node server, same SQL, same clients: ${floor.saveLatencies.length} autosaves, ${floor.latencies.length} submits; CPU per operation (ms): autosave: server ${ms(floor.saveCpuPer.api)}, PostgreSQL ${ms(floor.saveCpuPer.postgres)}, clients ${ms(floor.saveCpuPer.clients)}; ` +
        `submit: server ${ms(floor.submitCpuPer.api)}, PostgreSQL ${ms(floor.submitCpuPer.postgres)}, clients ${ms(floor.submitCpuPer.clients)}\n` +
        `(on ${cpus} cores shared by all: the API's CPU per operation next to PostgreSQL's bounds the ratio to pgbench)\n`,
    );
    process.stdout.write(
      '(baseline: pgbench running the same SQL transactions, 64 clients, same run; its latency is the average)\n\n',
    );
    process.stdout.write('| figure | Guichet | pgbench | ratio | goal |\n|---|---|---|---|---|\n');
    for (const r of rows)
      process.stdout.write(
        `| ${r.figure} | ${r.value.toFixed(1)} ${r.unit} | ${r.baseline.toFixed(1)} ${r.unit} | ×${(r.value / r.baseline).toFixed(2)} | ${r.goal} |\n`,
      );
    const ids = [
      'autosave.rate',
      'autosave.p50',
      'autosave.p99',
      'submit.rate',
      'submit.p50',
      'submit.p99',
      'submit.p99.open-loop',
      'autosave.rate.all-cores',
      'submit.rate.all-cores',
      'autosave.rate.bare-node',
      'submit.rate.bare-node',
    ];
    const met = [
      saveRate >= pgSaveRate / 2,
      null,
      null,
      httpRate >= pgRate / 2,
      null,
      null,
      open.errors === 0 && percentile(open.latencies, 99) <= 50,
      null,
      allCores.httpRate >= pgRate / 2,
      null,
      null,
    ];
    writeResult({
      name: resultName('submit'),
      startedAt: startedAt.toISOString(),
      durationS: (Date.now() - startedAt.getTime()) / 1000,
      machine: { ...machine, postgres: pgVersion, pgbench: await pgbenchVersion() },
      figures: [
        ...rows.map((r, i) =>
          figure({
            id: `submit.${ids[i]}`,
            label: r.figure,
            unit: r.unit,
            value: r.value,
            baseline: {
              label:
                ids[i] === 'submit.p99.open-loop'
                  ? `pgbench p99, same SQL, ${CLIENTS} clients, --rate ${open.rate}`
                  : `pgbench ${r.unit === 'ms' ? 'latency average' : 'transactions/s'}, same SQL, ${CLIENTS} clients`,
              value: r.baseline,
            },
            goal: r.goal === '—' ? null : r.goal,
            met: met[i],
          }),
        ),
        figure({
          id: 'submit.cpu.api',
          label: 'CPU per submit in the API process (one process, 64 clients)',
          unit: 'ms',
          value: submitCpuPer.api,
          baseline: { label: 'pgbench’s own CPU per transaction, same SQL', value: pgSubmitCpu.pgbench },
        }),
        figure({
          id: 'submit.cpu.postgres',
          label: 'CPU per submit in PostgreSQL (every process, the API’s statements)',
          unit: 'ms',
          value: submitCpuPer.postgres,
          baseline: { label: 'PostgreSQL CPU per pgbench transaction, same SQL', value: pgSubmitCpu.postgres },
        }),
        figure({
          id: 'submit.cpu.autosave.api',
          label: 'CPU per autosave in the API process (one process, 64 clients)',
          unit: 'ms',
          value: saveCpuPer.api,
          baseline: { label: 'pgbench’s own CPU per transaction, same SQL', value: pgSaveCpu.pgbench },
        }),
        figure({
          id: 'submit.cpu.autosave.postgres',
          label: 'CPU per autosave in PostgreSQL (every process, the API’s statements)',
          unit: 'ms',
          value: saveCpuPer.postgres,
          baseline: { label: 'PostgreSQL CPU per pgbench transaction, same SQL', value: pgSaveCpu.postgres },
        }),
        figure({
          id: 'submit.autosave.rate.vs-bare-node',
          label: 'autosaves per second (HTTP, 64 clients), next to the bare Node server',
          unit: '/s',
          value: saveRate,
          baseline: {
            label: 'bare Node server (node:http + pg, no checks), same SQL, same clients',
            value: floor.saveRate,
          },
        }),
        figure({
          id: 'submit.rate.vs-bare-node',
          label: 'submits per second (HTTP, 64 clients), next to the bare Node server',
          unit: '/s',
          value: httpRate,
          baseline: {
            label: 'bare Node server (node:http + pg, no checks), same SQL, same clients',
            value: floor.httpRate,
          },
        }),
        figure({
          id: 'submit.cpu.autosave.bare-node',
          label: 'CPU per autosave in the bare Node server (same SQL, same clients)',
          unit: 'ms',
          value: floor.saveCpuPer.api,
          baseline: { label: 'pgbench’s own CPU per transaction, same SQL', value: pgSaveCpu.pgbench },
        }),
        figure({
          id: 'submit.cpu.bare-node',
          label: 'CPU per submit in the bare Node server (same SQL, same clients)',
          unit: 'ms',
          value: floor.submitCpuPer.api,
          baseline: { label: 'pgbench’s own CPU per transaction, same SQL', value: pgSubmitCpu.pgbench },
        }),
        figure({
          id: 'submit.shed',
          label: 'answers 503 with Retry-After, waited out and sent again (admission control, both runs)',
          unit: 'answers',
          value: shed + allCores.shed,
        }),
        figure({
          id: 'submit.errors',
          label:
            'autosave and submit errors (neither 200 nor 503 with Retry-After, which the client waits out as the page does)',
          unit: 'errors',
          value: saveErrors + errors + open.errors + allCores.saveErrors + allCores.errors,
          goal: '0',
          met: saveErrors + errors + open.errors + allCores.saveErrors + allCores.errors === 0,
        }),
      ],
      details: {
        clients: CLIENTS,
        fields: FIELDS,
        autosaves: saveLatencies.length,
        autosaveErrors: saveErrors,
        submits: latencies.length,
        submitErrors: errors,
        openLoop: { rate: open.rate, sent: open.sent, answered: open.latencies.length, errors: open.errors },
        shed,
        errorStatuses: statuses,
        cpuPerOperation: { autosave: saveCpuPer, submit: submitCpuPer },
        bareNode: {
          autosaves: floor.saveLatencies.length,
          submits: floor.latencies.length,
          cpuPerOperation: { autosave: floor.saveCpuPer, submit: floor.submitCpuPer },
          autosaveP99: percentile(floor.saveLatencies, 99),
          submitP99: percentile(floor.latencies, 99),
        },
        pgbenchCpuPerTransaction: { autosave: pgSaveCpu, submit: pgSubmitCpu },
        allCores: {
          processes: cpus,
          autosaves: allCores.saveLatencies.length,
          autosaveErrors: allCores.saveErrors,
          submits: allCores.latencies.length,
          submitErrors: allCores.errors,
          shed: allCores.shed,
          errorStatuses: allCores.statuses,
          autosaveP99: percentile(allCores.saveLatencies, 99),
          submitP99: percentile(allCores.latencies, 99),
        },
        rows,
      },
    });
  } finally {
    await api.stop();
    await ds.destroy();
    await dropBenchDatabase(ADMIN_URL, dbName);
  }
}

runBench(main);
