import { HttpException } from '@nestjs/common';
import { AppError, errorMessage, type ErrorBody, type ErrorCode, type Locale } from '@guichet/shared';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Errors raised by body-parser before any route runs: they carry a `type`. */
const PARSER_ERRORS: Readonly<Record<string, ErrorCode>> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.aborted': 'INVALID_REQUEST',
  'request.size.invalid': 'INVALID_REQUEST',
  'stream.encoding.set': 'INVALID_REQUEST',
};

function formatLimit(bytes: unknown): string {
  if (typeof bytes !== 'number') return '?';
  const kb = Math.round(bytes / 1024);
  return kb >= 1024 ? `${Math.round((kb / 1024) * 10) / 10} Mo` : `${kb} Ko`;
}

/**
 * body-parser fails before any route runs, with a `type`; Nest would turn some
 * of those into a bare 400. Mapped here to registry codes instead.
 */
export function fromBodyParserError(exception: unknown): AppError | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const type = (exception as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(PARSER_ERRORS, type)) return undefined;
  return new AppError(PARSER_ERRORS[type]!, {
    params: { limit: formatLimit((exception as { limit?: unknown }).limit) },
    cause: exception,
  });
}

function plain(code: ErrorCode, locale: Locale, params: Record<string, string> = {}): ErrorBody {
  return { code, message: errorMessage(code, locale, params) };
}

/**
 * Maps anything thrown while serving a request to the one error shape of the
 * HTTP contract. Only the 500 branch hides what happened: its `errorId` leads
 * to the log line that holds the cause.
 */
export function toErrorResponse(exception: unknown, locale: Locale, errorId: string): ErrorResponse {
  exception = fromBodyParserError(exception) ?? exception;
  if (exception instanceof AppError) {
    const body: ErrorBody = { code: exception.code, message: errorMessage(exception.code, locale, exception.params) };
    if (exception.errors?.length) body.errors = exception.errors;
    return { status: exception.status, body };
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status < 500) {
      const code = STATUS_CODES[status] ?? 'INVALID_REQUEST';
      return { status, body: plain(code, locale, { limit: '?' }) };
    }
    if (status === 503) {
      return { status, body: plain('SERVICE_UNAVAILABLE', locale, { dependencies: locale === 'fr' ? 'dépendance' : 'dependency' }) };
    }
  }

  return { status: 500, body: { ...plain('INTERNAL_ERROR', locale, { errorId }), errorId } };
}
