import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that are removed from every log line. Personal data (names, birth
 * dates, emails, answers) and credentials never reach a log; code logs ids.
 * pino's wildcards match one level, hence the explicit depths.
 */
const SENSITIVE_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'password',
  'token',
  'accessToken',
  'idToken',
  'refreshToken',
  'email',
  'givenName',
  'familyName',
  'given_name',
  'family_name',
  'birthdate',
  'birthplace',
  'birthcountry',
  'phone',
  'address',
  'data',
  'answers',
  'body',
  // A database error carries the statement's values (TypeORM's QueryFailedError.parameters: answers, names)
  // and PostgreSQL's `detail` / `where` quote them too ("Key (email)=(…) already exists").
  'parameters',
  'detail',
  'where',
];

export const REDACTED_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS.flatMap((key) => {
    const k = /^[a-zA-Z_]\w*$/.test(key) ? `.${key}` : `["${key}"]`;
    return [k.slice(k.startsWith('.') ? 1 : 0), `*${k}`, `*.*${k}`];
  }),
];

export interface LoggerSettings {
  level: string;
  /** The process that logs: api, worker, launcher. */
  service: string;
}

export function loggerOptions(settings: LoggerSettings): LoggerOptions {
  return {
    level: settings.level,
    base: { service: settings.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[masqué]' },
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(settings), destination) : pino(loggerOptions(settings));
}

/**
 * A SIRET may name a person (an entrepreneur individuel), an RNA number says who asks for what: their lookups'
 * paths are logged without them (issue 23).
 */
const IDENTIFIER_PATHS = /^(\/api\/v1\/public\/(?:entreprises|associations)\/)[^/]+/i;

/** The path of a URL without its query string, which may carry personal data, nor a looked-up identifier. */
export function pathOnly(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  return (q === -1 ? url : url.slice(0, q)).replace(IDENTIFIER_PATHS, '$1[masqué]');
}
