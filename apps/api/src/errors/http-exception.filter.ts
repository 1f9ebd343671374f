import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, jsonBodyProblem, toJsonPointer } from '@guichet/shared';
import { isDatabaseUnavailable, toErrorResponse } from './error-response';
import { requestLocale } from './locale';

/** The JSON pointer of the path or query parameter holding a NUL character, if one does. */
function nulParameter(req: Request): string | undefined {
  for (const [name, value] of Object.entries(req.params ?? {})) {
    if (typeof value === 'string' && value.includes('\u0000')) return toJsonPointer([name]);
  }
  const inQuery = jsonBodyProblem(req.query, 16);
  return inQuery?.kind === 'nul' ? toJsonPointer(inQuery.path) : undefined;
}

/** The one global exception filter: every error leaves the API in the same shape. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const errorId = typeof req.id === 'string' ? req.id : randomUUID();
    const locale = requestLocale(req.headers['accept-language']);
    const { status, body } = toErrorResponse(exception, locale, errorId);
    // PostgreSQL refused a NUL character that came in the address (a body's is refused before any handler, with its
    // pointer): point at the path or query parameter that holds it.
    if (body.code === 'NUL_CHARACTER' && !body.errors) {
      const pointer = nulParameter(req);
      if (pointer !== undefined) body.errors = [{ pointer, code: 'NUL_CHARACTER', message: body.message }];
    }

    if (exception instanceof AppError && status >= 500) {
      // Expected (a dependency is down): one line, no stack.
      const cause = exception.cause instanceof Error ? exception.cause.message : undefined;
      this.logger.warn(
        { code: exception.code, cause, errorId, method: req.method, route: req.route?.path },
        'request failed',
      );
    } else if (status === 503 && isDatabaseUnavailable(exception)) {
      // The database is away: one line per request, no stack (hundreds of them during a restart otherwise).
      this.logger.warn(
        {
          code: body.code,
          cause: exception instanceof Error ? exception.message : undefined,
          errorId,
          method: req.method,
          route: req.route?.path,
        },
        'request failed: database unavailable',
      );
    } else if (status >= 500) {
      // The stack goes to the log, never to the client.
      this.logger.error({ err: exception, errorId, method: req.method, route: req.route?.path }, 'unhandled error');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    // A 503 says when to come back (the citizen's page retries by itself after it; a pool wait bounded by
    // connectionTimeoutMillis ends here too).
    if (status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '2');
    res.status(status).setHeader('Content-Language', locale).json(body);
  }
}
