import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Options as HttpLogOptions } from 'pino-http';
import type { Config } from '@guichet/config';
import { loggerOptions, pathOnly } from '@guichet/observability';
import { storage, Store } from 'nestjs-pino/storage';

type LoggedRequest = IncomingMessage & { id?: unknown };
type LoggedResponse = ServerResponse & { err?: unknown };

export interface RequestLoggingOptions {
  /** The request id (`req.id`), as pino-http's `genReqId`. */
  genReqId: (req: IncomingMessage) => string;
  /** Requests that get no access line (health, metrics). */
  ignore: (req: IncomingMessage) => boolean;
}

const REQUEST_ID = /^[\w-]{8,64}$/;

/** Requests without an access line. */
export const unlogged = (req: IncomingMessage) => /^\/(health|metrics)\b/.test(req.url ?? '');

/** The request id: the client's `X-Request-Id` when it looks like one, a fresh UUID otherwise. */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** pino-http's options: the process's logger options, and only what an operator needs of a request. */
export function httpLogOptions(level: Config['LOG_LEVEL']): HttpLogOptions {
  return {
    ...loggerOptions({ level, service: 'api' }),
    genReqId,
    // Only what an operator needs: no headers, no query string, no body.
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: pathOnly(req.url),
      }),
      res: (res: { statusCode: number }) => ({
        statusCode: res.statusCode,
      }),
    },
    autoLogging: { ignore: unlogged },
  };
}

/** nestjs-pino's request store (what its `PinoLogger` reads), whose logger is made when first asked for. */
class LazyStore {
  readonly responseLogger = undefined;
  private assigned?: Logger;
  constructor(private readonly make: () => Logger) {}
  get logger(): Logger {
    return this.assigned ?? this.make();
  }
  /** PinoLogger.assign() replaces it with a child of its own. */
  set logger(logger: Logger) {
    this.assigned = logger;
  }
}

/**
 * What pino-http's middleware did for us, in the same place (nestjs-pino's routes) and with the same lines: the
 * request id, a logger bound to `{ req }` for the request's own logs (Nest's `PinoLogger` finds it in nestjs-pino's
 * store; pino-http also set it as `req.log` and `res.log`, which nothing here reads), and one access line when the
 * response ends (`request completed`, `request aborted`, or with the error `request errored`, at `info`, with `res`
 * and `responseTime`). pino-http made the request's child logger first thing, serializing and redacting `req` on
 * every request (2 to 5 % of the API's CPU per submit and per autosave, issue 22); here it is made when something
 * logs: the access line at `info`, or a log of the request's own. Above `info` (`LOG_LEVEL=warn`) a request that
 * logs nothing pays for no logger.
 *
 * `root` is pino-http's own logger (`pinoHttp(options, stream).logger`): its serializers, redaction and bindings
 * are the ones the lines had.
 */
export function requestLogging(root: Logger, options: RequestLoggingOptions) {
  return (req: LoggedRequest, res: LoggedResponse, next: () => void): void => {
    const started = Date.now();
    req.id = req.id || options.genReqId(req);
    let child: Logger | undefined;
    const logger = () => (child ??= root.child({ req }));
    if (root.isLevelEnabled('info')) {
      const ignored = options.ignore(req);
      const done = (err?: unknown) => {
        res.removeListener('close', done);
        res.removeListener('finish', done);
        res.removeListener('error', done);
        const responseTime = Date.now() - started;
        if (err || res.err || res.statusCode >= 500) {
          const error = err || res.err || new Error('failed with status code ' + res.statusCode);
          logger().info({ res, err: error, responseTime }, 'request errored');
          return;
        }
        logger().info(
          { res, responseTime },
          !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted',
        );
      };
      if (!ignored) {
        res.on('close', done);
        res.on('finish', done);
      }
      res.on('error', done);
    }
    storage.run(new LazyStore(logger) as unknown as Store, next);
  };
}
