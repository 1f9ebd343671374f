import type { Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { Config } from '@guichet/config';
import { errorMessage } from '@guichet/shared';
import { requestLocale } from '../errors/locale';
import { routePattern } from './route-pattern';

/**
 * Routes that stream and bound themselves: uploads (the file size limit, and
 * the server's SERVER_REQUEST_TIMEOUT_SECONDS for receiving them), exports and
 * downloads (they answer their headers first, then write as fast as the
 * client reads).
 */
export const UNTIMED_ROUTES = [
  'POST /api/v1/submissions/:id/attachments',
  'POST /api/v1/submissions/:id/message-attachments',
  'GET /api/v1/services/:slug/export',
  'GET /api/v1/services/:slug/exports/:exportId/download',
  'GET /api/v1/submissions/:id/attachments/:attachmentId',
  'GET /api/v1/services/:slug/submissions/:id/attachments/:attachmentId',
  'GET /api/v1/submissions/:id/documents/:documentId',
].map(routePattern);

/**
 * Node's own limits on a connection: the request headers must arrive within
 * SERVER_HEADERS_TIMEOUT_SECONDS and the whole request within
 * SERVER_REQUEST_TIMEOUT_SECONDS (a client trickling bytes cannot hold a
 * socket forever). Node checks them every few seconds, not to the millisecond.
 *
 * An idle connection stays open SERVER_KEEP_ALIVE_SECONDS (65; Node's own 5 s otherwise): longer than the proxies in
 * front keep theirs to us (Caddy's is set to 55 s in docker/Caddyfile; nginx and most load balancers keep 60 s). With
 * Node's 5 s, a proxy sent a request, a `POST` included, on a connection Node had just closed, and answered 502: it
 * retries only requests it knows to be idempotent. A client starved of CPU for five seconds between two uploads met
 * the same race (ECONNRESET).
 */
export function applyServerTimeouts(server: Server, config: Config): void {
  server.headersTimeout = config.SERVER_HEADERS_TIMEOUT_SECONDS * 1000;
  server.requestTimeout = config.SERVER_REQUEST_TIMEOUT_SECONDS * 1000;
  server.keepAliveTimeout = config.SERVER_KEEP_ALIVE_SECONDS * 1000;
}

/**
 * A handler that has not answered after REQUEST_TIMEOUT_SECONDS gets a 503
 * REQUEST_TIMEOUT in the standard error shape, with Retry-After, instead of
 * a client left waiting. The handler is not stopped (its transaction commits
 * or rolls back as it would have); whatever it answers later is dropped. A
 * submit retried with the same Idempotency-Key then gives the real outcome.
 */
export function requestTimeout(config: Config, logger: Pick<Logger, 'warn'>, timeouts?: Pick<Counter<'route'>, 'inc'>) {
  const ms = config.REQUEST_TIMEOUT_SECONDS * 1000;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (UNTIMED_ROUTES.some((route) => route.matches(req.method, req.path))) return next();
    const timer = setTimeout(() => {
      if (res.headersSent || res.writableEnded) return;
      const route = req.route ? `${req.baseUrl}${(req.route as { path: string }).path}` : 'unmatched';
      timeouts?.inc({ route });
      logger.warn({ method: req.method, route, timeoutSeconds: config.REQUEST_TIMEOUT_SECONDS }, 'request timed out');
      const locale = requestLocale(req.headers['accept-language']);
      res
        .status(503)
        .setHeader('Retry-After', '5')
        .setHeader('Content-Language', locale)
        .setHeader('Cache-Control', 'no-store')
        .json({ code: 'REQUEST_TIMEOUT', message: errorMessage('REQUEST_TIMEOUT', locale) });
      silence(res);
    }, ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}

/**
 * The late answer of a timed-out handler goes nowhere: without this it would
 * throw "headers already sent", or write after the end, which Node reports as
 * an error event on the response.
 */
function silence(res: Response): void {
  const self = () => res;
  res.status = self;
  res.setHeader = self;
  res.set = self;
  res.type = self;
  res.json = self;
  res.send = self;
  res.end = self;
  res.write = () => true;
}
