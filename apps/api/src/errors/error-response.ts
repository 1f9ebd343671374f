import { HttpException } from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
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
  'encoding.unsupported': 'CONTENT_ENCODING_UNSUPPORTED',
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
export function fromBodyParserError(exception: unknown, contentEncoding?: string): AppError | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const encoding = shownEncoding(contentEncoding ?? (exception as { encoding?: unknown }).encoding);
  // A body that is not what its Content-Encoding says: zlib or brotli fails on it, with no `type`.
  if (isInflateError(exception))
    return new AppError('CONTENT_ENCODING_INVALID', { params: { encoding }, cause: exception });
  const type = (exception as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(PARSER_ERRORS, type)) return undefined;
  return new AppError(PARSER_ERRORS[type]!, {
    params: { limit: formatLimit((exception as { limit?: unknown }).limit), encoding },
    cause: exception,
  });
}

/** zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR…) and brotli's (ERR__ERROR_FORMAT_…) carry a numeric errno. */
function isInflateError(exception: object): boolean {
  const { code, errno } = exception as { code?: unknown; errno?: unknown };
  return typeof errno === 'number' && typeof code === 'string' && /^(Z_|ERR__ERROR_)/.test(code);
}

/** The encoding as the message shows it: the client's own words, but short and printable. */
function shownEncoding(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
          .replace(/[^\x20-\x7e]/g, '')
          .trim()
          .slice(0, 40)
      : '';
  return text || '?';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
// PostgreSQL SQLSTATEs meaning "the server is not there right now": class 08, shutdown, starting up, full.
const PG_UNAVAILABLE = /^(08...|57P01|57P02|57P03|53300)$/;
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

/**
 * True when PostgreSQL refused a value holding U+0000: `invalid byte sequence for encoding "UTF8": 0x00` (22021, in
 * text) or `unsupported Unicode escape sequence` (22P05, in jsonb). A JavaScript string cannot carry other invalid
 * bytes, so these codes mean a NUL character.
 */
export function isNulRefusal(exception: unknown): boolean {
  const { driverError } = (exception ?? {}) as { driverError?: unknown };
  const code = ((driverError ?? exception) as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

/** True when the error means the database could not be reached, not that the request was wrong. */
export function isDatabaseUnavailable(exception: unknown): boolean {
  // When the server goes away between two statements of a transaction, TypeORM releases the transaction's
  // connection on the client's "error" event, and the next statement (or the COMMIT) throws this, with no
  // cause attached. Nothing was committed. (Seen by test/slow/postgres-restart.test.ts.) A statement issued through
  // the transaction's EntityManager rather than its QueryRunner throws the "provider" variant of the same error.
  if (exception instanceof QueryRunnerAlreadyReleasedError) return true;
  if (exception instanceof QueryRunnerProviderAlreadyReleasedError) return true;
  for (let e: unknown = exception, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
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
    if (exception.moreErrors) body.moreErrors = exception.moreErrors;
    return { status: exception.status, body };
  }

  // A NUL character that reached a statement by a way the request's checks do not look at (they refuse it in the
  // address and the JSON body): PostgreSQL's refusal of the value, not a fault of the server.
  if (isNulRefusal(exception)) return { status: 400, body: plain('NUL_CHARACTER', locale) };

  if (isDatabaseUnavailable(exception)) {
    return {
      status: 503,
      body: plain('SERVICE_UNAVAILABLE', locale, { dependencies: locale === 'fr' ? 'base de données' : 'database' }),
    };
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status < 500) {
      const code = STATUS_CODES[status] ?? 'INVALID_REQUEST';
      return { status, body: plain(code, locale, { limit: '?' }) };
    }
    if (status === 503) {
      return {
        status,
        body: plain('SERVICE_UNAVAILABLE', locale, { dependencies: locale === 'fr' ? 'dépendance' : 'dependency' }),
      };
    }
  }

  return { status: 500, body: { ...plain('INTERNAL_ERROR', locale, { errorId }), errorId } };
}
