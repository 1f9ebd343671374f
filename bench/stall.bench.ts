/**
 * Stall benchmark (issue 18): the heaviest receipt PDF a definition allows
 * (a 900 kB answer: 4,500 list items of 200 characters, under the default
 * 1 MB body limit) is drawn while /health/live is called again and again.
 * Prints the receipt's time and the slowest /health/live during it, next to
 * /health/live at rest in the same run. The API runs as its own process (the
 * built one), so the prober's event loop is not the one measured.
 *
 *   npm run build:server && node dist/bench/stall.bench.js
 *   (DATABASE_URL or the local PostgreSQL; BENCH_ROUNDS, default 5)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sleep, stopProcess } from './lib/processes';
import { createBenchDatabase, dropBenchDatabase, runBench, benchOrganisation } from './lib/database';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TAG = process.env.BENCH_TAG ?? Date.now().toString(36);

function definition() {
  return {
    formatVersion: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        notes: { type: 'array', title: 'Observations', maxItems: 5000, items: { type: 'string', maxLength: 200 } },
      },
    },
    pages: [{ id: 'observations', title: 'Observations', fields: ['notes'] }],
    settings: { signIn: 'optional' },
  };
}

/** /health/live, one call after another, until `stop()`: each call's time in ms. */
async function probe(base: string, stop: () => boolean): Promise<number[]> {
  const times: number[] = [];
  while (!stop()) {
    const t = performance.now();
    await (await fetch(`${base}/health/live`)).arrayBuffer();
    times.push(performance.now() - t);
    await sleep(5);
  }
  return times;
}

const worst = (xs: number[]) => Math.max(...xs);
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const dbName = `guichet_bench_stall_${TAG}`;
  const { url, ds } = await createBenchDatabase(ADMIN_URL, dbName, 1);
  const { orgId, token } = await benchOrganisation(ds, 'admin');
  await ds.destroy();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [join(__dirname, '..', 'apps', 'api', 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: url,
      QUEUE_BACKEND: 'postgres',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-bench-stall-')),
      RATE_LIMITS: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health/live`)).ok) break;
      } catch {
        if (i > 300) throw new Error('API did not start');
      }
      await sleep(100);
    }
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await fetch(`${base}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug: 'obs', title: 'Observations', organisationId: orgId, definition: definition() }),
    });
    await fetch(`${base}/api/v1/services/obs/publish`, { method: 'POST', headers: auth });
    const data = { notes: Array.from({ length: 4500 }, (_, i) => `${i} ${'é'.repeat(100)}`.slice(0, 200)) };
    const created = await fetch(`${base}/api/v1/public/services/obs/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    const cookies = created.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const csrf = cookies.find((c) => c.startsWith('csrf_token='))!.slice('csrf_token='.length);
    const { id } = (await created.json()) as { id: string };
    const headers = { cookie: cookies.join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' };
    const submitted = await fetch(`${base}/api/v1/submissions/${id}/submit`, { method: 'POST', headers, body: '{}' });
    if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${await submitted.text()}`);
    const receipt = async () => {
      const res = await fetch(`${base}/api/v1/submissions/${id}/receipt.pdf`, { headers });
      const bytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200) throw new Error(`receipt: ${res.status}`);
      return bytes;
    };
    const bytes = await receipt(); // warm-up: the render thread starts

    const restUntil = performance.now() + 3000;
    const rest = await probe(base, () => performance.now() > restUntil);
    const renders: number[] = [];
    const during: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let done = false;
      const t = performance.now();
      const drawn = receipt().then(() => {
        done = true;
        renders.push(performance.now() - t);
      });
      during.push(...(await probe(base, () => done)));
      await drawn;
    }
    process.stdout.write(
      [
        `stall bench — receipt PDF of a ${Math.round(Buffer.byteLength(JSON.stringify(data)) / 1024)} kB answer (${Math.round(bytes / 1024)} kB of PDF), ${ROUNDS} rounds`,
        `  worst request (receipt.pdf): median ${ms(median(renders))}, slowest ${ms(worst(renders))}`,
        `  /health/live during it:      ${during.length} calls, median ${ms(median(during))}, p99 ${ms(quantile(during, 0.99))}, slowest ${ms(worst(during))}`,
        `  /health/live at rest:        ${rest.length} calls, median ${ms(median(rest))}, p99 ${ms(quantile(rest, 0.99))}, slowest ${ms(worst(rest))}`,
        '',
      ].join('\n'),
    );
  } finally {
    await stopProcess(api);
    await dropBenchDatabase(ADMIN_URL, dbName);
  }
}

runBench(main);
