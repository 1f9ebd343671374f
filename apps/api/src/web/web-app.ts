import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response, type RequestHandler } from 'express';
import {
  isUuid,
  LruCache,
  needsSemantics,
  specialWidgetsOf,
  usesFileFields,
  type PublicService,
  type SpecialWidget,
} from '@guichet/shared';

/** Addresses of the web app that emails and letters link to (API.md, "Web pages"). */
const PAGE_PREFIXES = ['/demarches', '/mes-demarches', '/suivi', '/studio', '/instruction'];

export function isPagePath(path: string): boolean {
  return path === '/' || PAGE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** The id of the JSON data script that carries a service page's published version (apps/web/src/lib/embedded.ts). */
export const EMBEDDED_SERVICE_ID = 'guichet-service';

/** The published service a page shows, as `GET /api/v1/public/services/:slug` answers it; null when there is none. */
export type ServiceLookup = (slug: string) => Promise<PublicService | null>;

interface ManifestChunk {
  file: string;
  imports?: string[];
  isEntry?: boolean;
}

/**
 * The chunks a lazily loaded module of the web app needs beyond what the entry already loads, from Vite's manifest
 * (`build.manifest`), by the module's path in apps/web: `/assets/…` addresses to preload, none without a manifest.
 */
function lazyChunks(dir: string): (module: string) => string[] {
  const file = join(dir, '.vite', 'manifest.json');
  if (!existsSync(file)) return () => [];
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ManifestChunk>;
  const closure = (key: string, seen = new Set<string>()): Set<string> => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key)) return seen;
    seen.add(key);
    for (const i of chunk.imports ?? []) closure(i, seen);
    return seen;
  };
  const entry = new Set<string>();
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) closure(key, entry);
  return (module) => {
    const key = Object.keys(manifest).find((k) => k === module || k.endsWith(`/${module}`));
    if (!key) return [];
    return [...closure(key)].filter((k) => !entry.has(k)).map((k) => `/${manifest[k]!.file}`);
  };
}

/** A service's page (`/demarches/:slug` without a draft), drawn by the server, a chunk of its own in the browser. */
const SERVICE_PAGE_MODULE = 'src/pages/ServicePage.tsx';

/** The module of each lookup field's chunk (apps/web/src/form/special-fields.tsx imports them). */
const WIDGET_MODULE = (widget: SpecialWidget) => `src/form/${widget}-field.tsx`;

/**
 * The page each address opens that is a chunk of its own (apps/web/src/App.tsx, `lazyPageOf`: keep both in
 * step), so a page opened from its address loads its chunk alongside the entry instead of after it. A service's
 * form is in the entry.
 */
const ROUTE_MODULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/$/, 'src/pages/Home.tsx'],
  [/^\/demarches\/[^/]+\/?$/, SERVICE_PAGE_MODULE],
  [/^\/mes-demarches\/?$/, 'src/pages/MyRequests.tsx'],
  [/^\/mes-demarches\/[^/]+\/?$/, 'src/pages/RequestView.tsx'],
  [/^\/suivi\/?$/, 'src/pages/FollowRequest.tsx'],
  [/^\/instruction(\/|$)/, 'src/desk/DeskApp.tsx'],
  [/^\/studio(\/|$)/, 'src/studio/StudioApp.tsx'],
];

/**
 * What the page at `path` loads besides the entry: the module of its route, if it has one of its own. An address
 * with a draft (`?brouillon=`, valid or not) is the form's.
 */
export function routeModule(path: string, query: Request['query']): string | null {
  const module = ROUTE_MODULES.find(([pattern]) => pattern.test(path))?.[1] ?? null;
  return module === SERVICE_PAGE_MODULE && !noDraft(query) ? null : module;
}

const modulePreloads = (hrefs: string[]) =>
  [...new Set(hrefs)].map((href) => `<link rel="modulepreload" href="${attribute(href)}" />`).join('');

/** JSON for a `<script type="application/json">`: `<` escaped, so no `</script>` or `<!--` inside can end it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const attribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * What a service page's first paint needs, carried by the page itself, in its
 * head: `modulepreload` links for its validator module and, when the
 * definition needs them, RJSF's semantics, the chunks of the lookup fields
 * its uiSchema uses (SIRET, commune…) and the file fields' chunk when its
 * schema has one, so they load alongside the entry bundle.
 */
function serviceHead(service: PublicService, chunks: (module: string) => string[]): string {
  const definition = service.definition;
  return modulePreloads([
    ...(service.validator && definition ? [service.validator] : []),
    ...(definition && needsSemantics(definition.schema) ? chunks('src/form/semantics-chunk.ts') : []),
    ...(definition ? specialWidgetsOf(definition.uiSchema).flatMap((w) => chunks(WIDGET_MODULE(w))) : []),
    ...(definition && usesFileFields(definition.schema) ? chunks('src/form/file-fields.tsx') : []),
  ]);
}

/**
 * …and the published version (public data, the same for every visitor, never a
 * draft or anything about who asks: the page is served without a session)
 * as JSON data, which the CSP does not treat as a script. At the end of the
 * body, not in the head: the app reads it when its module runs, after the page
 * is parsed, and its 35 kB (300 fields) would otherwise come before the
 * drawing, in the first packets the browser paints from.
 */
function serviceData(service: PublicService): string {
  return `<script type="application/json" id="${EMBEDDED_SERVICE_ID}">${scriptJson(service)}</script>`;
}

/**
 * A form page (`/demarches/:slug?brouillon=:id`) asks the API for its draft
 * and for who is signed in as soon as its bundle runs (apps/web/src/form/load-form.ts).
 * `preload` links let the browser send both alongside the bundle instead,
 * and hand their answers to the app's `fetch` (same address, same-origin
 * credentials: `crossorigin="anonymous"`). The page itself still carries
 * nothing personal and reads no session: the draft's id is the address's own.
 * Trials (`test=1`) read another address and are left alone.
 */
function formPreloads(draft: string | null): string {
  if (!draft) return '';
  return [`/api/v1/submissions/${draft}`, '/api/v1/me']
    .map((href) => `<link rel="preload" as="fetch" href="${attribute(href)}" crossorigin="anonymous" />`)
    .join('');
}

/** What the web build's server module draws (apps/web/src/server/form-preview.tsx): a form page's step, a service page. */
interface PreviewModule {
  renderFormPreview: (input: { service: PublicService; draftId: string; step: string | null }) => string | null;
  /** Absent from a build older than the service page's drawing: its pages are then served without one. */
  renderServicePreview?: (input: { service: PublicService }) => string | null;
}

/**
 * Where a page holds its draft's id (in its preloads, in its drawing): a UUID of this process, which no definition
 * contains. A page is made once for it and kept (`PageParts`); a request puts its own id in its place.
 */
const DRAFT_SLOT = randomUUID();

/** Pages kept, ready to send: one per service, version, kind of page and step (`PREVIEW_CACHE_SIZE` drawings). */
const PAGE_CACHE_SIZE = 64;

/**
 * A page ready to send, cut where the draft's id goes: encoded once, so a request
 * costs a `Buffer.concat` of some 140 kB (a 300-field step) instead of replacing
 * strings in it and encoding it again.
 */
class PageParts {
  private readonly parts: Buffer[];

  constructor(html: string) {
    this.parts = html.split(DRAFT_SLOT).map((part) => Buffer.from(part, 'utf8'));
  }

  /** The page for this draft (a UUID: `formDraft`), or with no draft when there is no slot. */
  for(draft: string | null): Buffer {
    if (this.parts.length === 1) return this.parts[0]!;
    const id = Buffer.from(draft ?? '', 'latin1');
    return Buffer.concat(this.parts.flatMap((part, i) => (i === 0 ? [part] : [id, part])));
  }
}

/** Options of the pages' handler. */
export interface WebAppOptions {
  /**
   * Draw a service page and a form page's step into the page (`WEB_PRERENDER`),
   * so the browser paints them before the bundle has run. Needs `lookup`.
   */
  prerender?: boolean;
  /** Told when a drawing failed (the page is then served without it). Nothing personal is in the error. */
  onPrerenderError?: (error: unknown) => void;
}

/** Drawings kept: one per published version and step (a few hundred kB at most for a 300-field step). */
const PREVIEW_CACHE_SIZE = 64;

/**
 * What a drawing depends on besides the page: the published version (its
 * number and content hash), and what a page shows of the service that may
 * change without a new version (its title and description, its organisation's
 * name, logo and contact, whether it is closed), so a drawing is never older
 * than what the API answers.
 */
function drawingKey(service: PublicService): string {
  const around = createHash('sha256')
    .update(JSON.stringify([service.title, service.description, service.organisation, service.closed]))
    .digest('base64url');
  return `${service.slug}\u0000${service.version}\u0000${service.contentHash}\u0000${around}`;
}

/**
 * The server's drawings of pages, from the web build's CommonJS module
 * (`dist/web/server/form-preview.cjs`, `npm run build:web`); null when the
 * build has none or it cannot load. A drawing depends only on the published
 * service (`drawingKey`) and, for a form page, the step: it is made once
 * and kept (an LRU), so 300 fields cost their rendering (tens of ms) once per
 * version, not per visit. A form page's is made for a placeholder draft id
 * (`DRAFT_SLOT`) and the page's own id is put in its place. A drawing that fails is the page without it, told to
 * `onError`, and not tried again for that version.
 */
function previews(dir: string, onError: (error: unknown) => void) {
  const file = join(dir, 'server', 'form-preview.cjs');
  if (!existsSync(file)) return null;
  let module: PreviewModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a build artefact, found at run time
    module = require(file) as PreviewModule;
  } catch (error) {
    onError(error);
    return null;
  }
  const drawn = new LruCache<string, string | null>(PREVIEW_CACHE_SIZE);
  const draw = (key: string, render: () => string | null): string | null => {
    let html = drawn.get(key);
    if (html === undefined) {
      try {
        html = render();
        // A component that failed inside a Suspense boundary leaves React's client-rendering marker (and its
        // message): serve the plain page instead.
        if (html !== null && html.includes('<!--$!-->')) throw new Error('the page could not be drawn');
      } catch (error) {
        onError(error);
        html = null;
      }
      drawn.set(key, html);
    }
    return html;
  };
  return {
    /** A form page's step (`?brouillon=`), drawn for `DRAFT_SLOT` (the page's id goes there), or null. */
    form(service: PublicService, requestedStep: string | null): string | null {
      // The review step (apps/web/src/form/FormPage.tsx, REVIEW) shows answers: nothing to draw without them.
      if (requestedStep === 'verification') return null;
      // A step that is not one of the version's draws as its first: one drawing for both, and no key per typo.
      const step = service.definition?.pages.some((p) => p.id === requestedStep) ? requestedStep : null;
      return draw(`form\u0000${drawingKey(service)}\u0000${step ?? ''}`, () =>
        module.renderFormPreview({ service, draftId: DRAFT_SLOT, step }),
      );
    },
    /** A service page (`/demarches/:slug`, no draft), or null. */
    service(service: PublicService): string | null {
      const render = module.renderServicePreview;
      if (!render) return null;
      return draw(`service\u0000${drawingKey(service)}`, () => render({ service }));
    },
  };
}

/** The draft of a form page's address (`?brouillon=`, a UUID), not a designer's trial; else null. */
function formDraft(query: Request['query']): string | null {
  const draft = query.brouillon;
  return typeof draft === 'string' && isUuid(draft) && query.test !== '1' ? draft : null;
}

/** An address without a draft (`?brouillon=` absent or empty): the app draws the service page there. */
function noDraft(query: Request['query']): boolean {
  return query.brouillon === undefined || query.brouillon === '';
}

/**
 * The build's stylesheets as `<style>` elements, to put in place of their
 * `<link>`s in a page that carries a drawing: the browser paints it when the
 * HTML is parsed instead of one more round trip later (the stylesheet blocks
 * rendering). Inline styles are already allowed by the CSP (`style-src
 * 'unsafe-inline'`). Pages without a drawing keep the cached link.
 */
function inlineStylesheets(dir: string, html: string): Array<[link: string, style: string]> {
  const inlined: Array<[string, string]> = [];
  for (const [link, href] of html.matchAll(/<link rel="stylesheet"[^>]*href="(\/assets\/[\w.-]+\.css)"[^>]*>/g)) {
    const file = join(dir, href!);
    if (!existsSync(file)) continue;
    const css = readFileSync(file, 'utf8');
    // Never the case for a built stylesheet; if it were, the element would end early: keep the link.
    if (/<\/style/i.test(css)) continue;
    inlined.push([link, `<style>${css}</style>`]);
  }
  return inlined;
}

/** The app's mount point in index.html, where a page's drawing goes. */
const ROOT_ELEMENT = '<div id="root"></div>';

/** The slug of a service page (/demarches/:slug, with or without a draft in the query), or null. */
function servicePageSlug(path: string): string | null {
  const match = /^\/demarches\/([^/]+)\/?$/.exec(path);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/**
 * Serves the Vite build: hashed assets with a long cache, and index.html for
 * every page address so the client-side router takes over. Anything else falls
 * through to the API, whose unknown routes answer a JSON 404. A service page
 * also carries its published version (see `serviceHead`) when `lookup` is given.
 */
export function webAppHandlers(
  webDistDir: string,
  lookup?: ServiceLookup,
  options: WebAppOptions = {},
): { handlers: RequestHandler[]; built: boolean } {
  const dir = resolve(webDistDir);
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return { handlers: [], built: false };
  const indexHtml = readFileSync(indexFile, 'utf8');
  const chunks = lazyChunks(dir);
  /** The page as built, with the chunk of its address's route preloaded; one per route, made once. */
  const routePages = new Map<string | null, string>([[null, indexHtml]]);
  const routePage = (path: string, query: Request['query']): string => {
    const module = routeModule(path, query);
    let html = routePages.get(module);
    if (html === undefined) {
      const preloads = module ? modulePreloads(chunks(module)) : '';
      html = preloads ? indexHtml.replace('</head>', () => `${preloads}</head>`) : indexHtml;
      routePages.set(module, html);
    }
    return html;
  };
  const drawings = lookup && options.prerender ? previews(dir, options.onPrerenderError ?? (() => undefined)) : null;
  const styles = drawings ? inlineStylesheets(dir, indexHtml) : [];

  const assets = express.static(dir, {
    index: false,
    immutable: true,
    maxAge: '365d',
    fallthrough: true,
    redirect: false,
  });
  const publicFiles = express.static(dir, { index: false, maxAge: '1h', redirect: false });

  /**
   * A service's page, with `DRAFT_SLOT` where a form page's draft id goes: its version and preloads in the head,
   * and its drawing, if any, with the stylesheets inline.
   */
  const servicePage = (service: PublicService, kind: 'form' | 'service' | null, step: string | null): string => {
    const preview = !drawings
      ? null
      : kind === 'form'
        ? drawings.form(service, step)
        : kind === 'service'
          ? drawings.service(service)
          : null;
    // Replaced by functions: a `$'` or `$&` in a title or a description is text, not a replacement pattern.
    let html = indexHtml
      .replace(
        '</head>',
        () =>
          `${formPreloads(kind === 'form' ? DRAFT_SLOT : null)}${serviceHead(service, chunks)}${
            kind === 'service' ? modulePreloads(chunks(SERVICE_PAGE_MODULE)) : ''
          }</head>`,
      )
      .replace('</body>', () => `${serviceData(service)}</body>`);
    if (preview) {
      html = html.replace(ROOT_ELEMENT, () => `<div id="root" data-preview="${kind}">${preview}</div>`);
      for (const [link, style] of styles) html = html.replace(link, () => style);
    }
    return html;
  };
  const kept = new LruCache<string, PageParts>(PAGE_CACHE_SIZE);

  const pages = (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isPagePath(req.path)) return next();
    // Revalidated on every visit; nothing personal is ever in it (no session is read for pages).
    res.setHeader('Cache-Control', 'no-cache');
    const slug = lookup ? servicePageSlug(req.path) : null;
    if (!slug) return void res.type('html').send(routePage(req.path, req.query));
    const draft = formDraft(req.query);
    lookup!(slug)
      .catch(() => null)
      .then((service) => {
        if (!service) return void res.type('html').send(routePage(req.path, req.query));
        const step = typeof req.query.etape === 'string' ? req.query.etape : null;
        // The app draws a service page where the address has no draft (apps/web/src/App.tsx), a form page where it
        // has a valid one.
        const kind = draft ? 'form' : noDraft(req.query) ? 'service' : null;
        // Everything in the page but the draft's id depends on these: made once, kept.
        const key = `${drawingKey(service)}\u0000${kind ?? ''}\u0000${kind === 'form' ? (step ?? '') : ''}`;
        let page = kept.get(key);
        if (!page) {
          page = new PageParts(servicePage(service, kind, step));
          kept.set(key, page);
        }
        res.type('html').send(page.for(draft));
      })
      .catch(next);
  };
  return {
    built: true,
    handlers: [
      (req, res, next) => (req.path.startsWith('/assets/') ? assets(req, res, next) : next()),
      (req, res, next) =>
        /^\/[\w.-]+\.(ico|svg|png|webmanifest|txt)$/.test(req.path) ? publicFiles(req, res, next) : next(),
      pages,
    ],
  };
}
