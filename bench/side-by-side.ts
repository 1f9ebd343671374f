/**
 * Two builds of the API side by side (issue 22): the CPU per autosave and per submit of each, both driven at the
 * same moments on one database, so that the machine's other load weighs on both alike. On a shared machine the CPU
 * per request of `bench:submit` moves by a third from one run to the next; the ratio of two builds measured
 * together moves by a few percent (run a build against itself to see how much).
 *
 *   npm run build:server && cp -r dist var/dist-before      (the build to compare with, e.g. from main)
 *   … change, npm run build:server …
 *   node dist/bench/side-by-side.js var/dist-before dist [rounds]
 *
 * Not in `npm run bench`: it compares builds, it has no baseline of its own. Admission control's shedding is off
 * (every request is counted); each build gets its own clients (BENCH_CLIENTS, 24) and drafts.
 *
 * Each round also gives the CPU per request of the PostgreSQL backends serving each build: a backend is one API's
 * when its `client_port` is a local port of that API's sockets (both pools: TypeORM's and the sessions'). Options:
 * BENCH_KINDS (`autosave,submit`, the phases run, in order), BENCH_SAVE_MS (6000, the autosave phase),
 * BENCH_API_NODE_ARGS (both APIs' node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). At the end, the median
 * of the rounds' B/A ratios per phase.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { anonymousCitizen } from './lib/citizens';
import { createBenchDatabase, benchOrganisation, dropBenchDatabase, runBench } from './lib/database';
import { LightClient } from './lib/http-client';
import { cpuSeconds, startApi, tcpLocalPorts } from './lib/processes';
import { intakeAnswers, publishIntakeService } from './lib/intake-form';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 24);
const SAVE_MS = Number(process.env.BENCH_SAVE_MS ?? 6000);
const KINDS = (process.env.BENCH_KINDS ?? 'autosave,submit').split(',').filter(Boolean) as Array<'autosave' | 'submit'>;
const NODE_ARGS = process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const SUBMIT_MS = 10000;
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TAG = process.env.BENCH_TAG ?? Date.now().toString(36);

async function main(): Promise<void> {
  const [before, after] = process.argv.slice(2, 4).map((dir) => resolve(dir));
  const rounds = Number(process.argv[4] ?? 3);
  if (!before || !after) throw new Error('usage: node dist/bench/side-by-side.js <build A> <build B> [rounds]');
  const dbName = `guichet_bench_${TAG}`;
  const { url, ds } = await createBenchDatabase(ADMIN_URL, dbName);
  const { orgId, token } = await benchOrganisation(ds, 'designer');
  const sessionSecret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-bench-'));
  const start = (build: string) =>
    startApi(
      join(build, 'apps', 'api', 'src', 'main.js'),
      {
        API_PROCESSES: '1',
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: '20',
        QUEUE_BACKEND: 'postgres',
        SESSION_SECRET: sessionSecret,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        DATA_DIR: dataDir,
        RATE_LIMITS: 'off',
        OVERLOAD_LAG_MS: '0',
        OVERLOAD_DB_WAIT_MS: '0',
        OVERLOAD_QUEUE_MS: '60000',
      },
      { name: `API of ${build}`, nodeArgs: NODE_ARGS },
    );
  const apis = [await start(before), await start(after)];
  try {
    await publishIntakeService(apis[0]!.base, token, orgId);
    const body = JSON.stringify({ data: intakeAnswers() });
    process.stdout.write(`A = ${before}\nB = ${after}\n`);
    /** CPU seconds so far of the PostgreSQL backends serving each API (by their client port), by backend pid. */
    const backendsCpu = async () => {
      const rows = (await ds.query(
        `SELECT pid, client_port FROM pg_stat_activity WHERE datname = current_database() AND client_port IS NOT NULL`,
      )) as Array<{ pid: number; client_port: number }>;
      const ports = apis.map((api) => tcpLocalPorts(api.pid));
      return ports.map(
        (own) => new Map(rows.filter((row) => own.has(row.client_port)).map((row) => [row.pid, cpuSeconds(row.pid)])),
      );
    };
    const ratios: Record<string, { api: number[]; postgres: number[] }> = {};
    for (let round = 1; round <= rounds; round++) {
      const clients = await Promise.all(
        apis.map((api) =>
          Promise.all(
            Array.from({ length: CLIENTS }, async () => {
              const c = await anonymousCitizen(api.base, ds, 'banc', intakeAnswers(), 400);
              return { cookie: c.cookie, csrf: c.csrf, ids: [c.draft, ...c.copies] };
            }),
          ),
        ),
      );
      const http = new LightClient();
      for (const kind of KINDS) {
        const cpuBefore = apis.map((api) => cpuSeconds(api.pid));
        const pgBefore = await backendsCpu();
        const done = [0, 0];
        const refused = [0, 0];
        const deadline = performance.now() + (kind === 'autosave' ? SAVE_MS : SUBMIT_MS);
        await Promise.all(
          apis.flatMap((api, k) =>
            clients[k]!.map(async (c) => {
              const headers = { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' };
              for (let i = 1; performance.now() < deadline && i < c.ids.length; i++) {
                const res =
                  kind === 'autosave'
                    ? await http.send(`${api.base}/api/v1/submissions/${c.ids[0]}`, { method: 'PATCH', headers, body })
                    : await http.send(`${api.base}/api/v1/submissions/${c.ids[i]}/submit`, {
                        method: 'POST',
                        headers,
                        body: '{}',
                      });
                if (res.status === 200) done[k]!++;
                else refused[k]!++;
              }
            }),
          ),
        );
        const per = apis.map((api, k) => ((cpuSeconds(api.pid) - cpuBefore[k]!) * 1000) / done[k]!);
        // A backend that exited during the phase is not counted (the pools keep theirs for longer than a phase).
        const pgPer = (await backendsCpu()).map((now, k) => {
          let seconds = 0;
          for (const [pid, cpu] of now) if (Number.isFinite(cpu)) seconds += cpu - (pgBefore[k]!.get(pid) ?? 0);
          return (seconds * 1000) / done[k]!;
        });
        const seen = (ratios[kind] ??= { api: [], postgres: [] });
        seen.api.push(per[1]! / per[0]!);
        seen.postgres.push(pgPer[1]! / pgPer[0]!);
        process.stdout.write(
          `round ${round} ${kind}: A ${per[0]!.toFixed(3)} ms of API CPU each (${done[0]} done, ${refused[0]} not 200), ` +
            `B ${per[1]!.toFixed(3)} ms (${done[1]}, ${refused[1]}), B/A ${(per[1]! / per[0]!).toFixed(3)}; ` +
            `PostgreSQL A ${pgPer[0]!.toFixed(3)} ms, B ${pgPer[1]!.toFixed(3)} ms, B/A ${(pgPer[1]! / pgPer[0]!).toFixed(3)}; ` +
            `load average ${loadavg()[0]!.toFixed(1)}\n`,
        );
      }
      http.close();
    }
    for (const [kind, seen] of Object.entries(ratios)) {
      const range = (values: number[]) =>
        `median ${median(values).toFixed(3)} (${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)})`;
      process.stdout.write(
        `${kind}, B/A over ${seen.api.length} rounds: API CPU ${range(seen.api)}, PostgreSQL CPU ${range(seen.postgres)}\n`,
      );
    }
  } finally {
    for (const api of apis) await api.stop();
    await ds.destroy();
    await dropBenchDatabase(ADMIN_URL, dbName);
  }
}

runBench(main);
