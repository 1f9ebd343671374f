import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { PublicService, ServiceDefinition } from '@guichet/shared';
import { choiceDefinition } from '../fixtures/choice';
import { communeDefinition } from '../fixtures/commune';
import { siretDefinition } from '../fixtures/siret';
import { CookieClient } from '../support/browserless';
import { ROOT } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService, type Tenant } from '../support/tenant';

/** A title that would end a script element, and open another, if it were written into the page as is. */
const HOSTILE = 'Nom </script><script>alert(1)</script> <!-- fin';

function hostileDefinition(): ServiceDefinition {
  const definition = choiceDefinition();
  (definition.schema.properties as Record<string, { title: string }>).name!.title = HOSTILE;
  return definition;
}

/** The JSON data scripts of a page: their id and raw text. */
function dataScripts(html: string): Array<{ id: string; text: string }> {
  return [...html.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)].map((m) => ({
    id: m[1]!,
    text: m[2]!,
  }));
}

/** The addresses a page tells the browser to fetch early (`<link rel="preload" as="fetch">`), in order. */
function preloads(html: string): string[] {
  return [...html.matchAll(/<link rel="preload" as="fetch" href="([^"]+)" crossorigin="anonymous" \/>/g)].map(
    (m) => m[1]!,
  );
}

/** The modules a page tells the browser to load early (`<link rel="modulepreload">`), in order. */
function modulePreloads(html: string): string[] {
  return [...html.matchAll(/<link rel="modulepreload" href="([^"]+)" \/>/g)].map((m) => m[1]!);
}

/** The page as built once the server's own module preloads are taken out. */
const withoutModulePreloads = (html: string) => html.replace(/<link rel="modulepreload" href="[^"]+" \/>/g, '');

/** Vite's manifest of the build the stacks serve: a module's chunk and the chunks it imports. */
function builtChunks(): (module: string) => string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'dist/web/.vite/manifest.json'), 'utf8')) as Record<
    string,
    { file: string; imports?: string[] }
  >;
  return (module) => {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key) || !manifest[key]) return;
      seen.add(key);
      for (const i of manifest[key]!.imports ?? []) visit(i);
    };
    visit(module);
    return [...seen].map((k) => `/${manifest[k]!.file}`);
  };
}

/** A form page's first step as the server drew it (what `<div id="root" data-preview="form">` holds), or null. */
function drawing(html: string): string | null {
  return /<div id="root" data-preview="form">([\s\S]*)<\/div>\s*<noscript>/.exec(html)?.[1] ?? null;
}

/** A service page as the server drew it (what `<div id="root" data-preview="service">` holds), or null. */
function serviceDrawing(html: string): string | null {
  return /<div id="root" data-preview="service">([\s\S]*)<\/div>\s*<noscript>/.exec(html)?.[1] ?? null;
}

/**
 * A visitor's session (cookies and CSRF token kept) with a draft of `slug`
 * whose answers are `data`: its calls, and the draft.
 */
async function draftWithMarkedAnswer(url: string, slug: string, data: Record<string, string>) {
  const client = new CookieClient();
  const call = (method: string, path: string, body?: unknown) => {
    const csrf = client.cookie(url, 'csrf_token');
    return client.request(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  expect((await call('GET', `/api/v1/public/services/${slug}`)).status).toBe(200);
  const created = await call('POST', `/api/v1/public/services/${slug}/submissions`, { data: {} });
  expect(created.status).toBe(201);
  const draft = (await created.json()) as { id: string; revision: number };
  const saved = await call('PATCH', `/api/v1/submissions/${draft.id}`, { data, expectedRevision: draft.revision });
  expect(saved.status).toBe(200);
  return { call, draft };
}

/** One step with one file to attach (`x-file`): the form loads the file fields' chunk for it alone. */
function fileDefinition(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['justificatif'],
      properties: {
        justificatif: { type: 'string', title: 'Justificatif de domicile', 'x-file': { accept: ['application/pdf'] } },
      },
    },
    uiSchema: {},
    pages: [{ id: 'piece', title: 'Pièce jointe', fields: ['justificatif'] }],
    settings: { signIn: 'none', retentionMonths: 12 },
  };
}

/** A service's title and description that would end the page's scripts or open a comment if written as they are. */
const HOSTILE_TITLE = 'Accueil </script><script>alert(1)</script> <!-- fin';
const HOSTILE_DESCRIPTION =
  "Avant </div></fieldset></main><script>alert(2)</script><img src=x onerror=alert(3)> après, 5 $' ou $& ou $`";

/**
 * Issue 22, first paint without waterfalls: a service page carries its
 * published version as JSON data and preloads its validator (and RJSF's
 * semantics when the definition needs them); nothing personal, the same CSP.
 */
describe('service pages carry their published version', () => {
  let stack: Stack;
  let plain: Stack;
  let undrawn: Stack;
  /** The designer of each stack's services, by stack. */
  const designers = new Map<Stack, Tenant>();

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is missing: npm run build:web');
    const env = { WEB_DIST_DIR: join(ROOT, 'dist/web') };
    [stack, plain, undrawn] = await Promise.all([
      startStack({ backend: 'postgres', worker: false, env }),
      startStack({ backend: 'postgres', worker: false, env: { ...env, WEB_EMBED_DATA: 'off' } }),
      startStack({ backend: 'postgres', worker: false, env: { ...env, WEB_PRERENDER: 'off' } }),
    ]);
    for (const s of [stack, plain, undrawn]) {
      const designer = await createTenant(s);
      designers.set(s, designer);
      await publishService(s.url, designer, {
        slug: 'contact-embarque',
        title: 'Contact </script> embarqué',
        definition: hostileDefinition(),
      });
      // A service page: its title and description are the service's, not the version's (the studio edits them).
      await request(s.url)
        .post('/api/v1/services')
        .set('Authorization', designer.auth)
        .send({
          slug: 'accueil-embarque',
          title: HOSTILE_TITLE,
          description: HOSTILE_DESCRIPTION,
          organisationId: designer.organisationId,
          definition: choiceDefinition(),
        })
        .expect(201);
      await request(s.url)
        .post('/api/v1/services/accueil-embarque/publish')
        .set('Authorization', designer.auth)
        .expect(201);
    }
    const designer = designers.get(stack)!;
    await publishService(stack.url, designer, {
      slug: 'siret-embarque',
      title: 'Entreprise',
      definition: siretDefinition(),
    });
    await publishService(stack.url, designer, {
      slug: 'commune-embarque',
      title: 'Commune',
      definition: communeDefinition(),
    });
    await publishService(stack.url, designer, {
      slug: 'fichier-embarque',
      title: 'Pièce jointe',
      definition: fileDefinition(),
    });
  });
  afterAll(() => Promise.all([stack?.close(), plain?.close(), undrawn?.close()]));

  it('embeds what GET /api/v1/public/services/:slug answers, escaped so no title can end the script', async () => {
    const page = await request(stack.url).get('/demarches/contact-embarque').expect(200);
    const scripts = dataScripts(page.text);
    expect(scripts.map((s) => s.id)).toEqual(['guichet-service']);
    // After the drawing, at the end of the body: the drawing comes first in the bytes the browser paints from.
    expect(page.text.indexOf('id="guichet-service"')).toBeGreaterThan(page.text.indexOf('<div id="root"'));
    expect(page.text.indexOf('id="guichet-service"')).toBeGreaterThan(page.text.indexOf('</head>'));
    // One script element only: the hostile titles did not close it, and carry no raw "<".
    expect(page.text.match(/<script/g)).toHaveLength(2);
    expect(scripts[0]!.text).not.toContain('<');
    const embedded = JSON.parse(scripts[0]!.text) as PublicService;
    const api = (await request(stack.url).get('/api/v1/public/services/contact-embarque').expect(200))
      .body as PublicService;
    expect(embedded).toEqual(api);
    expect((embedded.definition!.schema.properties as Record<string, { title: string }>).name!.title).toBe(HOSTILE);
    expect(embedded.title).toBe('Contact </script> embarqué');

    // The validator and, for this definition with a condition, RJSF's semantics load alongside the entry.
    const preloads = [...page.text.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!);
    expect(preloads[0]).toBe(api.validator);
    expect(preloads.length).toBeGreaterThan(1);
    for (const href of preloads.slice(1)) expect(href).toMatch(/^\/assets\/[\w.-]+\.js$/);
    for (const href of preloads) await request(stack.url).get(href).expect(200);
  });

  it('puts nothing personal in the page: a draft page carries only the public version, never its answers', async () => {
    const marker = 'Durand-Personnel-7431';
    const { call, draft } = await draftWithMarkedAnswer(stack.url, 'contact-embarque', {
      name: marker,
      email: 'durand.personnel@exemple.fr',
    });

    const page = await call('GET', `/demarches/contact-embarque?brouillon=${draft.id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    expect(dataScripts(html).map((s) => s.id)).toEqual(['guichet-service']);
    expect(html).not.toContain(marker);
    expect(html).not.toContain('durand.personnel');
    // The first step is drawn, from the published version alone: its fields, empty, in a disabled fieldset.
    const drawn = drawing(html);
    expect(drawn).toContain('<fieldset class="preview" disabled="" aria-busy="true">');
    expect(drawn).toContain('<h1>Contact &lt;/script&gt; embarqué</h1>');
    // Labels show their text as written, as RJSF and the app draw it (tags included, never dropped), escaped.
    expect(drawn).toContain(
      '<label for="champ-name">Nom &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- fin<span',
    );
    expect(drawn!.match(/<input [^>]*value="[^"]+"/g) ?? []).toEqual([]);
    // Nothing in it runs: the page's scripts are still the bundle and the JSON data.
    expect(html.match(/<script/g)).toHaveLength(2);
    // Its stylesheet comes with it (no round trip before the first paint); the other pages keep the link.
    const built = readFileSync(join(ROOT, 'dist/web/index.html'), 'utf8');
    const href = /<link rel="stylesheet"[^>]*href="([^"]+)"/.exec(built)![1]!;
    expect(html).not.toContain('rel="stylesheet"');
    expect(html).toContain(`<style>${readFileSync(join(ROOT, 'dist/web', href), 'utf8')}</style>`);
    // Pages without a drawing keep the link: a service page drawn by the app only, the other pages.
    for (const url of [`${undrawn.url}/demarches/contact-embarque`, `${stack.url}/`, `${stack.url}/mes-demarches`]) {
      const other = await request(url).get('').expect(200);
      expect(other.text).toContain(`href="${href}"`);
      expect(other.text).not.toContain('<style>');
    }
    // The draft's id, from the page's own address, only where the browser is told to ask for the draft early.
    expect(html.split(draft.id)).toHaveLength(2);
    expect(preloads(html)).toEqual([`/api/v1/submissions/${draft.id}`, '/api/v1/me']);
  });

  it('preloads the draft and who is signed in for a form page only, never for a trial or a malformed id', async () => {
    const id = '0b7a1f6e-58a4-4c1e-9a51-3f0c2d9e8b10';
    for (const query of ['', '?brouillon=pas-un-id', `?brouillon=${id}&test=1`, `?brouillon=${id}"><script>`])
      expect(preloads((await request(stack.url).get(`/demarches/contact-embarque${query}`).expect(200)).text)).toEqual(
        [],
      );
    expect(
      preloads((await request(stack.url).get(`/demarches/contact-embarque?brouillon=${id}&etape=2`).expect(200)).text),
    ).toEqual([`/api/v1/submissions/${id}`, '/api/v1/me']);
    // The page is kept once made: the next draft's page names that draft, never the one before.
    const other = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
    const next = (await request(stack.url).get(`/demarches/contact-embarque?brouillon=${other}&etape=2`).expect(200))
      .text;
    expect(preloads(next)).toEqual([`/api/v1/submissions/${other}`, '/api/v1/me']);
    expect(next).not.toContain(id);
    // An unknown service: the page as built, nothing to preload.
    expect(preloads((await request(stack.url).get(`/demarches/nexiste-pas?brouillon=${id}`).expect(200)).text)).toEqual(
      [],
    );
  });

  it('draws the step of the address, or the first for an unknown one; never a trial, a bad id, or when turned off', async () => {
    const id = '0b7a1f6e-58a4-4c1e-9a51-3f0c2d9e8b10';
    const page = async (url: string, query: string) =>
      drawing((await request(url).get(`/demarches/contact-embarque${query}`).expect(200)).text);
    const first = await page(stack.url, `?brouillon=${id}`);
    expect(first).toContain('id="champ-name"');
    // One drawing per version and step, the page's own draft id put in: same markup for another draft.
    const other = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
    expect((await page(stack.url, `?brouillon=${other}`))!.split(other).join(id)).toBe(first);
    expect(await page(stack.url, `?brouillon=${id}&etape=nexiste-pas`)).toBe(first);
    for (const query of ['', '?brouillon=pas-un-id', `?brouillon=${id}&test=1`, `?brouillon=${id}&etape=verification`])
      expect(await page(stack.url, query)).toBeNull();
    expect(await page(plain.url, `?brouillon=${id}`)).toBeNull();
    expect(await page(undrawn.url, `?brouillon=${id}`)).toBeNull();
    expect((await request(stack.url).get(`/demarches/nexiste-pas?brouillon=${id}`).expect(200)).text).toBe(
      readFileSync(join(ROOT, 'dist/web/index.html'), 'utf8'),
    );
  });

  it('draws a service page from its published version, escaped, its start control disabled until the app runs', async () => {
    const page = await request(stack.url).get('/demarches/accueil-embarque').expect(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const drawn = serviceDrawing(page.text);
    expect(drawn).not.toBeNull();
    // Everything in a disabled fieldset that says it is busy: nothing can start before the app knows who is there.
    expect(drawn!.startsWith('<a class="skip-link" href="#contenu">')).toBe(true);
    expect(drawn).toContain('<fieldset class="preview" disabled="" aria-busy="true">');
    const fieldset = drawn!.slice(drawn!.indexOf('<fieldset class="preview"'), drawn!.lastIndexOf('</fieldset>'));
    // The title and the description as text: neither ends the root, the fieldset, the page's scripts or opens a comment.
    expect(fieldset).toContain(
      '<h1 tabindex="-1">Accueil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- fin</h1>',
    );
    expect(fieldset).toContain(
      '<p class="lead">Avant &lt;/div&gt;&lt;/fieldset&gt;&lt;/main&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;img src=x onerror=alert(3)&gt; après, 5 $&#x27; ou $&amp; ou $`</p>',
    );
    expect(page.text.match(/<script/g)).toHaveLength(2);
    // Nor is a `$'` in it taken for a replacement pattern (which would copy the rest of the page in).
    expect(page.text.match(/<\/head>/g)).toHaveLength(1);
    expect(page.text.match(/<\/html>/g)).toHaveLength(1);
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).not.toContain('<!-- fin');
    expect(drawn!.match(/<fieldset/g)).toHaveLength(1);
    expect(drawn!.match(/<\/fieldset>/g)).toHaveLength(1);
    // The steps of the published version, then the start control: the neutral « Commencer », a button (disabled by
    // the fieldset), never FranceConnect's link or a draft to resume, which depend on who is signed in.
    const api = (await request(stack.url).get('/api/v1/public/services/accueil-embarque').expect(200))
      .body as PublicService;
    for (const p of api.definition!.pages) expect(fieldset).toContain(`<li>${p.title}</li>`);
    expect(JSON.parse(dataScripts(page.text)[0]!.text)).toEqual(api);
    expect(api.description).toBe(HOSTILE_DESCRIPTION);
    expect(fieldset).toContain('<div class="actions"><button type="button" class="button">Commencer</button></div>');
    expect(fieldset.match(/<button/g)).toHaveLength(1);
    expect(fieldset).not.toContain('fc-button');
    expect(fieldset).not.toContain('brouillon');
    expect(fieldset.match(/<(input|select|textarea)\b/g)).toBeNull();
    // The page carries its published version as before, and its stylesheet (no round trip before the first paint).
    expect(dataScripts(page.text).map((s) => s.id)).toEqual(['guichet-service']);
    expect(page.text).not.toContain('rel="stylesheet"');
    expect(page.text).toContain('<style>');
    // The same drawing for every visit of the same version (kept, not drawn per visitor).
    expect((await request(stack.url).get('/demarches/accueil-embarque').expect(200)).text).toBe(page.text);
  });

  it('puts nothing personal in a service page: the same page for a visitor with a draft as for anyone', async () => {
    const marker = 'Martin-Personnel-2958';
    const { call, draft } = await draftWithMarkedAnswer(stack.url, 'accueil-embarque', {
      name: marker,
      email: 'martin.personnel@exemple.fr',
    });
    // This session has a draft of the service (the live page offers to resume it): the drawn page does not know.
    const mine = (await (await call('GET', '/api/v1/me/submissions')).json()) as Array<{ id: string }>;
    expect(mine.map((s) => s.id)).toContain(draft.id);

    const page = await call('GET', '/demarches/accueil-embarque');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(serviceDrawing(html)).not.toBeNull();
    expect(html).not.toContain(draft.id);
    expect(html).not.toContain(marker);
    expect(html).not.toContain('martin.personnel');
    expect(html).not.toContain('Reprendre mon brouillon');
    expect(html).toBe((await request(stack.url).get('/demarches/accueil-embarque').expect(200)).text);
  });

  it('draws no service page for an unknown service, an address with a draft, or when turned off', async () => {
    const built = readFileSync(join(ROOT, 'dist/web/index.html'), 'utf8');
    expect(withoutModulePreloads((await request(stack.url).get('/demarches/nexiste-pas').expect(200)).text)).toBe(
      built,
    );
    const id = '0b7a1f6e-58a4-4c1e-9a51-3f0c2d9e8b10';
    // An address with a draft is the form's (drawn as such when the id is one), never the service page's.
    for (const query of [`?brouillon=${id}`, '?brouillon=pas-un-id', `?brouillon=${id}&test=1`])
      expect(
        serviceDrawing((await request(stack.url).get(`/demarches/accueil-embarque${query}`).expect(200)).text),
      ).toBe(null);
    // Turned off (WEB_PRERENDER=off), or nothing to draw from (WEB_EMBED_DATA=off): the app draws the page.
    const off = await request(undrawn.url).get('/demarches/accueil-embarque').expect(200);
    expect(serviceDrawing(off.text)).toBeNull();
    expect(off.text).toContain('<div id="root"></div>');
    expect(dataScripts(off.text).map((s) => s.id)).toEqual(['guichet-service']);
    expect(withoutModulePreloads((await request(plain.url).get('/demarches/accueil-embarque').expect(200)).text)).toBe(
      built,
    );
    // Other pages are not service pages (some preload their own page's chunk, below).
    for (const path of ['/', '/mes-demarches', '/demarches', '/demarches/accueil-embarque/autre'])
      expect(withoutModulePreloads((await request(stack.url).get(path).expect(200)).text)).toBe(built);
  });

  it('draws a service page anew when what it shows changes without a new version (a closed service)', async () => {
    const designer = designers.get(stack)!;
    const slug = 'ferme-embarque';
    await publishService(stack.url, designer, { slug, title: 'Bientôt fermée', definition: choiceDefinition() });
    const open = serviceDrawing((await request(stack.url).get(`/demarches/${slug}`).expect(200)).text);
    expect(open).toContain('>Commencer</button>');
    await request(stack.url)
      .post(`/api/v1/services/${slug}/close`)
      .set('Authorization', designer.auth)
      .send({ message: 'Les inscriptions sont closes <pour> cette année.' })
      .expect(200);
    const closed = serviceDrawing((await request(stack.url).get(`/demarches/${slug}`).expect(200)).text);
    expect(closed).toContain('<p>Les inscriptions sont closes &lt;pour&gt; cette année.</p>');
    expect(closed).not.toContain('<button type="button" class="button"');
  });

  it('preloads the chunks of the lookup fields a form uses, and only those; the server still draws them', async () => {
    const chunks = builtChunks();
    const entry = new Set(chunks('index.html'));
    const widgetChunks = (name: string) => chunks(`src/form/${name}-field.tsx`).filter((c) => !entry.has(c));
    const id = '0b7a1f6e-58a4-4c1e-9a51-3f0c2d9e8b10';
    const everyWidget = new Set(['siret', 'rna', 'quotient', 'address', 'commune'].flatMap(widgetChunks));
    expect(widgetChunks('siret').length).toBeGreaterThan(0);

    const siret = (await request(stack.url).get(`/demarches/siret-embarque?brouillon=${id}`).expect(200)).text;
    const siretPreloads = modulePreloads(siret);
    expect(siretPreloads.filter((href) => everyWidget.has(href)).sort()).toEqual(widgetChunks('siret').sort());
    // Drawn by the server as the app draws it, not a placeholder: the SIRET's own input.
    const drawn = drawing(siret);
    expect(drawn).toContain('inputMode="numeric"');
    expect(drawn).not.toContain('Chargement du champ');
    for (const href of siretPreloads) await request(stack.url).get(href).expect(200);

    const commune = modulePreloads(
      (await request(stack.url).get(`/demarches/commune-embarque?brouillon=${id}`).expect(200)).text,
    );
    expect(commune.filter((href) => everyWidget.has(href)).sort()).toEqual(widgetChunks('commune').sort());
    // The service page, where the citizen starts the form, preloads them too (and its own page's chunk).
    const servicePage = modulePreloads((await request(stack.url).get('/demarches/siret-embarque').expect(200)).text);
    expect(servicePage).toEqual(expect.arrayContaining(siretPreloads));
    // A form without lookup fields: none of their chunks.
    const plainForm = modulePreloads(
      (await request(stack.url).get(`/demarches/contact-embarque?brouillon=${id}`).expect(200)).text,
    );
    expect(plainForm.length).toBeGreaterThan(0);
    expect(plainForm.filter((href) => everyWidget.has(href))).toEqual([]);
  });

  it('preloads the file fields’ chunk for a form that has one, and only then; the server still draws them', async () => {
    const chunks = builtChunks();
    const entry = new Set(chunks('index.html'));
    const fileChunks = chunks('src/form/file-fields.tsx').filter((c) => !entry.has(c));
    expect(fileChunks.length).toBeGreaterThan(0);
    const id = '0b7a1f6e-58a4-4c1e-9a51-3f0c2d9e8b10';

    const page = (await request(stack.url).get(`/demarches/fichier-embarque?brouillon=${id}`).expect(200)).text;
    const preloads = modulePreloads(page);
    expect(preloads).toEqual(expect.arrayContaining(fileChunks));
    // Drawn by the server with the app's file input, not a placeholder.
    const drawn = drawing(page);
    expect(drawn).toContain('type="file"');
    expect(drawn).not.toContain('Chargement du champ');
    for (const href of preloads) await request(stack.url).get(href).expect(200);
    // The service page preloads them too; a form without a file field does not.
    const servicePage = modulePreloads((await request(stack.url).get('/demarches/fichier-embarque').expect(200)).text);
    expect(servicePage).toEqual(expect.arrayContaining(fileChunks));
    for (const slug of ['contact-embarque', 'siret-embarque']) {
      const other = modulePreloads(
        (await request(stack.url).get(`/demarches/${slug}?brouillon=${id}`).expect(200)).text,
      );
      expect(other.filter((href) => fileChunks.includes(href))).toEqual([]);
    }
  });

  it('preloads the chunk of the page an address opens, when it is one of its own', async () => {
    const chunks = builtChunks();
    const entry = new Set(chunks('index.html'));
    const built = readFileSync(join(ROOT, 'dist/web/index.html'), 'utf8');
    const pages: Array<[string, string]> = [
      ['/', 'src/pages/Home.tsx'],
      ['/demarches/nexiste-pas', 'src/pages/ServicePage.tsx'],
      ['/mes-demarches', 'src/pages/MyRequests.tsx'],
      ['/mes-demarches/0b7a1f6e-58a4-4c1e-9a51-3f0c2d9e8b10', 'src/pages/RequestView.tsx'],
      ['/suivi', 'src/pages/FollowRequest.tsx'],
      ['/instruction/demarches', 'src/desk/DeskApp.tsx'],
      ['/studio', 'src/studio/StudioApp.tsx'],
    ];
    for (const [path, module] of pages) {
      const page = await request(stack.url).get(path).expect(200);
      const expected = chunks(module).filter((c) => !entry.has(c));
      expect(expected.length).toBeGreaterThan(0);
      expect(modulePreloads(page.text)).toEqual(expected);
      expect(withoutModulePreloads(page.text)).toBe(built);
      expect(page.text.match(/<script/g)).toHaveLength(1);
      for (const href of expected) await request(stack.url).get(href).expect(200);
    }
    // A service's page drawn by the server preloads its page's chunk after the form's.
    const drawnService = modulePreloads((await request(stack.url).get('/demarches/accueil-embarque').expect(200)).text);
    expect(drawnService).toEqual(
      expect.arrayContaining(chunks('src/pages/ServicePage.tsx').filter((c) => !entry.has(c))),
    );
    // Pages the entry draws (a service's form, an unknown address) preload no page chunk.
    for (const path of ['/demarches', '/demarches/nexiste-pas?brouillon=0b7a1f6e-58a4-4c1e-9a51-3f0c2d9e8b10'])
      expect(modulePreloads((await request(stack.url).get(path).expect(200)).text)).toEqual([]);
  });

  it('keeps the CSP of the page, and the other pages, as they were', async () => {
    const embedded = await request(stack.url).get('/demarches/contact-embarque').expect(200);
    const before = await request(plain.url).get('/demarches/contact-embarque').expect(200);
    expect(dataScripts(before.text)).toEqual([]);
    expect(withoutModulePreloads(before.text)).toBe(readFileSync(join(ROOT, 'dist/web/index.html'), 'utf8'));
    expect(embedded.headers['content-security-policy']).toBe(before.headers['content-security-policy']);
    expect(embedded.headers['content-security-policy']).toContain("script-src 'self';");
    // Unknown services and other pages: the page as built, nothing embedded.
    for (const path of ['/demarches/nexiste-pas', '/', '/mes-demarches'])
      expect(dataScripts((await request(stack.url).get(path).expect(200)).text)).toEqual([]);
    // A page with its chunk preloaded: the same CSP as the page as built.
    for (const path of ['/', '/mes-demarches'])
      expect((await request(stack.url).get(path).expect(200)).headers['content-security-policy']).toBe(
        before.headers['content-security-policy'],
      );
  });
});
