import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response, type RequestHandler } from 'express';

/** Addresses of the web app that emails and letters link to (API.md, "Web pages"). */
const PAGE_PREFIXES = ['/demarches', '/mes-demarches', '/suivi', '/studio', '/instruction'];

export function isPagePath(path: string): boolean {
  return path === '/' || PAGE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Serves the Vite build: hashed assets with a long cache, and index.html for
 * every page address so the client-side router takes over. Anything else falls
 * through to the API, whose unknown routes answer a JSON 404.
 */
export function webAppHandlers(webDistDir: string): { handlers: RequestHandler[]; built: boolean } {
  const dir = resolve(webDistDir);
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return { handlers: [], built: false };
  const indexHtml = readFileSync(indexFile, 'utf8');

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
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(indexHtml);
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
