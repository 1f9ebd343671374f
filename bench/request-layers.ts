/**
 * The API's CPU per request for requests that cross more and more of it (issue 22), one after the other against
 * one API process: `GET /health/live` (the middleware every request crosses, no session, no database), a draft's
 * read (session, the request's read), an autosave (session, body, validation, the one-statement save). Next to
 * the bare Node server's autosave (bench/lib/bare-api.ts), it tells what the framework and the checks cost per
 * request. Not in `npm run bench` (no baseline of its own: `bench:submit` has them).
 *
 *   npm run build:server && node dist/bench/request-layers.js [seconds per kind, 4]
 *
 * Options: BENCH_CLIENTS (24), BENCH_API_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), BENCH_LAYERS (the
 * kinds to run, by a word of their label: `health,PATCH` profiles those two alone).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anonymousCitizen } from './lib/citizens';
import { benchOrganisation, createBenchDatabase, dropBenchDatabase, runBench } from './lib/database';
import { LightClient } from './lib/http-client';
import { intakeAnswers, publishIntakeService } from './lib/intake-form';
import { cpuSeconds, postgresCpuSeconds, startApi } from './lib/processes';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 24);
const SECONDS = Number(process.argv[2] ?? 4);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NODE_ARGS = process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const LAYERS = process.env.BENCH_LAYERS?.split(',').filter(Boolean);

runBench(async () => {
  const name = `guichet_bench_layers_${Date.now().toString(36)}`;
  const { url, ds } = await createBenchDatabase(ADMIN_URL, name);
  try {
    const { orgId, token } = await benchOrganisation(ds, 'designer');
    const api = await startApi(
      join(__dirname, '..', 'apps', 'api', 'src', 'main.js'),
      {
        API_PROCESSES: '1',
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: '20',
        QUEUE_BACKEND: 'postgres',
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        LOG_LEVEL: 'warn',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-bench-')),
        RATE_LIMITS: 'off',
        // Shedding off: every request is counted.
        OVERLOAD_LAG_MS: '0',
        OVERLOAD_DB_WAIT_MS: '0',
      },
      { nodeArgs: NODE_ARGS },
    );
    const http = new LightClient();
    try {
      const base = api.base;
      await publishIntakeService(base, token, orgId);
      const clients = await Promise.all(
        Array.from({ length: CLIENTS }, () => anonymousCitizen(base, ds, 'banc', intakeAnswers(), 0)),
      );
      const body = JSON.stringify({ data: intakeAnswers() });
      type Citizen = (typeof clients)[number];
      const all: Array<[string, (c: Citizen) => { method: string; url: string; headers: Record<string, string> }]> = [
        [
          'GET /health/live (every request’s middleware)',
          () => ({ method: 'GET', url: `${base}/health/live`, headers: {} }),
        ],
        [
          'GET /api/v1/submissions/:id (session, the draft read)',
          (c) => ({ method: 'GET', url: `${base}/api/v1/submissions/${c.draft}`, headers: { cookie: c.cookie } }),
        ],
        [
          'PATCH /api/v1/submissions/:id (autosave)',
          (c) => ({
            method: 'PATCH',
            url: `${base}/api/v1/submissions/${c.draft}`,
            headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
          }),
        ],
      ];
      const kinds = LAYERS ? all.filter(([label]) => LAYERS.some((word) => label.includes(word))) : all;
      const [{ pid: backendPid }] = (await ds.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      process.stdout.write(`${CLIENTS} clients, ${SECONDS} s per kind after a warm-up of the same length\n\n`);
      process.stdout.write('| request | answered 200 | not 200 | API CPU per request | PostgreSQL CPU per request |\n');
      process.stdout.write('|---|---|---|---|---|\n');
      for (const [label, request] of kinds) {
        for (const measured of [false, true]) {
          let ok = 0;
          let other = 0;
          const before = { api: cpuSeconds(api.pid), postgres: postgresCpuSeconds(backendPid) };
          const deadline = performance.now() + SECONDS * 1000;
          await Promise.all(
            clients.map(async (c) => {
              while (performance.now() < deadline) {
                const { method, url: target, headers } = request(c);
                const res = await http.send(target, { method, headers, body: method === 'PATCH' ? body : undefined });
                if (res.status === 200) ok++;
                else other++;
              }
            }),
          );
          if (!measured) continue;
          const per = (seconds: number) => ((seconds * 1000) / ok).toFixed(3);
          process.stdout.write(
            `| ${label} | ${ok} | ${other} | ${per(cpuSeconds(api.pid) - before.api)} ms | ${per(postgresCpuSeconds(backendPid) - before.postgres)} ms |\n`,
          );
        }
      }
    } finally {
      http.close();
      await api.stop();
    }
  } finally {
    await ds.destroy();
    await dropBenchDatabase(ADMIN_URL, name);
  }
});
