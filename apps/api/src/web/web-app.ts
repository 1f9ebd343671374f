import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response, type RequestHandler } from 'express';
import { isUuid, needsSemantics, type PublicService } from '@guichet/shared';

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
 * The chunks RJSF's semantics need beyond what the entry already loads, from
 * Vite's manifest (`build.manifest`); empty when the build has no manifest.
 */
function semanticsChunks(dir: string): string[] {
  const file = join(dir, '.vite', 'manifest.json');
  if (!existsSync(file)) return [];
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
  const key = Object.keys(manifest).find((k) => k.endsWith('form/semantics-chunk.ts'));
  if (!key) return [];
  return [...closure(key)].filter((k) => !entry.has(k)).map((k) => `/${manifest[k]!.file}`);
}

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
 * What a service page's first paint needs, carried by the page itself: the
 * published version (public data, the same for every visitor, never a
 * draft or anything about who asks: the page is served without a session)
 * as JSON data, which the CSP does not treat as a script, and
 * `modulepreload` links for its validator module and, when the definition
 * needs them, RJSF's semantics, so they load alongside the entry bundle.
 */
function serviceHead(service: PublicService, semantics: string[]): string {
  const preload = [
    ...(service.validator && service.definition ? [service.validator] : []),
    ...(service.definition && needsSemantics(service.definition.schema) ? semantics : []),
  ];
  return (
    preload.map((href) => `<link rel="modulepreload" href="${attribute(href)}" />`).join('') +
    `<script type="application/json" id="${EMBEDDED_SERVICE_ID}">${scriptJson(service)}</script>`
  );
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
function formPreloads(query: Request['query']): string {
  const draft = query.brouillon;
  if (typeof draft !== 'string' || !isUuid(draft) || query.test === '1') return '';
  return [`/api/v1/submissions/${draft}`, '/api/v1/me']
    .map((href) => `<link rel="preload" as="fetch" href="${attribute(href)}" crossorigin="anonymous" />`)
    .join('');
}

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
): { handlers: RequestHandler[]; built: boolean } {
  const dir = resolve(webDistDir);
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return { handlers: [], built: false };
  const indexHtml = readFileSync(indexFile, 'utf8');
  const semantics = lookup ? semanticsChunks(dir) : [];

  const assets = express.static(dir, {
    index: false,
    immutable: true,
    maxAge: '365d',
    fallthrough: true,
    redirect: false,
  });
  const publicFiles = express.static(dir, { index: false, maxAge: '1h', redirect: false });

  const pages = (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isPagePath(req.path)) return next();
    // Revalidated on every visit; nothing personal is ever in it (no session is read for pages).
    res.setHeader('Cache-Control', 'no-cache');
    const slug = lookup ? servicePageSlug(req.path) : null;
    if (!slug) return void res.type('html').send(indexHtml);
    const preloads = formPreloads(req.query);
    lookup!(slug)
      .catch(() => null)
      .then((service) =>
        res
          .type('html')
          .send(
            service ? indexHtml.replace('</head>', `${preloads}${serviceHead(service, semantics)}</head>`) : indexHtml,
          ),
      )
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
