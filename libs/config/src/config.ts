import { createHmac } from 'node:crypto';
import { z } from 'zod';

/**
 * Every environment variable Guichet reads, validated once at boot.
 * `.env.example` documents the same list; a test keeps the two in step.
 */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'doit être un numéro de port' })
    .int('doit être un entier')
    .min(1, 'doit être entre 1 et 65535')
    .max(65535, 'doit être entre 1 et 65535')
    .default(fallback);

const url = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `doit être une URL ${protocols.map((p) => p.replace(':', '://…')).join(' ou ')}`,
    );

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const seconds = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'doit être un nombre de secondes' })
    .int('doit être un entier')
    .min(min, `doit être entre ${min} et ${max} secondes`)
    .max(max, `doit être entre ${min} et ${max} secondes`)
    .default(fallback);

/** Requests allowed per window; 0 turns that counter off. */
const limit = (fallback: number) =>
  z.coerce
    .number({ error: 'doit être un nombre de requêtes' })
    .int('doit être un entier')
    .min(0, 'doit être positif (0 : pas de limite)')
    .max(1_000_000, 'doit valoir au plus 1000000')
    .default(fallback);

/** A process count: 1 to 64, or `auto` (one per CPU, resolved by `processCount`). */
const processes = () =>
  z
    .union([
      z.literal('auto'),
      z.coerce
        .number({ error: 'doit être un nombre de processus ou auto' })
        .int('doit être un entier ou auto')
        .min(1, 'doit être entre 1 et 64, ou auto')
        .max(64, 'doit être entre 1 et 64, ou auto'),
    ])
    .default(1);

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const IPV6_CIDR = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}(?:\/(\d{1,3}))?$/i;

function addressValid(part: string): boolean {
  const v4 = IPV4_CIDR.exec(part);
  if (v4) return v4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(v4[5] ?? 32) <= 32;
  const v6 = IPV6_CIDR.exec(part);
  return !!v6 && Number(v6[2] ?? 128) <= 128;
}

/**
 * Express's `trust proxy`: how many proxies stand in front (1 to 10), or which
 * addresses are proxies (IP, CIDR, or loopback / linklocal / uniquelocal).
 */
function trustProxyValid(value: string): boolean {
  if (/^\d+$/.test(value)) return Number(value) >= 1 && Number(value) <= 10;
  return value
    .split(',')
    .map((part) => part.trim())
    .every((part) => ['loopback', 'linklocal', 'uniquelocal'].includes(part) || addressValid(part));
}

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port(3000),
  PUBLIC_URL: z.preprocess(emptyToUndefined, url(['http:', 'https:']).optional()),
  DATABASE_URL: z.preprocess(emptyToUndefined, url(['postgres:', 'postgresql:']).optional()),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./var'),
  FORMS_DIR: z.string().min(1).default('./forms'),
  EMBEDDED_PG_PORT: port(54329),
  REDIS_URL: z.preprocess(emptyToUndefined, url(['redis:', 'rediss:']).optional()),
  REDIS_PROBE_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  QUEUE_BACKEND: z.preprocess(emptyToUndefined, z.enum(['redis', 'postgres']).optional()),
  /** Unset: `guichet-<id>`, derived from the installation id kept in the database (see @guichet/queue). */
  QUEUE_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/, 'doit contenir 1 à 40 caractères parmi a-z, 0-9, _ et -')
      .optional(),
  ),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  IDP_PORT: port(3001),
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'doit compter au moins 32 caractères').optional()),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(720).default(30),
  /**
   * However active it is, a signed-in session ends this long after the sign-in
   * (12 h by default: a working day), so a stolen or forgotten session does not
   * live for ever, and rights are checked again at the next sign-in.
   */
  SESSION_ABSOLUTE_SECONDS: seconds(1, 7 * 86_400, 12 * 3600),
  FC_ISSUER: z.preprocess(emptyToUndefined, url(['http:', 'https:']).optional()),
  FC_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  FC_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().min(16).optional()),
  FC_SIGNING_ALG: z.enum(['ES256', 'RS256']).default('ES256'),
  FC_SCOPES: z
    .string()
    .default('given_name family_name preferred_username birthdate birthplace birthcountry gender email'),
  AGENT_OIDC_ISSUER: z.preprocess(emptyToUndefined, url(['http:', 'https:']).optional()),
  AGENT_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  AGENT_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().min(16).optional()),
  BODY_LIMIT_KB: z.coerce.number().int().min(1).max(100_000).default(1024),
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16).optional()),
  WEB_DIST_DIR: z.string().min(1).default('./dist/web'),
  /** `off` serves service pages without their embedded data and preloads (the « before » of the first-paint bench). */
  WEB_EMBED_DATA: z.enum(['on', 'off']).default('on'),
  /**
   * `on` (with WEB_EMBED_DATA): a service page, and a form page's first step, are drawn by the server, disabled
   * until the app has loaded, so the citizen sees them before the bundle runs. `off`: the app draws them (the
   * bench's « before »).
   */
  WEB_PRERENDER: z.enum(['on', 'off']).default('on'),
  SMTP_URL: z.preprocess(emptyToUndefined, url(['smtp:', 'smtps:']).optional()),
  MAIL_FROM: z.string().min(3).default('Guichet <ne-pas-repondre@guichet.localhost>'),
  /**
   * The receipt email: `text` carries the receipt's legal mentions in its text and links to the request, where the
   * PDF is downloaded (built when asked); `pdf` also attaches the PDF, built by the worker for every request.
   */
  RECEIPT_EMAIL: z.enum(['text', 'pdf']).default('text'),
  MAILCATCHER_SMTP_PORT: port(1025),
  MAILCATCHER_HTTP_PORT: port(1080),
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  /**
   * Origins that may show the citizens' service pages (`/demarches/…`) in a
   * frame, e.g. the commune's own site: `https://www.mairie.fr`. Every other
   * page, and every page when empty, refuses framing.
   */
  EMBED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim().replace(/\/$/, ''))
        .filter(Boolean),
    )
    .refine((origins) => origins.every((o) => /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o)), {
      message: 'une liste d’origines séparées par des virgules (https://www.exemple.fr)',
    }),
  RETRY_DELAY_SCALE: z.coerce.number().min(0.0001).max(1).default(1),
  ATTACHMENTS_STORAGE: z.enum(['disk', 's3']).default('disk'),
  S3_ENDPOINT: z.preprocess(emptyToUndefined, url(['http:', 'https:']).optional()),
  S3_REGION: z.string().min(1).default('fr-par'),
  S3_BUCKET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'doit être un nom de bucket S3')
      .optional(),
  ),
  S3_ACCESS_KEY_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  S3_SECRET_ACCESS_KEY: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  OUTBOX_RECONCILE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
  /** Least time between two relay passes woken by commits: those of the meantime share one (0: one per commit). */
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(0).max(5_000).default(100),
  EXPORT_SYNC_MAX_ROWS: z.coerce
    .number({ error: 'doit être un nombre de demandes' })
    .int('doit être un entier')
    .min(1, 'doit valoir au moins 1')
    .max(1_000_000, 'doit valoir au plus 1000000')
    .default(50_000),
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine(trustProxyValid, 'doit être un nombre de relais (1 à 10) ou une liste d’adresses IP / CIDR')
      .optional(),
  ),
  BODY_LIMIT_SMALL_KB: z.coerce.number().int().min(1).max(100_000).default(64),
  REQUEST_TIMEOUT_SECONDS: seconds(1, 600, 30),
  SERVER_HEADERS_TIMEOUT_SECONDS: seconds(1, 600, 20),
  SERVER_REQUEST_TIMEOUT_SECONDS: seconds(1, 3600, 300),
  SERVER_KEEP_ALIVE_SECONDS: seconds(1, 600, 65),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  RATE_LIMIT_WINDOW_SECONDS: seconds(1, 86_400, 600),
  RATE_LIMIT_SIGN_IN_PER_IP: limit(300),
  RATE_LIMIT_DRAFTS_PER_IP: limit(300),
  RATE_LIMIT_DRAFTS_PER_ACCOUNT: limit(30),
  RATE_LIMIT_SUBMITS_PER_IP: limit(300),
  RATE_LIMIT_SUBMITS_PER_ACCOUNT: limit(30),
  RATE_LIMIT_UPLOADS_PER_IP: limit(1000),
  RATE_LIMIT_UPLOADS_PER_ACCOUNT: limit(200),
  RATE_LIMIT_MESSAGES_PER_IP: limit(300),
  RATE_LIMIT_MESSAGES_PER_ACCOUNT: limit(100),
  RATE_LIMIT_FOLLOW_PER_IP: limit(300),
  RATE_LIMIT_LOOKUPS_PER_IP: limit(3000),
  /** The same lookups from one signed-in account, whatever its address (a person fills a few forms, not thousands). */
  RATE_LIMIT_LOOKUPS_PER_ACCOUNT: limit(600),
  /** Family quotient lookups (API Particulier, personal data): per address and per FranceConnect account. */
  RATE_LIMIT_QUOTIENT_PER_IP: limit(300),
  RATE_LIMIT_QUOTIENT_PER_ACCOUNT: limit(20),
  /**
   * API Adresse (Base Adresse Nationale; address field), served by the IGN's Géoplateforme since 2025 (the former
   * https://api-adresse.data.gouv.fr answers the same format): the real one by default, the bundled fake in development and tests.
   */
  ADRESSE_API_URL: url(['http:', 'https:']).default('https://data.geopf.fr/geocodage'),
  /** How long an address lookup waits before the citizen is left to type the address. */
  ADRESSE_API_TIMEOUT_MS: z.coerce
    .number({ error: 'doit être un nombre de millisecondes' })
    .int('doit être un entier')
    .min(200, 'doit être entre 200 et 30000 millisecondes')
    .max(30_000, 'doit être entre 200 et 30000 millisecondes')
    .default(3000),
  /** API Recherche d'entreprises (SIRET field): the real one by default, the bundled fake (apps/fake-apis) in development and tests. */
  ENTREPRISES_API_URL: url(['http:', 'https:']).default('https://recherche-entreprises.api.gouv.fr'),
  /** How long a lookup waits for it before the citizen is asked to type the values. */
  ENTREPRISES_API_TIMEOUT_MS: z.coerce
    .number({ error: 'doit être un nombre de millisecondes' })
    .int('doit être un entier')
    .min(200, 'doit être entre 200 et 30000 millisecondes')
    .max(30_000, 'doit être entre 200 et 30000 millisecondes')
    .default(3000),
  /**
   * API Entreprise's associations (« Données association en open data » of the DJEPVA's API Association; RNA field):
   * the real one by default, the bundled fake (apps/fake-apis) in development and tests.
   */
  ASSOCIATIONS_API_URL: url(['http:', 'https:']).default('https://entreprise.api.gouv.fr'),
  /** How long an RNA lookup waits before the citizen is asked to type the values. */
  ASSOCIATIONS_API_TIMEOUT_MS: z.coerce
    .number({ error: 'doit être un nombre de millisecondes' })
    .int('doit être un entier')
    .min(200, 'doit être entre 200 et 30000 millisecondes')
    .max(30_000, 'doit être entre 200 et 30000 millisecondes')
    .default(3000),
  /** API Entreprise's token (secret). Without it the real API refuses and the citizen types the values. */
  ASSOCIATIONS_API_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16).max(4096).optional()),
  /** The SIRET of the administration the associations' data is for (API Entreprise's `recipient`). */
  ASSOCIATIONS_API_RECIPIENT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{14}$/, 'doit être un numéro SIRET de 14 chiffres')
      .optional(),
  ),
  /**
   * API Particulier (« Quotient familial CAF & MSA », v3, called with the FranceConnect identity pivot; family quotient
   * field): the real one by default, the bundled fake (apps/fake-apis) in development and tests.
   */
  PARTICULIER_API_URL: url(['http:', 'https:']).default('https://particulier.api.gouv.fr'),
  /** How long a family quotient lookup waits before the citizen is asked to type the quotient. */
  PARTICULIER_API_TIMEOUT_MS: z.coerce
    .number({ error: 'doit être un nombre de millisecondes' })
    .int('doit être un entier')
    .min(200, 'doit être entre 200 et 30000 millisecondes')
    .max(30_000, 'doit être entre 200 et 30000 millisecondes')
    .default(3000),
  /** API Particulier's token (secret, sent in a header only). Without it the API refuses and the citizen types. */
  PARTICULIER_API_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16).max(4096).optional()),
  /** The SIRET of the administration the data is for (API Particulier's `recipient`). */
  PARTICULIER_API_RECIPIENT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{14}$/, 'doit être un numéro SIRET de 14 chiffres')
      .optional(),
  ),
  CHALLENGE_MAX_NUMBER: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  CHALLENGE_EXPIRES_SECONDS: seconds(30, 86_400, 1200),
  /** API processes sharing the port (node:cluster): a number, or `auto` for one per CPU. */
  API_PROCESSES: processes(),
  /** Worker processes, each running every queue: a number, or `auto` for one per CPU. */
  WORKER_PROCESSES: processes(),
  /**
   * Admission control: above this event-loop delay (ms, median over half a second, twice in a row) the API answers new
   * requests (health and metrics excepted) 503 with Retry-After instead of queueing them. 0 turns it off.
   */
  OVERLOAD_LAG_MS: z.coerce
    .number({ error: 'doit être un nombre de millisecondes' })
    .int('doit être un entier')
    .min(0, 'doit être entre 0 et 60000 millisecondes (0 : pas de limite)')
    .max(60_000, 'doit être entre 0 et 60000 millisecondes (0 : pas de limite)')
    .default(500),
  /**
   * Admission control: changes (POST, PUT, PATCH, DELETE on /api; uploads excepted) served at once by one API process;
   * the others wait their turn, at most OVERLOAD_QUEUE_MS, then get 503 with Retry-After. Unset: four per core, at
   * most DATABASE_POOL_SIZE. 0 turns it off.
   */
  OVERLOAD_MAX_INFLIGHT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'doit être un nombre de requêtes' })
      .int('doit être un entier')
      .min(0, 'doit être entre 0 et 100000 (0 : pas de limite)')
      .max(100_000, 'doit être entre 0 et 100000 (0 : pas de limite)')
      .optional(),
  ),
  OVERLOAD_QUEUE_MS: z.coerce
    .number({ error: 'doit être un nombre de millisecondes' })
    .int('doit être un entier')
    .min(0, 'doit être entre 0 et 60000 millisecondes')
    .max(60_000, 'doit être entre 0 et 60000 millisecondes')
    .default(500),
  /**
   * Admission control: while a request asking for a database connection would wait longer than this (ms: the queue
   * ahead of it times how long connections are held, over the pool's size), new requests get 503 with Retry-After at
   * once. 0 turns it off.
   */
  OVERLOAD_DB_WAIT_MS: z.coerce
    .number({ error: 'doit être un nombre de millisecondes' })
    .int('doit être un entier')
    .min(0, 'doit être entre 0 et 60000 millisecondes (0 : pas de limite)')
    .max(60_000, 'doit être entre 0 et 60000 millisecondes (0 : pas de limite)')
    .default(500),
});

/** Variables whose values must never be printed, even in a configuration error. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'METRICS_TOKEN',
  'SESSION_SECRET',
  'FC_CLIENT_SECRET',
  'AGENT_CLIENT_SECRET',
  'SMTP_URL',
  'S3_SECRET_ACCESS_KEY',
  'ASSOCIATIONS_API_TOKEN',
  'PARTICULIER_API_TOKEN',
]);

export type Config = z.infer<typeof configSchema>;

/** A configuration error: its message is the one line an operator needs. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** The API and the worker need a database URL; the launcher can start one. */
  requireDatabaseUrl?: boolean;
}

export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: LoadConfigOptions = {},
): Readonly<Config> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(configSchema.shape)) input[key] = env[key];
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '?');
    const received = input[name];
    const shown =
      received === undefined ? 'absente' : SECRET_VARIABLES.has(name) ? 'valeur masquée' : `« ${received} »`;
    throw new ConfigError(`Configuration invalide : ${name} ${issue.message} (${shown}).`);
  }
  if (parsed.data.ATTACHMENTS_STORAGE === 's3') {
    for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!parsed.data[name])
        throw new ConfigError(`Configuration invalide : ${name} est obligatoire avec ATTACHMENTS_STORAGE=s3.`);
    }
  }
  if (parsed.data.SERVER_HEADERS_TIMEOUT_SECONDS > parsed.data.SERVER_REQUEST_TIMEOUT_SECONDS) {
    throw new ConfigError(
      'Configuration invalide : SERVER_HEADERS_TIMEOUT_SECONDS doit être inférieur ou égal à SERVER_REQUEST_TIMEOUT_SECONDS.',
    );
  }
  if (options.requireDatabaseUrl && !parsed.data.DATABASE_URL) {
    throw new ConfigError(
      'Configuration invalide : DATABASE_URL est obligatoire pour ce processus (npm start la fournit).',
    );
  }
  return Object.freeze(parsed.data);
}

/** Express's `trust proxy` value: false (the socket's address is the client's), a hop count, or proxy addresses. */
export function trustProxy(config: Config): false | number | string {
  const value = config.TRUST_PROXY;
  if (!value) return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** How many processes a setting asks for: `auto` is one per CPU this process may use. */
export function processCount(value: number | 'auto', cpus: () => number): number {
  return value === 'auto' ? Math.max(1, cpus()) : value;
}

export function publicUrl(config: Config): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
}

/**
 * The session cookie's name: `gch_session_` and a tag of the installation, derived from its `SESSION_SECRET`.
 * Browsers keep cookies by host, not by port: two installations on one machine (http://localhost:3000 and
 * http://localhost:3002) under one name would overwrite each other's session cookie, signing people out of one when
 * they use the other and orphaning the anonymous drafts a session holds. Every process of one installation shares its
 * secret (its sessions must verify everywhere), so they share the name; the tag tells nothing of the secret (eight hex
 * digits of an HMAC).
 */
export function sessionCookieName(config: Pick<Config, 'SESSION_SECRET'>): string {
  if (!config.SESSION_SECRET) return 'gch_session';
  const tag = createHmac('sha256', config.SESSION_SECRET).update('guichet/session-cookie-name').digest('hex');
  return `gch_session_${tag.slice(0, 8)}`;
}

/** Where attachments are kept: a folder under DATA_DIR, or an S3-compatible bucket. */
export function attachmentStorageSettings(config: Config):
  | { kind: 'disk'; directory: string }
  | {
      kind: 's3';
      endpoint?: string;
      region: string;
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    } {
  if (config.ATTACHMENTS_STORAGE === 's3') {
    return {
      kind: 's3',
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      bucket: config.S3_BUCKET!,
      accessKeyId: config.S3_ACCESS_KEY_ID!,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    };
  }
  return { kind: 'disk', directory: `${config.DATA_DIR.replace(/\/$/, '')}/attachments` };
}
