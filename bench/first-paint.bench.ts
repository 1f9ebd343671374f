/**
 * First paint of the citizen form (issue 22): the real page as the API serves
 * it (dist/web behind dist/apps/api, on a PostgreSQL database of its own), a
 * fresh anonymous draft of the 300-field form of bench/form-renderer.bench.ts
 * opened at /demarches/banc?brouillon=…, cold (HTTP cache disabled), in
 * Chromium; next to, in the same run and the same browser:
 *
 *   - the same page from a second API with WEB_EMBED_DATA=off (the « before »:
 *     the bundle, then the service and the draft, then the validator),
 *   - RJSF's default theme and a bare React page (bench/forms/rjsf, bare),
 *     each fetching /definition.json after its bundle.
 *
 * Figures, medians of the rounds: navigation start → the first field painted
 * (goal ≤ 300 ms) and → the last of the 300 fields painted (goal ≤ 400 ms);
 * first-contentful-paint in details. The pages alternate order every round.
 *
 * The service page (/demarches/banc, where a citizen lands) too, in the same
 * rounds: navigation start → its title painted, and → its start button live
 * (enabled, the app's) painted, drawn by the server next to the app-only page
 * (WEB_PRERENDER=off).
 *
 *   npm run build && node dist/bench/first-paint.bench.js
 *   BENCH_LATENCY_MS=40   (round-trip time Chromium adds to every request; 0 by default: loopback)
 *   BENCH_WATERFALL=1     (prints each load's resources with their start and end, next to its paints)
 *   BENCH_PROFILE_DIR=dir (writes each Guichet page load's CPU profile and timeline trace there)
 *   BENCH_OPEN_FROM=blank (opens each page in a fresh tab's about:blank instead of from another site's page)
 *   BENCH_ROUNDS=8  DATABASE_URL=postgres://…/postgres  CHROMIUM_PATH=/usr/bin/chromium
 *
 * Every page is opened from a page of another site (http://127.0.0.3, « the commune's site »), as a citizen
 * arrives from a link or a search, so that every page starts in a renderer process of its own. Opened from a
 * fresh tab's about:blank instead, Chromium reuses that tab's process for pages that let it, and not for ours:
 * the API's `Cross-Origin-Opener-Policy: same-origin` asks for a browsing context group of their own, which
 * costs a process start (some 100 ms on these cores) that the baselines, served without that header, were
 * spared (session 14's traces).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { Client } from 'pg';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createDataSource, runMigrations } from '@guichet/persistence';
import { startProfile } from './lib/cdp-profile';
import { benchOrganisation, dropBenchDatabase, runBench } from './lib/database';
import { freePort, sleep, stopProcess, withDatabase } from './lib/processes';
import { figure, formatNumber, machineInfo, packageVersion, percentile, resultName, writeResult } from './lib/report';
import { benchDefinition } from './form-renderer.bench';

const ROOT = resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TAG = process.env.BENCH_TAG ?? Date.now().toString(36);
const ROUNDS = Math.max(1, Math.round(Number(process.env.BENCH_ROUNDS ?? 6)));
const LATENCY_MS = Math.max(0, Number(process.env.BENCH_LATENCY_MS ?? 0));
/** BENCH_PROFILE_DIR: a folder where each Guichet page load's CPU profile and timeline trace are written (open them in Chromium's DevTools). */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? '';
/** Where each page is opened from: another site's page (default, as a citizen arrives), or about:blank. */
const OPEN_FROM: 'site' | 'blank' = process.env.BENCH_OPEN_FROM === 'blank' ? 'blank' : 'site';
const GOALS = { firstField: 300, lastField: 400 };
const REFERRER_HOST = '127.0.0.3';
/** Set once the referrer serves: the page each load starts from (OPEN_FROM=site). */
let referrer = '';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type PageKind = 'guichet' | 'app' | 'before' | 'rjsf' | 'bare';
const LABELS: Record<PageKind, string> = {
  guichet: 'Guichet (API page: first step drawn by the server, data embedded, chunks preloaded)',
  app: 'Guichet, WEB_PRERENDER=off (drawn by the app only: session 11)',
  before: 'Guichet, WEB_EMBED_DATA=off (before)',
  rjsf: `RJSF ${packageVersion('@rjsf/core')} default theme`,
  bare: 'bare React page',
};

const SERVICE_LABELS = {
  guichet: 'Guichet (service page drawn by the server)',
  app: 'Guichet, WEB_PRERENDER=off (service page drawn by the app only)',
} as const;

const out = (line = '') => process.stdout.write(`${line}\n`);

/**
 * Notes when the first field is in the DOM and painted (bench/forms/probe.js does the last), and when it is live:
 * painted and enabled (the server's drawing is disabled until the app replaces it; other pages are live at once).
 */
const FIRST_FIELD_PROBE = `(() => {
  if (window.top !== window) return;
  const state = { firstFieldAt: null, firstFieldPaintedAt: null, readyPaintedAt: null };
  Object.defineProperty(window, '__first', { value: state });
  const afterPaint = (done) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(performance.now());
      channel.port2.postMessage(0);
    });
  let ready = false;
  const observer = new MutationObserver(() => {
    const field = document.querySelector('#champ-champ0, #root_champ0');
    if (!field) return;
    if (state.firstFieldAt === null) {
      state.firstFieldAt = performance.now();
      afterPaint((at) => (state.firstFieldPaintedAt = at));
    }
    if (!ready && !field.matches(':disabled')) {
      ready = true;
      observer.disconnect();
      afterPaint((at) => (state.readyPaintedAt = at));
    }
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/**
 * On a service page: when its title is painted, and when its start control is live (the app's, enabled, the
 * server's drawing gone) and painted.
 */
const SERVICE_PROBE = `(() => {
  if (window.top !== window) return;
  const state = { titlePaintedAt: null, livePaintedAt: null };
  Object.defineProperty(window, '__service', { value: state });
  const afterPaint = (done) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(performance.now());
      channel.port2.postMessage(0);
    });
  let titled = false;
  const observer = new MutationObserver(() => {
    if (!titled && document.querySelector('main h1')) {
      titled = true;
      afterPaint((at) => (state.titlePaintedAt = at));
    }
    if (document.querySelector('fieldset.preview') || !document.querySelector('main .actions .button:enabled')) return;
    observer.disconnect();
    afterPaint((at) => (state.livePaintedAt = at));
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

function run(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

/** The bench pages, never cached. */
function serve(dir: string, port: number): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
  };
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(dir, `.${path}`);
    if (!file.startsWith(dir + sep) || !existsSync(file)) return void res.writeHead(404).end('not found');
    res
      .writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      })
      .end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

/** « The commune's site »: one page, on a host of its own, from which every measured page is opened. */
function serveReferrer(port: number): Promise<Server> {
  const server = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
      .end('<!doctype html><html lang="fr"><title>Mairie</title><p>Inscriptions à la cantine</p></html>'),
  );
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, REFERRER_HOST, () => ok(server));
  });
}

async function startApi(
  url: string,
  port: number,
  pages: { WEB_EMBED_DATA: 'on' | 'off'; WEB_PRERENDER: 'on' | 'off' },
  secret: string,
  host = '127.0.0.1',
): Promise<ChildProcess> {
  const api = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: host,
      DATABASE_URL: url,
      QUEUE_BACKEND: 'postgres',
      SESSION_SECRET: secret,
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-bench-')),
      WEB_DIST_DIR: join(ROOT, 'dist', 'web'),
      ...pages,
      RATE_LIMITS: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited: number | null = null;
  api.once('exit', (code) => (exited = code ?? -1));
  for (let i = 0; ; i++) {
    if (exited !== null) throw new Error(`the API exited with ${exited} before it answered`);
    try {
      if ((await fetch(`http://${host}:${port}/health/live`)).ok) return api;
    } catch {
      if (i > 300) throw new Error('API did not start');
    }
    await sleep(100);
  }
}

interface Load {
  firstField: number;
  lastField: number;
  /** The first field painted live (enabled): the app's own, where the server's drawing came first. */
  ready: number;
  fcp: number;
}

/** BENCH_WATERFALL=1: each resource of the load, when it started and ended, next to the paints (where time goes). */
async function printWaterfall(page: Page, url: string, paints: Load): Promise<void> {
  // In the page (the server's type check has no DOM types: the shapes are written out).
  const entries = await page.evaluate(() => {
    const origin = (globalThis as unknown as { location: { origin: string } }).location.origin;
    const timings = performance as unknown as {
      getEntriesByType(type: string): Array<{
        name: string;
        startTime: number;
        responseStart: number;
        responseEnd: number;
        decodedBodySize: number;
        domInteractive?: number;
      }>;
    };
    return [...timings.getEntriesByType('navigation'), ...timings.getEntriesByType('resource')].map((e) => ({
      name: `${e.name.replace(origin, '')} (${Math.round(e.decodedBodySize / 1024)} KiB, first byte at ${Math.round(e.responseStart)} ms${e.domInteractive ? `, DOM interactive at ${Math.round(e.domInteractive)} ms` : ''})`,
      start: Math.round(e.startTime),
      end: Math.round(e.responseEnd),
    }));
  });

  process.stdout.write(`\n  ${url}\n`);
  for (const e of entries)
    process.stdout.write(`    ${String(e.start).padStart(5)} → ${String(e.end).padStart(5)} ms  ${e.name}\n`);
  process.stdout.write(
    `    first-contentful-paint ${Math.round(paints.fcp)} ms, first field ${Math.round(paints.firstField)} ms, last field ${Math.round(paints.lastField)} ms\n`,
  );
}

/** A cold load of `url`, until the last field is painted. */
async function load(context: BrowserContext, url: string): Promise<Load> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Network.enable');
    if (process.env.BENCH_WATERFALL === '1') await cdp.send('Performance.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    // Loopback has no round-trip time: BENCH_LATENCY_MS adds one per request, as a citizen's network would.
    if (LATENCY_MS > 0)
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: LATENCY_MS,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    const profile = PROFILE_DIR && url.includes('/demarches/') ? await startProfile(cdp, 200) : undefined;
    if (referrer) await page.goto(referrer);
    await page.goto(url, { waitUntil: 'commit' });
    // Polled with functions, not strings: the page's CSP forbids evaluating strings.
    type Probed = {
      __bench: { lastFieldPaintedAt: number | null };
      __first: { firstFieldPaintedAt: number | null; readyPaintedAt: number | null };
    };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const result = await page.evaluate(() => {
        const w = globalThis as unknown as Probed;
        const first = w.__first;
        if (
          w.__bench.lastFieldPaintedAt === null ||
          first.firstFieldPaintedAt === null ||
          first.readyPaintedAt === null
        )
          return null;
        return {
          firstField: first.firstFieldPaintedAt,
          lastField: w.__bench.lastFieldPaintedAt,
          ready: first.readyPaintedAt,
          fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        };
      });
      if (result) {
        if (process.env.BENCH_WATERFALL === '1') {
          await printWaterfall(page, url, result);
          // The main thread's time by kind, from the page's start to now (a little after the last field painted).
          const { metrics } = await cdp.send('Performance.getMetrics');
          const ms = (name: string) => Math.round(1000 * (metrics.find((m) => m.name === name)?.value ?? NaN));
          process.stdout.write(
            `    main thread: busy ${ms('TaskDuration')} ms — script ${ms('ScriptDuration')}, style ${ms('RecalcStyleDuration')}, layout ${ms('LayoutDuration')}\n`,
          );
        }
        if (profile) {
          const base = join(PROFILE_DIR, `${new URL(url).port}-${Date.now()}`);
          await profile.stop(base);
          process.stdout.write(`    CPU profile: ${base}.cpuprofile\n`);
        }
        return result;
      }
      if (Date.now() > deadline) throw new Error(`${url}: the last field was not painted within 30 s`);
      await sleep(50);
    }
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}

interface ServiceLoad {
  /** The service's title painted (the server's drawing, or the app's page). */
  title: number;
  /** Its start button painted live: the app's, enabled. */
  live: number;
}

/** A cold load of a service page, until its start button is live and painted. */
async function loadServicePage(context: BrowserContext, url: string): Promise<ServiceLoad> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (LATENCY_MS > 0)
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: LATENCY_MS,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    if (referrer) await page.goto(referrer);
    await page.goto(url, { waitUntil: 'commit' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const result = await page.evaluate(() => {
        const state = (
          globalThis as unknown as { __service: { titlePaintedAt: number | null; livePaintedAt: number | null } }
        ).__service;
        return state.titlePaintedAt === null || state.livePaintedAt === null
          ? null
          : { title: state.titlePaintedAt, live: state.livePaintedAt };
      });
      if (result) return result;
      if (Date.now() > deadline) throw new Error(`${url}: the start button was not live within 30 s`);
      await sleep(50);
    }
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}

/** A fresh anonymous draft in the browser's own session (its cookies), as « Commencer » makes it. */
async function newDraft(context: BrowserContext, base: string): Promise<string> {
  await context.request.get(`${base}/api/v1/public/services/banc`);
  const host = new URL(base).hostname;
  const csrf = (await context.cookies(base)).find((c) => c.name === 'csrf_token' && c.domain.includes(host))?.value;
  const res = await context.request.post(`${base}/api/v1/public/services/banc/submissions`, {
    headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    data: { data: {} },
  });
  if (res.status() !== 201) throw new Error(`draft not created: ${res.status()} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

const median = (values: number[]) =>
  percentile(
    values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b),
    50,
  );

async function main(): Promise<void> {
  const startedAt = new Date();
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (CHROMIUM_PATH)`);
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('dist/web is missing: npm run build:web');
  const scratch = mkdtempSync(join(tmpdir(), 'guichet-bench-first-paint-'));
  const pagesDir = join(scratch, 'pages');
  const dbName = `guichet_bench_${TAG}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const url = withDatabase(ADMIN_URL, dbName);
  const apis: ChildProcess[] = [];
  let server: Server | undefined;
  let referrerServer: Server | undefined;
  let context: BrowserContext | undefined;
  try {
    await runMigrations(url);
    const ds = createDataSource({ url, poolSize: 2 });
    await ds.initialize();
    const { orgId, token } = await benchOrganisation(ds, 'designer');
    await ds.destroy();

    // The baselines' pages, with the definition they fetch (no validator: neither uses ours).
    const definition = benchDefinition();
    await run(
      [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'bench/forms/vite.config.mts'],
      { BENCH_FORMS_OUT: pagesDir },
    );
    writeFileSync(join(pagesDir, 'definition.json'), JSON.stringify({ definition }));
    const pagesPort = await freePort();
    server = await serve(pagesDir, pagesPort);
    if (OPEN_FROM === 'site') {
      const referrerPort = await freePort();
      referrerServer = await serveReferrer(referrerPort);
      referrer = `http://${REFERRER_HOST}:${referrerPort}/`;
    }

    // Three APIs on the same database: the server draws the first step; the app alone draws it (data embedded); no
    // data embedded. Different host names keep their cookies apart.
    const secret = randomBytes(32).toString('base64url');
    const [onPort, appPort, offPort] = [await freePort(), await freePort(), await freePort()];
    apis.push(
      await startApi(url, onPort, { WEB_EMBED_DATA: 'on', WEB_PRERENDER: 'on' }, secret),
      await startApi(url, appPort, { WEB_EMBED_DATA: 'on', WEB_PRERENDER: 'off' }, secret, '127.0.0.2'),
      await startApi(url, offPort, { WEB_EMBED_DATA: 'off', WEB_PRERENDER: 'off' }, secret),
    );
    const bases: Record<'guichet' | 'app' | 'before', string> = {
      guichet: `http://127.0.0.1:${onPort}`,
      app: `http://127.0.0.2:${appPort}`,
      before: `http://localhost:${offPort}`,
    };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${bases.guichet}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug: 'banc', title: 'Banc', organisationId: orgId, definition }),
    });
    if (created.status !== 201) throw new Error(`service not created: ${created.status} ${await created.text()}`);
    const published = await fetch(`${bases.guichet}/api/v1/services/banc/publish`, { method: 'POST', headers: auth });
    if (published.status !== 201) throw new Error(`not published: ${published.status} ${await published.text()}`);

    context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: 'fr-FR',
      viewport: { width: 1280, height: 800 },
    });
    await context.addInitScript({ content: readFileSync(join(ROOT, 'bench', 'forms', 'probe.js'), 'utf8') });
    await context.addInitScript({ content: FIRST_FIELD_PROBE });
    await context.addInitScript({ content: SERVICE_PROBE });
    const session = await context.newCDPSession(context.pages()[0] ?? (await context.newPage()));
    const chromiumVersion = (await session.send('Browser.getVersion')).product.replace(
      /^(Headless)?Chrome\//,
      'Chromium ',
    );
    await session.detach();

    const kinds: PageKind[] = ['guichet', 'app', 'before', 'rjsf', 'bare'];
    const loads: Record<PageKind, Load[]> = { guichet: [], app: [], before: [], rjsf: [], bare: [] };
    // The service page: drawn by the server, and by the app only (its baseline).
    const serviceKinds = ['guichet', 'app'] as const;
    const serviceLoads: Record<(typeof serviceKinds)[number], ServiceLoad[]> = { guichet: [], app: [] };
    out(
      `First paint of the citizen form: ${ROUNDS} rounds (+1 warm-up), ${kinds.length} pages per round, cold loads, ` +
        `${LATENCY_MS} ms added round-trip time, opened from ${OPEN_FROM === 'site' ? 'another site' : 'about:blank'}.`,
    );
    for (let round = 0; round <= ROUNDS; round++) {
      const order = round % 2 === 0 ? kinds : [...kinds].reverse();
      const line: string[] = [];
      for (const kind of order) {
        const target =
          kind === 'guichet' || kind === 'app' || kind === 'before'
            ? `${bases[kind]}/demarches/banc?brouillon=${await newDraft(context, bases[kind])}`
            : `http://127.0.0.1:${pagesPort}/${kind}/`;
        const l = await load(context, target);
        if (round === 0) continue;
        loads[kind].push(l);
        line.push(`${kind} ${formatNumber(l.firstField)}/${formatNumber(l.lastField)} ms`);
      }
      if (round > 0) out(`  round ${round}: ${line.join(', ')} (first field / last field painted)`);
      const serviceLine: string[] = [];
      for (const kind of round % 2 === 0 ? serviceKinds : [...serviceKinds].reverse()) {
        const l = await loadServicePage(context, `${bases[kind]}/demarches/banc`);
        if (round === 0) continue;
        serviceLoads[kind].push(l);
        serviceLine.push(`${kind} ${formatNumber(l.title)}/${formatNumber(l.live)} ms`);
      }
      if (round > 0)
        out(`  round ${round}, service page: ${serviceLine.join(', ')} (title / start button live painted)`);
    }

    const med = (kind: PageKind, key: keyof Load) => median(loads[kind].map((l) => l[key]));
    const serviceMed = (kind: (typeof serviceKinds)[number], key: keyof ServiceLoad) =>
      median(serviceLoads[kind].map((l) => l[key]));
    const baselines = (key: keyof Load) =>
      (['app', 'before', 'rjsf', 'bare'] as const)
        .map((k) => `${LABELS[k]} ${formatNumber(med(k, key))} ms`)
        .join('; ');
    const figures = [
      figure({
        id: 'first_paint.first_field.p50',
        label: `navigation start → first field painted, Guichet's citizen form page, median of ${ROUNDS}`,
        unit: 'ms',
        value: med('guichet', 'firstField'),
        baseline: { label: LABELS.rjsf, value: med('rjsf', 'firstField') },
        goal: `≤ ${GOALS.firstField} ms`,
        met: med('guichet', 'firstField') <= GOALS.firstField,
        note: `same run: ${baselines('firstField')}`,
      }),
      figure({
        id: 'first_paint.last_field.p50',
        label: `navigation start → last of 300 fields painted, median of ${ROUNDS}`,
        unit: 'ms',
        value: med('guichet', 'lastField'),
        baseline: { label: LABELS.rjsf, value: med('rjsf', 'lastField') },
        goal: `≤ ${GOALS.lastField} ms`,
        met: med('guichet', 'lastField') <= GOALS.lastField,
        note: `same run: ${baselines('lastField')}`,
      }),
      figure({
        id: 'first_paint.ready.p50',
        label: `navigation start → first field live (the app's, enabled) painted, median of ${ROUNDS}`,
        unit: 'ms',
        value: med('guichet', 'ready'),
        baseline: { label: LABELS.rjsf, value: med('rjsf', 'ready') },
        note: `same run: ${baselines('ready')}`,
      }),
      figure({
        id: 'first_paint.service_page.title.p50',
        label: `navigation start → the service page's title painted (/demarches/banc, drawn by the server), median of ${ROUNDS}`,
        unit: 'ms',
        value: serviceMed('guichet', 'title'),
        baseline: { label: SERVICE_LABELS.app, value: serviceMed('app', 'title') },
      }),
      figure({
        id: 'first_paint.service_page.live.p50',
        label: `navigation start → the service page's start button live (the app's, enabled) painted, median of ${ROUNDS}`,
        unit: 'ms',
        value: serviceMed('guichet', 'live'),
        baseline: { label: SERVICE_LABELS.app, value: serviceMed('app', 'live') },
      }),
      figure({
        id: 'first_paint.before.last_field.p50',
        label: 'the same page without embedded data and preloads (WEB_EMBED_DATA=off): last field painted',
        unit: 'ms',
        value: med('before', 'lastField'),
        baseline: { label: LABELS.bare, value: med('bare', 'lastField') },
      }),
    ];
    out(
      '\n| page | first field painted | last of 300 painted | first field live | first-contentful-paint |\n|---|---|---|---|---|',
    );
    for (const kind of kinds)
      out(
        `| ${LABELS[kind]} | ${formatNumber(med(kind, 'firstField'))} ms | ${formatNumber(med(kind, 'lastField'))} ms | ${formatNumber(med(kind, 'ready'))} ms | ${formatNumber(med(kind, 'fcp'))} ms |`,
      );
    out('\n| service page (/demarches/banc) | title painted | start button live painted |\n|---|---|---|');
    for (const kind of serviceKinds)
      out(
        `| ${SERVICE_LABELS[kind]} | ${formatNumber(serviceMed(kind, 'title'))} ms | ${formatNumber(serviceMed(kind, 'live'))} ms |`,
      );
    out(
      `\nGoals: first field ≤ ${GOALS.firstField} ms: ${figures[0]!.met ? 'met' : 'NOT met'}; last field ≤ ${GOALS.lastField} ms: ${figures[1]!.met ? 'met' : 'NOT met'}.`,
    );
    const notes = [
      `${chromiumVersion}, headless; React ${packageVersion('react')}; cold loads (CDP cache disabled) from 127.0.0.1, ${OPEN_FROM === 'site' ? `each opened from another site's page (${REFERRER_HOST})` : "each opened from a fresh tab's about:blank (BENCH_OPEN_FROM=blank)"}, ${LATENCY_MS} ms round-trip time added by Chromium; the 2 cores are shared with other work.`,
      'Guichet pages: a fresh anonymous draft each load (the session made by the same browser), served by dist/apps/api from dist/web.',
    ];
    const durationS = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
    const file = writeResult({
      name: resultName('first-paint'),
      startedAt: startedAt.toISOString(),
      durationS,
      machine: machineInfo({ chromium: chromiumVersion, react: packageVersion('react') }),
      figures,
      notes,
      details: { rounds: ROUNDS, latencyMs: LATENCY_MS, loads, serviceLoads },
    });
    out(`\nResults: ${file}`);
  } finally {
    await context?.close().catch(() => undefined);
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await new Promise((r) => (referrerServer ? referrerServer.close(r) : r(undefined)));
    for (const api of apis) await stopProcess(api);
    await dropBenchDatabase(ADMIN_URL, dbName).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) runBench(main);
