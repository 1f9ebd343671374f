/**
 * Caseworker desk benchmark (issue 9, Performance): one service with
 * 1,000,000 submitted requests seeded in bulk (bench/lib/seed-requests.ts),
 * the built API as a process on that database, a caseworker API token.
 *
 *   (a) inbox first page, status=submitted, date sort          goal p95 ≤ 20 ms
 *   (b) next pages: nextCursor followed 20 pages deep          goal p95 ≤ 20 ms
 *   (c) first page with an answer filter (field=/parent/postalCode=…),
 *       alone and with status=submitted                        goal p95 ≤ 100 ms
 *   (d) free-text search q=<a family-name prefix>              (no goal)
 *   (e) the « Suivis » tab of an agent holding ~27,000        goal p95 ≤ 50 ms
 *   CSV export of every request over HTTP                       goal ≥ 50,000 rows/s, API peak memory ≤ 256 MB
 *
 * Sequential HTTP requests after a warm-up; baseline in the same run: the
 * statements each request issues, replayed with a pg client (no HTTP, no
 * Nest), and for the export PostgreSQL's own COPY … TO STDOUT WITH CSV of the
 * same columns through `psql \copy`. EXPLAIN (ANALYZE, BUFFERS) of every kind
 * is printed. Results: bench/results/inbox.json (bench/lib/report.ts).
 *
 *   npm run bench:inbox                  (DATABASE_URL, REDIS_URL or the local ones; psql on the PATH)
 *   BENCH_ROWS=100000 npm run bench:inbox    a quicker run
 *   BENCH_REQUESTS=200                   requests per kind (and per baseline)
 *   BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=dir"   the API's CPU profile (Node options for its process)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { answerColumns, encodeCursor, inboxPageSql, parseInboxQuery } from '@guichet/desk';
import { ApiTokenService } from '@guichet/identity';
import { Organisation, createDataSource, runMigrations } from '@guichet/persistence';
import { organisationId, type JsonSchema } from '@guichet/shared';
import { DEFAULT_WORKFLOW } from '@guichet/workflow';
import { figure, formatNumber, machineInfo, percentile, resultName, writeResult, type Figure } from './lib/report';
import { LAST_NAMES, canteenLikeDefinition, relationSizes, seedRequests } from './lib/seed-requests';
import { freePort, sleep, stopProcess, withDatabase } from './lib/processes';
import { dropBenchDatabase, runBench } from './lib/database';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** run-all passes a tag so that it can clean up after a bench it had to kill. */
const TAG = process.env.BENCH_TAG ?? `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const ROWS = Math.round(Number(process.env.BENCH_ROWS ?? 1_000_000));
const REQUESTS = Math.round(Number(process.env.BENCH_REQUESTS ?? 200));
const WARMUP = 20;
const PAGES_DEEP = 20;
const SLUG = 'cantine';
const AGENTS = 20;
const MB = 2 ** 20;

const out = (line = '') => process.stdout.write(`${line}\n`);

/** VmRSS and VmHWM of a process, in bytes. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets the peak RSS of a process (Linux ≥ 4.0), so that VmHWM then measures what follows. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

type Raw = Record<string, string | string[]>;

function queryString(raw: Raw): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(raw))
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  return params.toString();
}

/** A cursor at a given instant (what a caseworker gets after paging down to that date). */
function cursorFor(at: Date): string {
  return encodeCursor('submitted', at.toISOString(), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
}

/** The page statement of Inbox.list (libs/desk/src/inbox.ts), built the same way (a grant on every group). */
function pageStatement(serviceId: string, actorId: string, schema: JsonSchema, raw: Raw) {
  // The very statement Inbox.list sends (libs/desk/src/inbox.ts), for an agent of the whole service.
  const { sql, params } = inboxPageSql(serviceId, actorId, parseInboxQuery(raw, schema), null);
  return { text: sql, values: params };
}

/** Inbox.sharedCounts and Inbox.followedCount, copied from libs/desk/src/inbox.ts (private there). */
const SHARED_COUNTS = `SELECT count(*) FILTER (WHERE status = 'submitted')::int AS a_traiter,
                count(*) FILTER (WHERE decided_at IS NOT NULL)::int AS traites,
                count(*)::int AS tous
           FROM submission WHERE service_id = $1 AND status <> 'draft'
            AND ($2::varchar[] IS NULL OR group_key = ANY($2::varchar[]))`;
const FOLLOWED_COUNT = `SELECT ((SELECT count(*) FROM submission a
                 WHERE a.assignee = $2 AND a.service_id = $1 AND a.status <> 'draft')
             + (SELECT count(*) FROM submission_follower f JOIN submission s ON s.id = f.submission_id
                 WHERE f.agent = $2 AND s.service_id = $1 AND s.status <> 'draft'
                   AND s.assignee IS DISTINCT FROM $2))::int AS n`;

interface Kind {
  id: string;
  label: string;
  goal: number | null;
  /** The queries sent, in order (the baseline replays them). */
  sent: Raw[];
  http: number[];
  sql: number[];
  page: number[];
  errors: number;
  rowsReturned: number[];
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  const dbName = `guichet_bench_inbox_${TAG}`;
  const prefix = `bix${TAG}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const settings = (
    await admin.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost',
                       'max_parallel_workers_per_gather', 'jit')`,
    )
  ).rows;
  await admin.end();
  const pg = Object.fromEntries(settings.map((s) => [s.name, s.unit ? `${s.setting} × ${s.unit}` : s.setting]));
  const url = withDatabase(ADMIN_URL, dbName);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  const redisUp = await redis.connect().then(
    () => true,
    () => false,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-bench-inbox-'));
  const ds = createDataSource({ url, poolSize: 2, applicationName: 'guichet-bench' });
  let api: ChildProcess | undefined;
  const sqlClient = new Client({ connectionString: url, application_name: 'guichet-bench-baseline' });
  const sqlSecond = new Client({ connectionString: url, application_name: 'guichet-bench-baseline' });
  let sqlConnected = false;
  try {
    await runMigrations(url);
    await ds.initialize();
    const org = await ds.getRepository(Organisation).save({ slug: 'bench', name: 'Commune du banc d’essai' });
    const tokens = new ApiTokenService(ds);
    const designer = await tokens.issue({
      organisationId: organisationId(org.id),
      name: 'conception',
      role: 'designer',
    });
    const caseworker = await tokens.issue({
      organisationId: organisationId(org.id),
      name: 'instruction',
      role: 'caseworker',
    });
    const me = `token:${caseworker.record.id}`;

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean),
        join(__dirname, '..', 'apps', 'api', 'src', 'main.js'),
      ],
      {
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: url,
          ...(redisUp ? { QUEUE_BACKEND: 'redis', REDIS_URL } : { QUEUE_BACKEND: 'postgres' }),
          QUEUE_PREFIX: prefix,
          SESSION_SECRET: randomBytes(32).toString('base64url'),
          LOG_LEVEL: 'warn',
          DATA_DIR: dataDir,
          // The export of all 1,000,000 is measured streamed (above 50,000 by default it is a worker's job).
          EXPORT_SYNC_MAX_ROWS: '1000000',
        },
        // An IPC channel: the API stops by itself if this process dies.
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const apiPid = api.pid!;
    for (let i = 0; ; i++) {
      if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}`);
      if (
        await fetch(`${base}/health/live`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error('the API did not start');
      await sleep(100);
    }
    const designerAuth = { authorization: `Bearer ${designer.token}`, 'content-type': 'application/json' };
    const definition = canteenLikeDefinition();
    const created = await fetch(`${base}/api/v1/services`, {
      method: 'POST',
      headers: designerAuth,
      body: JSON.stringify({ slug: SLUG, title: 'Restauration scolaire', organisationId: org.id, definition }),
    });
    if (created.status !== 201) throw new Error(`service: ${created.status} ${await created.text()}`);
    const published = await fetch(`${base}/api/v1/services/${SLUG}/publish`, { method: 'POST', headers: designerAuth });
    if (published.status !== 201) throw new Error(`publish: ${published.status} ${await published.text()}`);
    const [service] = (await ds.query(
      `SELECT s.id, v.id AS version_id, v.number FROM service s JOIN form_version v ON v.service_id = s.id
        WHERE s.slug = $1 AND v.number = s.latest_version`,
      [SLUG],
    )) as Array<{ id: string; version_id: string; number: number }>;
    const serviceId = service!.id;
    const schema = definition.schema as unknown as JsonSchema;

    // Seeding: the caseworker of the token is one of the agents, and follows a few hundred requests more.
    out(`\nSeeding ${ROWS.toLocaleString('en')} requests in service "${SLUG}" (database ${dbName})…`);
    const agents = [...Array.from({ length: AGENTS - 1 }, () => `account:${randomUUID()}`), me];
    const seed = await seedRequests(
      async () => {
        const client = new Client({ connectionString: url, application_name: 'guichet-bench-seed' });
        await client.connect();
        return client;
      },
      {
        rows: ROWS,
        organisationId: org.id,
        serviceId,
        formVersionId: service!.version_id,
        versionNumber: service!.number,
        agents,
        follower: { agent: me, followed: Math.max(10, Math.round(ROWS / 2000)) },
        log: (line) => out(line),
      },
    );
    await sqlClient.connect();
    await sqlSecond.connect();
    sqlConnected = true;
    const sizes = await relationSizes(sqlClient);
    const distribution = (
      await sqlClient.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM submission GROUP BY status ORDER BY n DESC`,
      )
    ).rows;
    const mine = (
      await sqlClient.query<{ n: number }>(`SELECT count(*)::int AS n FROM submission WHERE assignee = $1`, [me])
    ).rows[0]!.n;
    out(
      `Seeded in ${seed.totalSeconds.toFixed(1)} s: insert ${seed.insertSeconds.toFixed(1)} s, indexes ${seed.indexSeconds.toFixed(1)} s, VACUUM ANALYZE ${seed.analyzeSeconds.toFixed(1)} s`,
    );
    out(
      `Statuses: ${distribution.map((d) => `${d.status} ${d.n}`).join(', ')}; assigned to the bench caseworker: ${mine}`,
    );
    out(
      `submission: heap ${(sizes.tableBytes / MB).toFixed(0)} MB, TOAST ${(sizes.toastBytes / MB).toFixed(0)} MB; indexes: ${sizes.indexes.map((i) => `${i.name} ${(i.bytes / MB).toFixed(0)} MB`).join(', ')}`,
    );

    // The answer filters: postal codes from the most to the least frequent, and family-name prefixes.
    const codes = (
      await sqlClient.query<{ code: string; n: number }>(
        `SELECT data #>> '{parent,postalCode}' AS code, count(*)::int AS n FROM submission GROUP BY 1 ORDER BY 2 DESC`,
      )
    ).rows;
    const pickedCodes = [0, 0.25, 0.5, 0.75, 1].map(
      (q) => codes[Math.min(codes.length - 1, Math.round(q * (codes.length - 1)))]!,
    );
    const prefixes = [...new Set([0, 3, 10, 25, 60, 120, 199].map((i) => LAST_NAMES[i]!.toLowerCase().slice(0, 4)))];
    const { rows: span } = await sqlClient.query<{ first: Date; last: Date }>(
      `SELECT min(submitted_at) AS first, max(submitted_at) AS last FROM submission`,
    );
    const first = span[0]!.first.getTime();
    const last = span[0]!.last.getTime();
    const dateAt = (q: number) => new Date(first + (last - first) * q);

    const auth = { authorization: `Bearer ${caseworker.token}` };
    const get = async (raw: Raw) => {
      const started = performance.now();
      const response = await fetch(`${base}/api/v1/services/${SLUG}/inbox?${queryString(raw)}`, { headers: auth });
      const text = await response.text();
      const ms = performance.now() - started;
      return { ms, status: response.status, body: response.status === 200 ? (JSON.parse(text) as Page) : null };
    };
    type Page = { items: Array<{ id: string }>; nextCursor: string | null; counts: Record<string, number> };

    const kinds: Kind[] = [];
    const kind = (id: string, label: string, goal: number | null): Kind => {
      const k: Kind = { id, label, goal, sent: [], http: [], sql: [], page: [], errors: 0, rowsReturned: [] };
      kinds.push(k);
      return k;
    };
    const measure = async (k: Kind, raw: Raw, record = true): Promise<Page | null> => {
      const r = await get(raw);
      if (!record) return r.body;
      k.sent.push(raw);
      if (r.status !== 200 || !r.body) k.errors++;
      else {
        k.http.push(r.ms);
        k.rowsReturned.push(r.body.items.length);
      }
      return r.body;
    };

    const first25: Raw = { status: 'submitted' };
    const fieldRaw = (i: number): Raw => ({ field: `/parent/postalCode=${pickedCodes[i % pickedCodes.length]!.code}` });
    const fieldStatusRaw = (i: number): Raw => ({ ...fieldRaw(i), status: 'submitted' });
    const searchRaw = (i: number): Raw => ({ q: prefixes[i % prefixes.length]! });

    // Warm-up: every kind, and the counts cache.
    for (let i = 0; i < WARMUP; i++) {
      for (const raw of [
        first25,
        fieldRaw(i),
        fieldStatusRaw(i),
        searchRaw(i),
        { status: 'submitted', cursor: cursorFor(dateAt(Math.random())) },
      ])
        await get(raw);
    }
    const measuredFrom = performance.now();

    const a = kind('inbox.first', '(a) inbox first page, status=submitted, date sort', 20);
    for (let i = 0; i < REQUESTS; i++) await measure(a, first25);

    // (b) Chains of pages from several starting points: the top of three filters, then dates spread over the two years.
    const b = kind('inbox.next', `(b) inbox next pages (nextCursor, ${PAGES_DEEP} pages deep)`, 20);
    const chains = Math.max(1, Math.ceil(REQUESTS / PAGES_DEEP));
    const starts: Raw[] = [{ status: 'submitted' }, {}, { status: 'in_review' }, { tab: 'a_traiter' }];
    for (let c = 0; starts.length < chains; c++)
      starts.push({ status: c % 3 === 2 ? 'in_review' : 'submitted', cursor: cursorFor(dateAt((c + 0.5) / chains)) });
    for (const start of starts.slice(0, chains)) {
      let page = await measure(b, start, false);
      for (let depth = 0; depth < PAGES_DEEP && page?.nextCursor; depth++) {
        const { cursor: _ignored, ...filter } = start;
        page = await measure(b, { ...filter, cursor: page.nextCursor });
      }
    }

    const c1 = kind('inbox.field', '(c) inbox first page, field=/parent/postalCode=…', 100);
    for (let i = 0; i < REQUESTS; i++) await measure(c1, fieldRaw(i));
    const c2 = kind('inbox.field_status', '(c) inbox first page, field=/parent/postalCode=… & status=submitted', 100);
    for (let i = 0; i < REQUESTS; i++) await measure(c2, fieldStatusRaw(i));
    const d = kind('inbox.search', '(d) inbox first page, q=<family-name prefix>', null);
    for (let i = 0; i < REQUESTS; i++) await measure(d, searchRaw(i));
    // Issue 22: ≤ 50 ms p95 for an agent who holds tens of thousands of requests.
    const e = kind('inbox.suivis', '(e) inbox first page, tab=suivis (assigned to me or followed)', 50);
    for (let i = 0; i < Math.max(10, Math.round(REQUESTS / 4)); i++) await measure(e, { tab: 'suivis' });
    const measuredSeconds = (performance.now() - measuredFrom) / 1000;

    // Counts: cached 10 s per service. One request after the cache expired, and the statement alone.
    await sleep(10_500);
    const cold = await get(first25);
    const countTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await sqlClient.query(SHARED_COUNTS, [serviceId, null]);
      countTimes.push(performance.now() - started);
    }
    const countsSql = stats(countTimes).p50;

    // Baseline: the same statements, replayed with pg clients, no HTTP, no Nest, no TypeORM.
    const tokenHash = (
      await sqlClient.query<{ token_hash: string }>(`SELECT token_hash FROM api_token WHERE id = $1`, [
        caseworker.record.id,
      ])
    ).rows[0]!.token_hash;
    const replay = async (k: Kind) => {
      for (const raw of k.sent) {
        const statement = pageStatement(serviceId, me, schema, raw);
        const started = performance.now();
        await sqlClient.query(`SELECT * FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL LIMIT 1`, [
          tokenHash,
        ]);
        // The version's definition is not read again: the API keeps published versions (FormVersions).
        await sqlClient.query(`SELECT * FROM service WHERE slug = $1 LIMIT 1`, [SLUG]);
        // As Inbox.list does: the page and the "Suivis" count at once, on two connections.
        const pageStarted = performance.now();
        await Promise.all([
          sqlClient.query(statement.text, statement.values).then(() => k.page.push(performance.now() - pageStarted)),
          sqlSecond.query(FOLLOWED_COUNT, [serviceId, me]),
        ]);
        k.sql.push(performance.now() - started);
      }
    };
    for (const k of kinds) {
      for (const raw of k.sent.slice(0, WARMUP)) {
        const statement = pageStatement(serviceId, me, schema, raw);
        await sqlClient.query(statement.text, statement.values);
      }
      await replay(k);
    }

    // EXPLAIN (ANALYZE, BUFFERS) of each kind, and of the counts.
    const explain = async (title: string, text: string, values: unknown[]) => {
      const { rows } = await sqlClient.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
      return { title, plan: rows.map((r) => r['QUERY PLAN']) };
    };
    const plans = [];
    const deepest = b.sent.find((raw) => raw.cursor && raw.status === 'submitted') ?? b.sent.at(-1)!;
    for (const [title, raw] of [
      ['(a) first page, status=submitted', first25],
      ['(b) next page, status=submitted, cursor', deepest],
      [`(c) field=/parent/postalCode=${pickedCodes[0]!.code} (most frequent, ${pickedCodes[0]!.n} rows)`, fieldRaw(0)],
      [
        `(c) field=/parent/postalCode=${pickedCodes.at(-1)!.code} (least frequent, ${pickedCodes.at(-1)!.n} rows)`,
        fieldRaw(pickedCodes.length - 1),
      ],
      [
        `(c) field=/parent/postalCode=${pickedCodes.at(-1)!.code} & status=submitted`,
        fieldStatusRaw(pickedCodes.length - 1),
      ],
      [`(d) q=${prefixes[0]}`, searchRaw(0)],
      [`(d) q=${prefixes.at(-1)}`, searchRaw(prefixes.length - 1)],
      ['(e) tab=suivis', { tab: 'suivis' }],
    ] as Array<[string, Raw]>) {
      const statement = pageStatement(serviceId, me, schema, raw);
      plans.push(await explain(`${title}  [${queryString(raw).slice(0, 120)}]`, statement.text, statement.values));
    }
    plans.push(await explain('counts per tab (uncached, every 10 s per service)', SHARED_COUNTS, [serviceId, null]));
    plans.push(await explain('"Suivis" count (every request)', FOLLOWED_COUNT, [serviceId, me]));

    // CSV export of everything over HTTP, the API's memory sampled.
    await sleep(500);
    const before = memoryOf(apiPid);
    const peakReset = resetPeak(apiPid);
    let sampledPeak = before.rss;
    const sampler = setInterval(() => {
      try {
        sampledPeak = Math.max(sampledPeak, memoryOf(apiPid).rss);
      } catch {
        // the process is gone: the export fails below
      }
    }, 50);
    const exportStarted = performance.now();
    const response = await fetch(`${base}/api/v1/services/${SLUG}/export?format=csv`, { headers: auth });
    if (response.status !== 200 || !response.body) throw new Error(`export: ${response.status}`);
    let exportBytes = 0;
    let exportLines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      exportBytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) exportLines++;
    }
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    clearInterval(sampler);
    const after = memoryOf(apiPid);
    const exportRows = exportLines - 1;
    const exportRate = exportRows / exportSeconds;
    const exportPeak = peakReset ? after.hwm : Math.max(sampledPeak, after.rss);

    // Baseline: COPY (the same columns, same order) TO STDOUT WITH CSV, through psql's \copy, read by this process.
    const labels = Object.entries(DEFAULT_WORKFLOW.states)
      .map(([status, state]) => `WHEN '${status}' THEN '${state.label.replace(/'/g, "''")}'`)
      .join(' ');
    const answerSql = answerColumns(definition).map((c) => {
      const path = `'{${c.pointer.slice(1).split('/').join(',')}}'`;
      return c.list ? `s.data #> ${path}` : `s.data #>> ${path}`;
    });
    const copySql = `SELECT s.reference, CASE s.status ${labels} ELSE s.status END, s.submitted_at, s.decided_at, s.group_key,
      s.assignee, s.contact_name, s.contact_email, ${answerSql.join(', ')}
      FROM submission s WHERE s.service_id = '${serviceId}' AND s.status <> 'draft' ORDER BY s.submitted_at DESC, s.id DESC`;
    const copyStarted = performance.now();
    const copied = await new Promise<{ bytes: number; lines: number }>((resolve, reject) => {
      const psql = spawn(
        'psql',
        [
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '-d',
          url,
          '-c',
          `\\copy (${copySql.replace(/\s+/g, ' ')}) TO STDOUT WITH (FORMAT csv, HEADER)`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let bytes = 0;
      let lines = 0;
      let stderr = '';
      psql.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      });
      psql.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      psql.on('error', reject);
      psql.on('exit', (code) =>
        code === 0 ? resolve({ bytes, lines }) : reject(new Error(`psql: ${code} ${stderr}`)),
      );
    });
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copyRate = (copied.lines - 1) / copySeconds;

    // Figures.
    const figures: Figure[] = [];
    for (const k of kinds) {
      const http = stats(k.http);
      const sql = stats(k.sql);
      for (const p of ['p50', 'p95', 'p99'] as const) {
        figures.push(
          figure({
            id: `${k.id}.${p}`,
            label: `${k.label}, ${p}`,
            unit: 'ms',
            value: http[p],
            baseline: {
              label: 'pg client: the same statements (token, service, then page ∥ Suivis count)',
              value: sql[p],
            },
            goal: k.goal !== null && p === 'p95' ? `≤ ${k.goal} ms` : null,
            met: k.goal !== null && p === 'p95' ? http.p95 <= k.goal && k.errors === 0 : null,
            ...(k.errors ? { note: `${k.errors} non-200 answers` } : {}),
          }),
        );
      }
    }
    figures.push(
      figure({
        id: 'inbox.counts_uncached',
        label: 'inbox first page when the counts cache has expired (one request, HTTP)',
        unit: 'ms',
        value: cold.ms,
        baseline: { label: 'the counts statement alone, pg client (median of 3)', value: countsSql },
        note: 'counts are cached 10 s per service: about one request every 10 s per service pays this',
      }),
      figure({
        id: 'export.csv.rows_per_s',
        label: `CSV export of all ${exportRows.toLocaleString('en')} requests over HTTP`,
        unit: '/s',
        value: exportRate,
        baseline: { label: 'psql \\copy (same columns, same order) TO STDOUT WITH CSV', value: copyRate },
        goal: '≥ 50,000/s',
        met: exportRate >= 50_000 && exportRows === ROWS,
      }),
      figure({
        id: 'export.csv.peak_mb',
        label: `API process peak memory during the export (${peakReset ? 'VmHWM, reset just before' : 'sampled VmRSS'})`,
        unit: 'MB',
        value: exportPeak / MB,
        baseline: { label: 'API RSS just before the export', value: before.rss / MB },
        goal: '≤ 256 MB',
        met: exportPeak <= 256 * MB,
      }),
      figure({
        id: 'seed.seconds',
        label: `seeding ${ROWS.toLocaleString('en')} requests (insert, indexes, VACUUM ANALYZE)`,
        unit: 's',
        value: seed.totalSeconds,
      }),
    );

    const notes = [
      `${ROWS.toLocaleString('en')} requests in one service; ${REQUESTS} sequential HTTP requests per kind after ${WARMUP} of warm-up; keep-alive.`,
      'Counts per tab are cached 10 s per service; the measured requests spanned ' +
        `${measuredSeconds.toFixed(0)} s, so about ${Math.ceil(measuredSeconds / 10)} of them paid the uncached counts (see inbox.counts_uncached).`,
      'Other work may run on this 2-core machine at the same time: figures are noisy; baselines are from the same run.',
    ];

    out(`\nCaseworker desk benchmark: ${ROWS.toLocaleString('en')} requests, service "${SLUG}"`);
    out(
      `(baseline: the statements each request issues, replayed with pg clients; export: psql \\copy … TO STDOUT WITH CSV)\n`,
    );
    out('| figure | Guichet | baseline | ratio | goal | met |\n|---|---|---|---|---|---|');
    for (const f of figures)
      out(
        `| ${f.label} | ${f.value === null ? '—' : `${formatNumber(f.value)} ${f.unit}`} | ${f.baseline ? `${formatNumber(f.baseline.value)} ${f.unit}` : '—'} | ${f.ratio === null ? '—' : `×${f.ratio.toFixed(2)}`} | ${f.goal ?? '—'} | ${f.met === null ? '—' : f.met ? 'yes' : 'NO'} |`,
      );
    out('\nThe page statement alone (pg client), and rows per page:');
    for (const k of kinds) {
      const page = stats(k.page);
      const rows = k.rowsReturned.reduce((s, n) => s + n, 0) / (k.rowsReturned.length || 1);
      out(
        `  ${k.label}: p50 ${formatNumber(page.p50)} ms, p95 ${formatNumber(page.p95)} ms, p99 ${formatNumber(page.p99)} ms; HTTP max ${formatNumber(stats(k.http).max)} ms; ${rows.toFixed(1)} items per page; ${k.errors} errors`,
      );
    }
    out(
      `  postal codes used: ${pickedCodes.map((c) => `${c.code} (${c.n} rows)`).join(', ')}; search prefixes: ${prefixes.join(', ')}`,
    );
    out(
      `\nExport: ${exportRows.toLocaleString('en')} rows, ${(exportBytes / MB).toFixed(0)} MB in ${exportSeconds.toFixed(1)} s; API RSS ${(before.rss / MB).toFixed(0)} MB before, ${(after.rss / MB).toFixed(0)} MB after, peak ${(exportPeak / MB).toFixed(0)} MB (sampled max ${(sampledPeak / MB).toFixed(0)} MB)`,
    );
    out(
      `COPY baseline: ${(copied.lines - 1).toLocaleString('en')} rows, ${(copied.bytes / MB).toFixed(0)} MB in ${copySeconds.toFixed(1)} s`,
    );
    for (const p of plans) out(`\nEXPLAIN (ANALYZE, BUFFERS) ${p.title}\n  ${p.plan.join('\n  ')}`);
    for (const note of notes) out(`\nNote: ${note}`);

    const file = writeResult({
      name: resultName('inbox'),
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      machine: { ...machine, postgres: pg, redis: redisUp ? 'up' : 'absent', rows: ROWS },
      figures,
      notes,
      details: {
        seed,
        sizes,
        statuses: distribution,
        assignedToBenchCaseworker: mine,
        postalCodes: pickedCodes,
        searchPrefixes: prefixes,
        kinds: kinds.map((k) => ({
          id: k.id,
          http: stats(k.http),
          statements: stats(k.sql),
          pageStatement: stats(k.page),
          errors: k.errors,
        })),
        export: {
          rows: exportRows,
          bytes: exportBytes,
          seconds: exportSeconds,
          rssBefore: before.rss,
          rssAfter: after.rss,
          peak: exportPeak,
          sampledPeak,
          peakReset,
        },
        copy: { rows: copied.lines - 1, bytes: copied.bytes, seconds: copySeconds },
        plans,
      },
    });
    out(`\nResults: ${file}`);
  } finally {
    await stopProcess(api);
    if (sqlConnected) await Promise.all([sqlClient.end(), sqlSecond.end()]).catch(() => undefined);
    if (ds.isInitialized) await ds.destroy().catch(() => undefined);
    if (redisUp) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    }
    await dropBenchDatabase(ADMIN_URL, dbName);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
