/**
 * Two builds of the API side by side on the CSV export (issue 9's export figure): one database seeded as the inbox
 * bench seeds it (bench/lib/seed-requests.ts, BENCH_ROWS requests, 200,000 by default), both APIs running, the
 * whole service exported by each in turn (A B, then B A, …), and for each export its rate, the API process's CPU per
 * row (less sensitive to the machine's other load than the rate), the CPU of the PostgreSQL backends serving the
 * database (what moved there), the API's peak RSS (VmHWM, reset before each export)
 * and the SHA-256 of the body: the two builds must write the same bytes.
 *
 *   npm run build:server && cp -r dist var/dist-before      (the build to compare with, e.g. from main)
 *   … change, npm run build:server …
 *   node dist/bench/export-side-by-side.js var/dist-before dist [rounds]
 *
 * BENCH_EXPORT_QUERY (default `format=csv`) is the export's query string, e.g. `format=csv&sep=semicolon`;
 * BENCH_API_NODE_ARGS, Node options for both APIs (e.g. `--cpu-prof --cpu-prof-dir=var/prof`: one profile each);
 * BENCH_SAVE_DIR, where the warm-up exports are written (A.export, B.export: an XLSX's ZIP holds the time it was
 * made, so two XLSX differ in bytes; compare what `unzip -p` prints).
 * Not in `npm run bench`: it compares builds, it has no baseline of its own.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { createBenchDatabase, benchOrganisation, dropBenchDatabase, runBench } from './lib/database';
import { cpuSeconds, startApi } from './lib/processes';
import { canteenLikeDefinition, seedRequests } from './lib/seed-requests';

const ROWS = Math.round(Number(process.env.BENCH_ROWS ?? 200_000));
const QUERY = process.env.BENCH_EXPORT_QUERY ?? 'format=csv';
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TAG = process.env.BENCH_TAG ?? Date.now().toString(36);
const out = (line = '') => process.stdout.write(`${line}\n`);

/** The peak RSS of a process since `resetPeak` (VmHWM, Linux), in MB; NaN when unknown. */
function peakMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

function resetPeak(pid: number | undefined): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not Linux, or not allowed: the peak is then the process's since it started
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  const [before, after] = process.argv.slice(2, 4).map((dir) => resolve(dir));
  const rounds = Number(process.argv[4] ?? 3);
  if (!before || !after) throw new Error('usage: node dist/bench/export-side-by-side.js <build A> <build B> [rounds]');
  const dbName = `guichet_bench_export_${TAG}`;
  const { url, ds } = await createBenchDatabase(ADMIN_URL, dbName);
  const { orgId, token } = await benchOrganisation(ds, 'designer');
  const caseworker = await new ApiTokenService(ds).issue({
    organisationId: organisationId(orgId),
    name: 'instruction',
    role: 'caseworker',
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-bench-'));
  const sessionSecret = randomBytes(32).toString('base64url');
  const start = (build: string) =>
    startApi(
      join(build, 'apps', 'api', 'src', 'main.js'),
      {
        API_PROCESSES: '1',
        DATABASE_URL: url,
        QUEUE_BACKEND: 'postgres',
        QUEUE_PREFIX: `bex${TAG}`,
        SESSION_SECRET: sessionSecret,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        DATA_DIR: dataDir,
        RATE_LIMITS: 'off',
        EXPORT_SYNC_MAX_ROWS: String(Math.max(ROWS, 1000)),
      },
      { name: `API of ${build}`, nodeArgs: (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean) },
    );
  const apis = [await start(before), await start(after)];
  try {
    const designerAuth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${apis[0]!.base}/api/v1/services`, {
      method: 'POST',
      headers: designerAuth,
      body: JSON.stringify({
        slug: 'cantine',
        title: 'Cantine',
        organisationId: orgId,
        definition: canteenLikeDefinition(),
      }),
    });
    if (created.status !== 201) throw new Error(`service: ${created.status} ${await created.text()}`);
    await fetch(`${apis[0]!.base}/api/v1/services/cantine/publish`, { method: 'POST', headers: designerAuth });
    const [service] = (await ds.query(
      `SELECT s.id, v.id AS version_id, v.number FROM service s JOIN form_version v ON v.service_id = s.id
        WHERE s.slug = 'cantine' AND v.number = s.latest_version`,
    )) as Array<{ id: string; version_id: string; number: number }>;
    const agents = [...Array.from({ length: 19 }, () => `account:${randomUUID()}`), `token:${caseworker.record.id}`];
    out(`Seeding ${ROWS.toLocaleString('en')} requests (database ${dbName})…`);
    await seedRequests(
      async () => {
        const client = new Client({ connectionString: url });
        await client.connect();
        return client;
      },
      {
        rows: ROWS,
        organisationId: orgId,
        serviceId: service!.id,
        formVersionId: service!.version_id,
        versionNumber: service!.number,
        agents,
      },
    );
    const auth = { authorization: `Bearer ${caseworker.token}` };
    // PostgreSQL's side: the CPU of the backends serving this database (the APIs' pools; this script's two).
    const backendsCpu = async () => {
      const rows = (await ds.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)) as Array<{
        pid: number;
      }>;
      return new Map(rows.map((row) => [row.pid, cpuSeconds(row.pid)]));
    };
    const exportOnce = async (api: (typeof apis)[number], saveAs?: string) => {
      resetPeak(api.pid);
      const backends = await backendsCpu();
      const cpu = cpuSeconds(api.pid);
      const started = performance.now();
      const response = await fetch(`${api.base}/api/v1/services/cantine/export?${QUERY}`, { headers: auth });
      if (response.status !== 200 || !response.body) throw new Error(`export: ${response.status}`);
      const hash = createHash('sha256');
      const saved: Uint8Array[] = [];
      let lines = 0;
      let bytes = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        if (saveAs) saved.push(chunk);
        bytes += chunk.length;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      }
      const seconds = (performance.now() - started) / 1000;
      if (saveAs) writeFileSync(saveAs, Buffer.concat(saved));
      const cpuUsed = cpuSeconds(api.pid) - cpu;
      let pgCpu = 0;
      for (const [pid, seconds] of await backendsCpu())
        if (Number.isFinite(seconds)) pgCpu += seconds - (backends.get(pid) ?? 0);
      return { seconds, cpu: cpuUsed, pgCpu, peak: peakMb(api.pid), rows: lines - 1, bytes, sha: hash.digest('hex') };
    };
    out(`A = ${before}\nB = ${after}\nquery: ${QUERY}`);
    // A first export each, not counted: the JIT warms up and the table's pages come into the cache.
    const save = process.env.BENCH_SAVE_DIR;
    const warm = [
      await exportOnce(apis[0]!, save && join(save, 'A.export')),
      await exportOnce(apis[1]!, save && join(save, 'B.export')),
    ];
    out(
      `warm-up: ${warm.map((w) => `${w.rows} rows ${w.bytes} bytes sha256 ${w.sha.slice(0, 16)}`).join(' | ')}` +
        (warm[0]!.sha === warm[1]!.sha ? ' — same bytes' : ' — BODIES DIFFER'),
    );
    const figures: Array<{ rate: number[]; cpuPerRow: number[]; pgPerRow: number[]; peak: number[] }> = [
      { rate: [], cpuPerRow: [], pgPerRow: [], peak: [] },
      { rate: [], cpuPerRow: [], pgPerRow: [], peak: [] },
    ];
    let differ = warm[0]!.sha !== warm[1]!.sha;
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? [0, 1] : [1, 0];
      const shas: string[] = [];
      for (const i of order) {
        const result = await exportOnce(apis[i]!);
        shas.push(result.sha);
        figures[i]!.rate.push(result.rows / result.seconds);
        figures[i]!.cpuPerRow.push((result.cpu / result.rows) * 1e6);
        figures[i]!.peak.push(result.peak);
        figures[i]!.pgPerRow.push((result.pgCpu / result.rows) * 1e6);
        out(
          `round ${round} ${'AB'[i]}: ${Math.round(result.rows / result.seconds).toLocaleString('en')} rows/s, ` +
            `API CPU ${((result.cpu / result.rows) * 1e6).toFixed(2)} µs/row (${result.cpu.toFixed(2)} s), ` +
            `PostgreSQL CPU ${((result.pgCpu / result.rows) * 1e6).toFixed(2)} µs/row, ` +
            `peak RSS ${result.peak.toFixed(0)} MB, ` +
            `load ${loadavg()[0]!.toFixed(1)}`,
        );
      }
      if (shas[0] !== shas[1]) differ = true;
    }
    for (const [i, f] of figures.entries())
      out(
        `${'AB'[i]}: median ${Math.round(median(f.rate)).toLocaleString('en')} rows/s, ` +
          `API CPU ${median(f.cpuPerRow).toFixed(2)} µs/row (rounds: ${f.cpuPerRow.map((c) => c.toFixed(2)).join(', ')}), ` +
          `PostgreSQL CPU ${median(f.pgPerRow).toFixed(2)} µs/row, peak RSS ${Math.max(...f.peak).toFixed(0)} MB at most`,
      );
    out(`B ÷ A, API CPU per row: ×${(median(figures[1]!.cpuPerRow) / median(figures[0]!.cpuPerRow)).toFixed(3)}`);
    out(differ ? 'THE TWO BUILDS WROTE DIFFERENT BYTES' : 'Both builds wrote the same bytes in every round.');
    if (differ) process.exitCode = 1;
  } finally {
    await Promise.all(apis.map((api) => api.stop()));
    await ds.destroy();
    await dropBenchDatabase(ADMIN_URL, dbName);
  }
}

runBench(main);
