/**
 * Citizen form renderer benchmark (issue: citizen portal, Performance). One
 * page of 300 fields (text, email, integer, checkbox, 4-option radio, date,
 * cycling; 50 of them required), rendered by Guichet's renderer
 * (apps/web/src/form/*, with the validator module the server generates) and,
 * in the same run, by RJSF's default theme (@rjsf/core + @rjsf/validator-ajv8)
 * on the same schema, both with React 19, built for production by Vite and
 * driven in Debian's Chromium:
 *
 *   keystroke: synchronous handler time (keydown … keyup, React's commit
 *     included), p95 over every key                           goal ≤ 1 ms
 *   keystroke: JavaScript main-thread time (CDP ScriptDuration ÷ keys),
 *     median of the rounds                                     goal ≤ 1.5 ms
 *   failed step with 50 errors: click on "Continuer" → the frame that shows
 *     the 50 messages with the focus on the summary, median    goal ≤ 50 ms
 *   cold load (HTTP cache disabled) → the last of the 300 fields in the DOM,
 *     median                                                   goal ≤ 400 ms
 *   JavaScript a citizen downloads to open a form, gzip: the web app's entry
 *     chunk and its static imports (no desk, no studio) + the validator
 *     module of forms/demande-de-subvention-association.json  goal ≤ 120 kB
 *     (and next to it, that form's page as served, with the lazy chunks its
 *     definition makes it preload: lookup fields, file fields, RJSF's semantics)
 *
 * Each round loads each page once (cold), types into a text field in the
 * middle of the form, then clicks "Continuer" on the otherwise empty form;
 * the two renderers alternate within every round and which goes first
 * alternates between rounds. A first round warms the browser up and is not
 * counted. bench/forms/probe.js does the measuring inside the page;
 * docs/performance.md ("Formulaires (usagers)") describes the method.
 *
 *   npm run bench:forms
 *   BENCH_ROUNDS=6 BENCH_KEYS=40 BENCH_KEY_DELAY_MS=20   (rounds, keys typed per round, ms between keydown and keyup)
 *   CHROMIUM_PATH=/usr/bin/chromium
 *   BENCH_PROFILE_DIR=dir   (writes each failed step's CPU profile and timeline trace there, both renderers)
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';
import { startProfile } from './lib/cdp-profile';
import { browserValidatorModule, checkDefinition } from '@guichet/forms';
import {
  needsSemantics,
  SPECIAL_WIDGETS,
  specialWidgetsOf,
  usesFileFields,
  type ServiceDefinition,
} from '@guichet/shared';
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
import { freePort, sleep } from './lib/processes';

const ROOT = resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROUNDS = Math.max(1, Math.round(Number(process.env.BENCH_ROUNDS ?? 6)));
const KEYS = Math.max(1, Math.round(Number(process.env.BENCH_KEYS ?? 40)));
const KEY_DELAY_MS = Math.max(0, Number(process.env.BENCH_KEY_DELAY_MS ?? 20));
const FIELDS = 300;
const REQUIRED = 50;
const EXAMPLE_FORM = 'forms/demande-de-subvention-association.json';
/** kB as Vite prints them: 1,000 bytes. */
const KB = 1000;
/** Without the networking flags Chromium tries to reach Google at start (test/support/browser.ts). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const GOALS = { keySyncP95: 1, keyScript: 1.5, failedStep: 50, coldLoad: 400, gzipKb: 120 };

type Renderer = 'ours' | 'rjsf';
const RENDERERS: Record<Renderer, string> = {
  ours: 'apps/web/src/form',
  rjsf: `RJSF ${packageVersion('@rjsf/core')} default theme + validator-ajv8`,
};

const out = (line = '') => process.stdout.write(`${line}\n`);

// --- The form ----------------------------------------------------------------

const KINDS = ['text', 'email', 'integer', 'boolean', 'radio', 'date'] as const;

/**
 * A required checkbox, in JSON Schema, is satisfied by `false`, which RJSF
 * fills in: the required fields are taken among the five other kinds, so that
 * an empty form fails with 50 errors in both renderers.
 */
const REQUIRED_KINDS = [0, 1, 2, 4, 5];

/** 300 fields cycling through six kinds; one field in each run of six is required, a different kind each time. */
export function benchDefinition(): ServiceDefinition {
  const properties: Record<string, unknown> = {};
  const uiSchema: Record<string, unknown> = {};
  const required: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < FIELDS; i++) {
    const key = `champ${i}`;
    const kind = KINDS[i % KINDS.length]!;
    fields.push(key);
    if (i % KINDS.length === REQUIRED_KINDS[Math.floor(i / KINDS.length) % REQUIRED_KINDS.length]) required.push(key);
    const title = `Question ${i + 1}`;
    switch (kind) {
      case 'text':
        properties[key] = { type: 'string', title: `${title} : votre réponse`, maxLength: 200 };
        break;
      case 'email':
        properties[key] = { type: 'string', title: `${title} : adresse électronique`, format: 'email', maxLength: 254 };
        break;
      case 'integer':
        properties[key] = { type: 'integer', title: `${title} : un nombre`, minimum: 0, maximum: 100000 };
        break;
      case 'boolean':
        properties[key] = { type: 'boolean', title: `${title} : je confirme` };
        break;
      case 'radio':
        properties[key] = {
          type: 'string',
          title: `${title} : un choix`,
          enum: ['Première option', 'Deuxième option', 'Troisième option', 'Quatrième option'],
        };
        uiSchema[key] = { 'ui:widget': 'radio' };
        break;
      case 'date':
        properties[key] = { type: 'string', title: `${title} : une date`, format: 'date' };
        break;
    }
  }
  return {
    formatVersion: 1,
    schema: { type: 'object', additionalProperties: false, required, properties },
    uiSchema,
    pages: [{ id: 'questions', title: 'Vos réponses', fields }],
    settings: { signIn: 'none' },
  };
}

/** Text fields in the middle of the form that are not required (typing into them leaves 50 errors). */
function typingTargets(definition: ServiceDefinition): string[] {
  const required = new Set(definition.schema.required as string[]);
  const targets: string[] = [];
  for (let i = FIELDS / 2; targets.length < 8; i += KINDS.length)
    if (KINDS[i % KINDS.length] === 'text' && !required.has(`champ${i}`)) targets.push(`champ${i}`);
  return targets;
}

const fieldSelector = (renderer: Renderer, key: string) => (renderer === 'rjsf' ? `#root_${key}` : `#champ-${key}`);

// --- Builds -----------------------------------------------------------------------

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${args.join(' ')} exited with ${code}:\n${output.slice(-3000)}`)),
    );
  });
}

const vite = (args: string[], env?: Record<string, string>) =>
  run(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', ...args], env);

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  isEntry?: boolean;
}
type Manifest = Record<string, ManifestChunk>;

/** An entry's chunk and every chunk it imports statically: what the page loads before it runs (lazy chunks apart). */
function staticClosure(manifest: Manifest, entry: string): { js: string[]; css: string[] } {
  const seen = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest: no chunk ${key}`);
    seen.add(key);
    for (const c of chunk.css ?? []) css.add(c);
    for (const i of chunk.imports ?? []) visit(i);
  };
  visit(entry);
  return { js: [...seen].map((k) => manifest[k]!.file), css: [...css] };
}

interface Sized {
  files: Array<{ file: string; bytes: number; gzip: number; brotli: number }>;
  bytes: number;
  gzip: number;
  brotli: number;
}

function sizes(files: Array<{ file: string; content: Buffer }>): Sized {
  const list = files.map(({ file, content }) => ({
    file,
    bytes: content.length,
    gzip: gzipSync(content).length,
    brotli: brotliCompressSync(content).length,
  }));
  return {
    files: list,
    bytes: list.reduce((s, f) => s + f.bytes, 0),
    gzip: list.reduce((s, f) => s + f.gzip, 0),
    brotli: list.reduce((s, f) => s + f.brotli, 0),
  };
}

const contentHash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

// --- Serving ------------------------------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** The built pages, cross-origin isolated (performance.now() at 5 µs rather than 100 µs), never cached. */
function serve(dir: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(dir, `.${path}`);
    if (!file.startsWith(dir + sep) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      })
      .end(readFileSync(file));
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolvePromise(server));
  });
}

// --- Measuring ------------------------------------------------------------------

interface ProbeKey {
  sync: number;
  events: number;
}
interface ProbeSubmit {
  startedAt: number;
  /** The form's submit event reached the page (before it, the browser's own work from the click). */
  submitAt: number | null;
  readyAt: number | null;
  paintedAt: number | null;
  frames: number;
  errors: number;
  focus: string;
  timedOut: boolean;
}

interface Round {
  renderer: Renderer;
  round: number;
  load: { lastField: number; painted: number; responseEnd: number; domContentLoaded: number };
  keys: ProbeKey[];
  typed: { field: string; ok: boolean };
  /** CDP Performance metrics during the typing, ms per key. */
  perKey: { script: number; task: number; layout: number; style: number };
  submit: ProbeSubmit;
}

/** BENCH_PROFILE_DIR: where each failed step's CPU profile and timeline trace are written (open them in DevTools). */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? '';

const METRICS = ['ScriptDuration', 'TaskDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;
type Metrics = Record<(typeof METRICS)[number], number>;

async function measure(
  context: BrowserContext,
  base: string,
  renderer: Renderer,
  round: number,
  target: string,
): Promise<Round> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Metrics> => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      const value = (name: string) => (list.find((m) => m.name === name)?.value ?? NaN) * 1000;
      return Object.fromEntries(METRICS.map((m) => [m, value(m)])) as Metrics;
    };

    // Cold load.
    await page.goto(`${base}/${renderer}/`, { waitUntil: 'load' });
    await page.waitForFunction('window.__bench.lastFieldPaintedAt !== null', undefined, { timeout: 30_000 });
    const load = await page.evaluate<Round['load']>(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      if (!window.__bench.isolated) throw new Error('the page is not cross-origin isolated');
      return { lastField: window.__bench.lastFieldAt, painted: window.__bench.lastFieldPaintedAt,
               responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd };
    })()`);
    await sleep(300);

    // Keystrokes, into a text field in the middle of the form.
    const selector = fieldSelector(renderer, target);
    await page.focus(selector);
    await sleep(100);
    await page.evaluate('window.__bench.keys.length = 0; window.__bench.current = null');
    const text = Array.from({ length: KEYS }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[i % 26]).join('');
    const before = await metrics();
    await page.keyboard.type(text, { delay: KEY_DELAY_MS });
    // What the last key scheduled (a frame, React's passive effects) runs before the second reading.
    await sleep(100);
    const after = await metrics();
    const keys = await page.evaluate<ProbeKey[]>('window.__bench.keys');
    const typed = { field: target, ok: (await page.inputValue(selector)) === text };
    const perKey = (m: (typeof METRICS)[number]) => (after[m] - before[m]) / KEYS;

    // A failed step: "Continuer" on a form whose 50 required fields are empty.
    await sleep(200);
    const profile = PROFILE_DIR ? await startProfile(cdp, 100) : undefined;
    await page.click('button[type="submit"]');
    await page.waitForFunction(
      'window.__bench.submit && (window.__bench.submit.paintedAt !== null || window.__bench.submit.timedOut)',
      undefined,
      { timeout: 30_000 },
    );
    const submit = await page.evaluate<ProbeSubmit>('window.__bench.submit');
    await profile?.stop(join(PROFILE_DIR, `failed-step-${renderer}-${round}`));
    return {
      renderer,
      round,
      load,
      keys,
      typed,
      perKey: {
        script: perKey('ScriptDuration'),
        task: perKey('TaskDuration'),
        layout: perKey('LayoutDuration'),
        style: perKey('RecalcStyleDuration'),
      },
      submit,
    };
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? NaN };
}

// --- Main ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM} (CHROMIUM_PATH; Debian: apt-get install chromium)`);
  const scratch = mkdtempSync(join(tmpdir(), 'guichet-bench-forms-'));
  const pagesDir = join(scratch, 'pages');
  const appDir = join(scratch, 'app');
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  try {
    // The form, its validator module as the server would serve it, and the example form's.
    const definition = benchDefinition();
    const check = checkDefinition(definition);
    if (!check.ok) throw new Error(`benchmark definition invalid: ${JSON.stringify(check.errors.slice(0, 3))}`);
    const hash = contentHash(definition);
    const validatorSource = browserValidatorModule(definition, hash);
    const example = (JSON.parse(readFileSync(join(ROOT, EXAMPLE_FORM), 'utf8')) as { definition: ServiceDefinition })
      .definition;
    const exampleValidator = browserValidatorModule(example, contentHash(example));

    // Builds: both bench pages, and the web app as it ships (into our own directory, not dist/web).
    let t = performance.now();
    const [pagesBuild, appBuild] = await Promise.allSettled([
      vite(['--config', 'bench/forms/vite.config.mts'], { BENCH_FORMS_OUT: pagesDir }),
      vite([
        '--config',
        'apps/web/vite.config.mts',
        '--outDir',
        appDir,
        '--emptyOutDir',
        '--manifest',
        '--logLevel',
        'warn',
      ]),
    ]);
    const buildSeconds = (performance.now() - t) / 1000;
    if (pagesBuild.status === 'rejected') throw pagesBuild.reason;
    // The web app may be mid-change in a shared checkout: its size is then missing, the rest is still measured.
    const appError =
      appBuild.status === 'rejected'
        ? (String((appBuild.reason as Error).message)
            .split('\n')
            .find((l) => /error|could not/i.test(l))
            ?.trim() ?? 'the web app did not build')
        : null;
    if (appError) process.stderr.write(`The web app did not build; its size is not measured: ${appError}\n`);
    writeFileSync(join(pagesDir, `validator-${hash}.js`), validatorSource);
    writeFileSync(
      join(pagesDir, 'definition.json'),
      JSON.stringify({ definition, validator: `/validator-${hash}.js` }),
    );

    // What each page downloads.
    const read = (dir: string) => (file: string) => ({ file, content: readFileSync(join(dir, file)) });
    const pagesManifest = JSON.parse(readFileSync(join(pagesDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
    const appManifest: Manifest = appError
      ? {}
      : (JSON.parse(readFileSync(join(appDir, '.vite', 'manifest.json'), 'utf8')) as Manifest);
    const appClosure = appError ? { js: [], css: [] } : staticClosure(appManifest, 'index.html');
    const lazy = Object.values(appManifest)
      .filter((c) => !c.isEntry && !appClosure.js.includes(c.file))
      .map((c) => c.file);
    const app = sizes(appClosure.js.map(read(appDir)));
    const exampleModule = sizes([{ file: `validator of ${EXAMPLE_FORM}`, content: Buffer.from(exampleValidator) }]);
    const benchModule = sizes([{ file: 'validator of the 300-field form', content: Buffer.from(validatorSource) }]);
    const rjsfPage = sizes(staticClosure(pagesManifest, 'rjsf/index.html').js.map(read(pagesDir)));
    const oursPage = sizes(staticClosure(pagesManifest, 'ours/index.html').js.map(read(pagesDir)));
    // The lazy chunks a form's page preloads beyond the entry (apps/api/src/web/web-app.ts): its lookup fields'
    // (SIRET, commune…, by what its uiSchema uses) and, when its schema needs them, RJSF's semantics.
    const moduleKey = (suffix: string) => Object.keys(appManifest).find((k) => k.endsWith(suffix));
    const lazyClosure = (modules: string[]) => [
      ...new Set(
        modules.flatMap((m) => {
          const key = moduleKey(m);
          return key ? staticClosure(appManifest, key).js.filter((f) => !appClosure.js.includes(f)) : [];
        }),
      ),
    ];
    const widgetModules = (widgets: readonly string[]) => widgets.map((w) => `form/${w}-field.tsx`);
    const exampleWidgets = specialWidgetsOf(example.uiSchema);
    const exampleChunkFiles = appError
      ? []
      : lazyClosure([
          ...widgetModules(exampleWidgets),
          ...(needsSemantics(example.schema) ? ['form/semantics-chunk.ts'] : []),
          ...(usesFileFields(example.schema) ? ['form/file-fields.tsx'] : []),
        ]);
    const exampleChunks = sizes(exampleChunkFiles.map(read(appDir)));
    const everyWidgetFiles = appError ? [] : lazyClosure(widgetModules(SPECIAL_WIDGETS));
    const everyWidget = sizes(everyWidgetFiles.map(read(appDir)));
    // What the example form's page loads; without its lookup fields, what a plain form's does.
    const plain = app.gzip + exampleModule.gzip;
    const shipped = plain + exampleChunks.gzip;
    // A form with conditions, alternatives or defaults also loads RJSF's semantics (a lazy chunk and what it imports).
    const semanticsKey = appError
      ? undefined
      : Object.keys(appManifest).find((k) => k.endsWith('form/semantics-chunk.ts'));
    const semanticsFiles = semanticsKey
      ? staticClosure(appManifest, semanticsKey).js.filter((f) => !appClosure.js.includes(f))
      : [];
    const semantics = sizes(semanticsFiles.map(read(appDir)));

    // The browser.
    const port = await freePort();
    server = await serve(pagesDir, port);
    const base = `http://127.0.0.1:${port}`;
    const profile = join(scratch, 'profile');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: 'fr-FR',
      viewport: { width: 1280, height: 800 },
    });
    await context.addInitScript({ content: readFileSync(join(ROOT, 'bench', 'forms', 'probe.js'), 'utf8') });
    const blank = context.pages()[0] ?? (await context.newPage());
    const session = await context.newCDPSession(blank);
    const chromiumVersion = (await session.send('Browser.getVersion')).product.replace(
      /^(Headless)?Chrome\//,
      'Chromium ',
    );
    await session.detach();

    const targets = typingTargets(definition);
    t = performance.now();
    out(
      `Form renderer benchmark: ${FIELDS} fields, ${REQUIRED} required; ${ROUNDS} rounds (+1 warm-up) of a cold load, ` +
        `${KEYS} keys and a failed step per renderer, interleaved.`,
    );
    const rounds: Round[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const order: Renderer[] = round % 2 === 0 ? ['ours', 'rjsf'] : ['rjsf', 'ours'];
      for (const renderer of order) {
        const r = await measure(context, base, renderer, round, targets[round % targets.length]!);
        if (round === 0) continue;
        rounds.push(r);
        out(
          `  round ${round} ${renderer.padEnd(4)}: load ${formatNumber(r.load.lastField)} ms, ` +
            `key p95 ${formatNumber(stats(r.keys.map((k) => k.sync)).p95)} ms, script/key ${formatNumber(r.perKey.script)} ms, ` +
            `failed step ${r.submit.paintedAt === null ? 'timed out' : `${formatNumber(r.submit.paintedAt - r.submit.startedAt)} ms`} ` +
            `(${r.submit.errors} errors)`,
        );
      }
    }
    const browserSeconds = (performance.now() - t) / 1000;

    // Figures.
    const of = (renderer: Renderer) => rounds.filter((r) => r.renderer === renderer);
    const summary = (renderer: Renderer) => {
      const rs = of(renderer);
      const keys = rs.flatMap((r) => r.keys);
      return {
        rounds: rs.length,
        keySync: stats(keys.map((k) => k.sync)),
        keySyncRoundP95: rs.map((r) => stats(r.keys.map((k) => k.sync)).p95),
        /** Without the first key typed on each page (the one that runs React's update path for the first time). */
        keySyncAfterFirst: stats(rs.flatMap((r) => r.keys.slice(1).map((k) => k.sync))),
        keysMeasured: keys.length,
        eventsPerKey: keys.length ? keys.reduce((s, k) => s + k.events, 0) / keys.length : 0,
        typedOk: rs.every((r) => r.typed.ok),
        script: stats(rs.map((r) => r.perKey.script)),
        task: stats(rs.map((r) => r.perKey.task)),
        layout: stats(rs.map((r) => r.perKey.layout)),
        style: stats(rs.map((r) => r.perKey.style)),
        failedStep: stats(
          rs.map((r) => (r.submit.paintedAt === null ? Infinity : r.submit.paintedAt - r.submit.startedAt)),
        ),
        failedStepReady: stats(
          rs.map((r) => (r.submit.readyAt === null ? Infinity : r.submit.readyAt - r.submit.startedAt)),
        ),
        /** From the click to the form's submit event: the browser's, before any renderer's code runs. */
        failedStepBeforeSubmit: stats(
          rs.map((r) => (r.submit.submitAt === null ? Infinity : r.submit.submitAt - r.submit.startedAt)),
        ),
        failedStepFrames: stats(rs.map((r) => r.submit.frames)),
        failedStepErrors: [...new Set(rs.map((r) => r.submit.errors))],
        failedStepFocus: [...new Set(rs.map((r) => r.submit.focus))],
        failedStepTimeouts: rs.filter((r) => r.submit.timedOut).length,
        coldLoad: stats(rs.map((r) => r.load.lastField)),
        coldLoadPainted: stats(rs.map((r) => r.load.painted)),
        responseEnd: stats(rs.map((r) => r.load.responseEnd)),
      };
    };
    const ours = summary('ours');
    const rjsf = summary('rjsf');
    const rjsfLabel = RENDERERS.rjsf;
    const checksOk =
      ours.typedOk &&
      rjsf.typedOk &&
      ours.failedStepErrors.every((n) => n === REQUIRED) &&
      rjsf.failedStepErrors.every((n) => n === REQUIRED);
    const figures: Figure[] = [
      figure({
        id: 'forms.keystroke.sync.p95',
        label: `keystroke: synchronous handler time p95 (keydown…keyup listeners, React commit included), ${ours.keysMeasured} keys`,
        unit: 'ms',
        value: ours.keySync.p95,
        baseline: { label: rjsfLabel, value: rjsf.keySync.p95 },
        goal: `≤ ${GOALS.keySyncP95} ms`,
        met: ours.keySync.p95 <= GOALS.keySyncP95 && ours.typedOk,
        note: `without the first key of each page: p95 ${formatNumber(ours.keySyncAfterFirst.p95)} ms (RJSF ${formatNumber(rjsf.keySyncAfterFirst.p95)} ms)`,
      }),
      figure({
        id: 'forms.keystroke.sync.p50',
        label: 'keystroke: synchronous handler time p50',
        unit: 'ms',
        value: ours.keySync.p50,
        baseline: { label: rjsfLabel, value: rjsf.keySync.p50 },
      }),
      figure({
        id: 'forms.keystroke.script',
        label: `keystroke: JavaScript main-thread time per key (CDP ScriptDuration ÷ keys), median of ${ROUNDS} rounds`,
        unit: 'ms',
        value: ours.script.p50,
        baseline: { label: rjsfLabel, value: rjsf.script.p50 },
        goal: `≤ ${GOALS.keyScript} ms`,
        met: ours.script.p50 <= GOALS.keyScript,
      }),
      figure({
        id: 'forms.keystroke.task',
        label:
          'keystroke: main-thread busy time per key (CDP TaskDuration ÷ keys: script, the browser’s editing, style, layout, paint)',
        unit: 'ms',
        value: ours.task.p50,
        baseline: { label: rjsfLabel, value: rjsf.task.p50 },
      }),
      figure({
        id: 'forms.failed_step.p50',
        label: `failed step, ${REQUIRED} errors: click "Continuer" → painted frame with every message and the focus set, median of ${ROUNDS}`,
        unit: 'ms',
        value: ours.failedStep.p50,
        baseline: { label: `${rjsfLabel} (error list on top, focusOnFirstError)`, value: rjsf.failedStep.p50 },
        goal: `≤ ${GOALS.failedStep} ms`,
        met: ours.failedStep.p50 <= GOALS.failedStep && ours.failedStepErrors.every((n) => n === REQUIRED),
        note: `worst of ${ROUNDS}: ${formatNumber(ours.failedStep.max)} ms (RJSF ${formatNumber(rjsf.failedStep.max)} ms)`,
      }),
      figure({
        id: 'forms.cold_load.p50',
        label: `cold load (HTTP cache disabled): navigation start → last of ${FIELDS} fields in the DOM, median of ${ROUNDS}`,
        unit: 'ms',
        value: ours.coldLoad.p50,
        baseline: { label: rjsfLabel, value: rjsf.coldLoad.p50 },
        goal: `≤ ${GOALS.coldLoad} ms`,
        met: ours.coldLoad.p50 <= GOALS.coldLoad,
        note: `worst of ${ROUNDS}: ${formatNumber(ours.coldLoad.max)} ms (RJSF ${formatNumber(rjsf.coldLoad.max)} ms)`,
      }),
      figure({
        id: 'forms.cold_load.painted.p50',
        label: 'cold load: navigation start → that frame painted, median',
        unit: 'ms',
        value: ours.coldLoadPainted.p50,
        baseline: { label: rjsfLabel, value: rjsf.coldLoadPainted.p50 },
      }),
      figure({
        id: 'forms.js_gzip',
        label: `JavaScript to open a form, gzip: web app entry + static imports (${appClosure.js.length} file${appClosure.js.length > 1 ? 's' : ''}) + validator of the example form (a form without lookup fields, file fields or conditions: its page preloads no other chunk)`,
        unit: 'kB',
        value: appError ? null : plain / KB,
        baseline: { label: `${rjsfLabel} + React 19 (page bundle, same build settings)`, value: rjsfPage.gzip / KB },
        goal: `≤ ${GOALS.gzipKb} kB`,
        met: appError ? null : plain <= GOALS.gzipKb * KB,
        note: appError
          ? `not measured: the web app did not build (${appError.slice(0, 200)})`
          : `app ${formatNumber(app.gzip / KB)} kB + validator module ${formatNumber(exampleModule.gzip / KB)} kB; lazy chunks not counted: ${lazy.join(', ') || 'none'}`,
      }),
      figure({
        id: 'forms.js_gzip.example_page',
        label: `JavaScript to open the example form's page as served, gzip: the same + the chunks its page preloads (lookup fields: ${exampleWidgets.join(', ') || 'none'}${usesFileFields(example.schema) ? '; file fields' : ''}${needsSemantics(example.schema) ? "; RJSF's semantics" : ''})`,
        unit: 'kB',
        value: appError ? null : shipped / KB,
        baseline: { label: `${rjsfLabel} + React 19 (page bundle, same build settings)`, value: rjsfPage.gzip / KB },
        note: `${formatNumber(plain / KB)} kB + ${exampleChunkFiles.length} chunks ${formatNumber(exampleChunks.gzip / KB)} kB (${exampleChunkFiles.join(', ') || 'none'}), chosen by what the definition uses (apps/api/src/web/web-app.ts)`,
      }),
      figure({
        id: 'forms.js_gzip.every_widget',
        label: `JavaScript to open a form using every lookup field (${SPECIAL_WIDGETS.join(', ')}), gzip: the first figure + the chunks its page preloads`,
        unit: 'kB',
        value: appError ? null : (plain + everyWidget.gzip) / KB,
        baseline: { label: `${rjsfLabel} + React 19 (page bundle, same build settings)`, value: rjsfPage.gzip / KB },
        note: `${formatNumber(plain / KB)} kB + ${everyWidgetFiles.length} chunks ${formatNumber(everyWidget.gzip / KB)} kB (${everyWidgetFiles.join(', ') || 'not found'}), each loaded only when the definition uses its field`,
      }),
      figure({
        id: 'forms.js_gzip.conditional',
        label: `JavaScript to open a form with conditions or alternatives, gzip: the first figure + RJSF's semantics (lazy: ${semanticsFiles.join(', ') || 'not found'})`,
        unit: 'kB',
        value: appError || !semanticsKey ? null : (plain + semantics.gzip) / KB,
        baseline: { label: `${rjsfLabel} + React 19 (page bundle, same build settings)`, value: rjsfPage.gzip / KB },
        note: `common case ${formatNumber(plain / KB)} kB + semantics ${formatNumber(semantics.gzip / KB)} kB, loaded only when the definition needs it`,
      }),
    ];

    const notes = [
      `Guichet: ${RENDERERS.ours}; baseline: ${rjsfLabel}; React ${packageVersion('react')}; Vite ${packageVersion('vite')} production builds; ${chromiumVersion}, headless.`,
      `${ROUNDS} rounds after a warm-up; in each, each renderer (alternating which goes first) loads cold, types ${KEYS} keys ` +
        `(${KEY_DELAY_MS} ms between keydown and keyup) into a text field mid-form, then fails a step; the 2 cores are shared with other work.`,
      'Synchronous handler time: per key, the sum over keydown, keypress, beforeinput, input and keyup of the time from a capture ' +
        'listener on window to a microtask after a bubbling listener on window (bench/forms/probe.js).',
      `Sizes in kB of 1,000 bytes, gzip level 6 (Node's zlib default); brotli and raw sizes in details.`,
      ...(appError ? [`JavaScript size not measured: the web app did not build (${appError.slice(0, 300)}).`] : []),
      ...(checksOk
        ? []
        : [
            `Check failed: typed text ${ours.typedOk && rjsf.typedOk ? 'ok' : 'NOT as typed'}; errors shown: ` +
              `ours ${ours.failedStepErrors.join(', ')}, RJSF ${rjsf.failedStepErrors.join(', ')} (expected ${REQUIRED}).`,
          ]),
    ];

    const durationS = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
    out(
      `\nCitizen form renderer: ${FIELDS} fields on one page, ${REQUIRED} required (ours next to RJSF's default theme)\n`,
    );
    out('| figure | Guichet | RJSF default | ratio | goal | met |\n|---|---|---|---|---|---|');
    for (const f of figures)
      out(
        `| ${f.label} | ${f.value === null ? '—' : `${formatNumber(f.value)} ${f.unit}`} | ${f.baseline ? `${formatNumber(f.baseline.value)} ${f.unit}` : '—'} | ${f.ratio === null ? '—' : `×${f.ratio.toFixed(3)}`} | ${f.goal ?? '—'} | ${f.met === null ? '—' : f.met ? 'yes' : 'NO'} |`,
      );
    const line = (name: string, s: ReturnType<typeof summary>) =>
      `  ${name}: key sync p50/p95/max ${formatNumber(s.keySync.p50)}/${formatNumber(s.keySync.p95)}/${formatNumber(s.keySync.max)} ms ` +
      `(per-round p95 ${s.keySyncRoundP95.map(formatNumber).join(', ')}; p95 without each page's first key ${formatNumber(s.keySyncAfterFirst.p95)}; ` +
      `${s.eventsPerKey.toFixed(1)} events per key); per key: script ` +
      `${formatNumber(s.script.p50)}, task ${formatNumber(s.task.p50)}, layout ${formatNumber(s.layout.p50)}, style ${formatNumber(s.style.p50)} ms; ` +
      `failed step: submit event ${formatNumber(s.failedStepBeforeSubmit.p50)} ms after the click, ready ${formatNumber(s.failedStepReady.p50)} ms, painted ${formatNumber(s.failedStep.p50)} ms, ${s.failedStepErrors.join('/')} errors, focus ${s.failedStepFocus.join(' | ')}; ` +
      `cold load: HTML in ${formatNumber(s.responseEnd.p50)} ms, last field ${formatNumber(s.coldLoad.p50)} ms (painted ${formatNumber(s.coldLoadPainted.p50)} ms)`;
    out('\nDetails (medians unless said):');
    out(line('Guichet', ours));
    out(line('RJSF   ', rjsf));
    out(
      `  JavaScript, gzip: web app ${formatNumber(app.gzip / KB)} kB (${app.files.map((f) => `${f.file} ${formatNumber(f.gzip / KB)}`).join(', ')}), ` +
        `the example form's chunks ${formatNumber(exampleChunks.gzip / KB)} kB, ` +
        `validator of ${EXAMPLE_FORM} ${formatNumber(exampleModule.gzip / KB)} kB, of the 300-field form ${formatNumber(benchModule.gzip / KB)} kB; ` +
        `bench pages: ours ${formatNumber(oursPage.gzip / KB)} kB, RJSF ${formatNumber(rjsfPage.gzip / KB)} kB; brotli: app + example validator ` +
        `${formatNumber((app.brotli + exampleModule.brotli) / KB)} kB, RJSF ${formatNumber(rjsfPage.brotli / KB)} kB`,
    );
    out(
      `  Time: builds ${buildSeconds.toFixed(1)} s, browser ${browserSeconds.toFixed(1)} s, ${durationS.toFixed(1)} s in all`,
    );
    for (const note of notes) out(`\nNote: ${note}`);

    const file = writeResult({
      name: resultName('forms'),
      startedAt: startedAt.toISOString(),
      durationS,
      machine: machineInfo({
        chromium: chromiumVersion,
        react: packageVersion('react'),
        '@rjsf/core': packageVersion('@rjsf/core'),
        '@rjsf/validator-ajv8': packageVersion('@rjsf/validator-ajv8'),
        vite: packageVersion('vite'),
      }),
      figures,
      notes,
      details: {
        settings: { rounds: ROUNDS, keysPerRound: KEYS, keyDelayMs: KEY_DELAY_MS, fields: FIELDS, required: REQUIRED },
        ours,
        rjsf,
        sizes: {
          app: { ...app, lazyChunksNotCounted: lazy, css: appClosure.css },
          exampleValidator: { form: EXAMPLE_FORM, ...exampleModule },
          exampleChunks: { widgets: exampleWidgets, ...exampleChunks },
          everyWidget,
          benchValidator: benchModule,
          oursBenchPage: oursPage,
          rjsfBenchPage: rjsfPage,
        },
        time: { buildSeconds, browserSeconds },
        rounds,
      },
    });
    out(`\nResults: ${file}`);
    if (!checksOk) process.exitCode = 1;
  } finally {
    await context?.close().catch(() => undefined);
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
