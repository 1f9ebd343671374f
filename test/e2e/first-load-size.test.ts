import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import type { PublicService, ServiceDefinition } from '@guichet/shared';
import { ROOT } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService } from '../support/tenant';

/**
 * Issue 22: the JavaScript a citizen downloads to open a form, gzip (level 6, kB of 1,000 bytes), as
 * `npm run bench:forms` counts it (« JavaScript to open a form », bench/form-renderer.bench.ts): the entry, its static
 * imports and every module the page preloads, for a form without lookup fields, file fields or conditions, with the
 * validator module of the example form. Sizes do not depend on the machine's load: a budget is an honest test.
 */
const BUDGET_KB = 120;
const KB = 1000;
const EXAMPLE_FORM = 'forms/demande-de-subvention-association.json';

/** A form that loads nothing beyond the entry and its validator: text, a choice, a date. */
function plainDefinition(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', title: 'Nom', minLength: 1, maxLength: 100 },
        email: { type: 'string', title: 'Adresse électronique', format: 'email' },
        kind: { type: 'string', title: 'Vous êtes', enum: ['un particulier', 'une association'] },
        day: { type: 'string', title: 'Date souhaitée', format: 'date' },
      },
    },
    uiSchema: {},
    pages: [{ id: 'demande', title: 'Demande', fields: ['name', 'email', 'kind', 'day'] }],
    settings: { signIn: 'none', retentionMonths: 12 },
  };
}

/** Vite's manifest of the build the stack serves: an asset's static imports, by its address. */
function staticImports(): (href: string) => string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'dist/web/.vite/manifest.json'), 'utf8')) as Record<
    string,
    { file: string; imports?: string[] }
  >;
  const byFile = new Map(Object.values(manifest).map((chunk) => [`/${chunk.file}`, chunk]));
  return (href) => (byFile.get(href)?.imports ?? []).map((key) => `/${manifest[key]!.file}`);
}

/** The modules a page loads as it opens: its entry script and what it preloads (Vite's links and the API's). */
function pageModules(html: string): string[] {
  const scripts = [...html.matchAll(/<script type="module"[^>]* src="([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]* href="([^"]+)"/g)].map((m) => m[1]!);
  return [...scripts, ...preloads];
}

describe('the JavaScript that opens a form', () => {
  let stack: Stack;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/web/.vite/manifest.json')))
      throw new Error('dist/web is missing: npm run build:web');
    stack = await startStack({ backend: 'postgres', worker: false, env: { WEB_DIST_DIR: join(ROOT, 'dist/web') } });
    const designer = await createTenant(stack);
    await publishService(stack.url, designer, {
      slug: 'poids-simple',
      title: 'Demande',
      definition: plainDefinition(),
    });
    const example = JSON.parse(readFileSync(join(ROOT, EXAMPLE_FORM), 'utf8')) as { definition: ServiceDefinition };
    await publishService(stack.url, designer, {
      slug: 'poids-exemple',
      title: 'Subvention',
      definition: example.definition,
    });
  });
  afterAll(() => stack?.close());

  /** An address's bytes as the stack serves them, gzip at Node's default level (6), as the bench measures. */
  const gzipOf = async (href: string) => {
    const response = await fetch(`${stack.url}${href}`);
    if (!response.ok) throw new Error(`${href}: ${response.status}`);
    return gzipSync(Buffer.from(await response.arrayBuffer())).length;
  };

  it(`stays within ${BUDGET_KB} kB gzip: entry, static imports, preloaded modules and the example's validator`, async () => {
    const plain = (await request(stack.url).get('/api/v1/public/services/poids-simple').expect(200))
      .body as PublicService;
    const example = (await request(stack.url).get('/api/v1/public/services/poids-exemple').expect(200))
      .body as PublicService;
    const page = await request(stack.url).get(`/demarches/poids-simple?brouillon=${randomUUID()}`).expect(200);

    // Everything the page loads before the form is live: its modules and, transitively, their static imports.
    const importsOf = staticImports();
    const loaded = new Set<string>();
    const todo = pageModules(page.text);
    for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
      if (loaded.has(next)) continue;
      loaded.add(next);
      todo.push(...importsOf(next));
    }
    // A plain form's page preloads its validator and the entry's chunks, nothing lazy. The budget counts the app's
    // part with the example form's validator (the largest of forms/, as the bench counts it) in place of this one's.
    expect(loaded.has(plain.validator!)).toBe(true);
    const app = [...loaded].filter((href) => href !== plain.validator);
    for (const href of app) expect(href).toMatch(/^\/assets\/[\w.-]+\.js$/);
    const files = await Promise.all(
      [...app, example.validator!].map(async (href) => ({ href, gzip: await gzipOf(href) })),
    );
    const total = files.reduce((sum, f) => sum + f.gzip, 0);
    const biggest = [...files]
      .sort((a, b) => b.gzip - a.gzip)
      .slice(0, 5)
      .map((f) => `${f.href} ${(f.gzip / KB).toFixed(1)} kB`)
      .join(', ');
    if (total > BUDGET_KB * KB)
      throw new Error(
        `The JavaScript that opens a form is ${(total / KB).toFixed(1)} kB gzip, over ${BUDGET_KB} kB ` +
          `(docs/performance.md, « Formulaires (usagers) »). Biggest: ${biggest}. What does a form need at once?`,
      );
    // Read as a lower bound too: a page that stopped loading its entry would pass the budget and draw nothing.
    expect(total).toBeGreaterThan(60 * KB);
  });
});
