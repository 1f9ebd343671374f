import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  attachmentStorageSettings,
  configSchema,
  loadConfig,
  processCount,
  sessionCookieName,
  trustProxy,
} from './index';

describe('loadConfig', () => {
  it('gives working defaults for a newcomer', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.QUEUE_BACKEND).toBeUndefined();
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('reads and coerces values', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/guichet',
      QUEUE_BACKEND: 'postgres',
      REDIS_URL: '',
    });
    expect(config.PORT).toBe(8080);
    expect(config.QUEUE_BACKEND).toBe('postgres');
    expect(config.REDIS_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['QUEUE_BACKEND', 'kafka'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'not a url'],
    ['QUEUE_PREFIX', 'Bad Prefix!'],
    ['TRUST_PROXY', 'everyone'],
    ['TRUST_PROXY', '0'],
    ['TRUST_PROXY', '999.1.1.1'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['RATE_LIMITS', 'maybe'],
    ['RATE_LIMIT_DRAFTS_PER_IP', '-1'],
    ['RATE_LIMIT_WINDOW_SECONDS', '0'],
    ['REQUEST_TIMEOUT_SECONDS', '0'],
    ['CHALLENGE_MAX_NUMBER', '5'],
    ['API_PROCESSES', '0'],
    ['WORKER_PROCESSES', 'beaucoup'],
    ['OVERLOAD_LAG_MS', '-1'],
  ])('stops on a wrong %s with one line naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('never prints a secret value', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://admin:hunter2@db' })).toThrow(/valeur masquée/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://admin:hunter2@db' })).not.toThrow(/hunter2/);
    // API Particulier's token too (too short here: refused, and not shown).
    expect(() => loadConfig({ PARTICULIER_API_TOKEN: 'court-secret' })).toThrow(
      /PARTICULIER_API_TOKEN.*valeur masquée/,
    );
    expect(() => loadConfig({ PARTICULIER_API_TOKEN: 'court-secret' })).not.toThrow(/court-secret/);
  });

  it('reads the proxies to trust, and keeps the header timeout within the request timeout', () => {
    expect(trustProxy(loadConfig({}))).toBe(false);
    expect(trustProxy(loadConfig({ TRUST_PROXY: '1' }))).toBe(1);
    expect(trustProxy(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }))).toBe(
      'loopback, 10.0.0.0/8, fd00::/8',
    );
    expect(() => loadConfig({ SERVER_HEADERS_TIMEOUT_SECONDS: '120', SERVER_REQUEST_TIMEOUT_SECONDS: '60' })).toThrow(
      'SERVER_HEADERS_TIMEOUT_SECONDS doit être inférieur ou égal à SERVER_REQUEST_TIMEOUT_SECONDS',
    );
  });

  it('reads process counts, auto being one per CPU', () => {
    expect(processCount(loadConfig({}).API_PROCESSES, () => 8)).toBe(1);
    expect(processCount(loadConfig({ API_PROCESSES: 'auto' }).API_PROCESSES, () => 8)).toBe(8);
    expect(processCount(loadConfig({ WORKER_PROCESSES: '3' }).WORKER_PROCESSES, () => 8)).toBe(3);
  });

  it('requires DATABASE_URL where the process cannot start a database itself', () => {
    expect(() => loadConfig({}, { requireDatabaseUrl: true })).toThrow(/DATABASE_URL/);
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
    for (const name of Object.keys(configSchema.shape)) {
      expect(example).toMatch(new RegExp(`^#?\\s*${name}=`, 'm'));
    }
  });

  it('asks for a bucket and credentials when attachments go to S3, and never prints the secret', () => {
    expect(() => loadConfig({ ATTACHMENTS_STORAGE: 's3' })).toThrow(
      'Configuration invalide : S3_BUCKET est obligatoire avec ATTACHMENTS_STORAGE=s3.',
    );
    expect(() =>
      loadConfig({
        ATTACHMENTS_STORAGE: 's3',
        S3_BUCKET: 'guichet-pj',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: '',
      }),
    ).toThrow('S3_SECRET_ACCESS_KEY est obligatoire');
    const config = loadConfig({
      ATTACHMENTS_STORAGE: 's3',
      S3_BUCKET: 'guichet-pj',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'très-secret',
      S3_ENDPOINT: 'https://s3.fr-par.scw.cloud',
    });
    expect(attachmentStorageSettings(config)).toMatchObject({ kind: 's3', bucket: 'guichet-pj', forcePathStyle: true });
    expect(attachmentStorageSettings(loadConfig({ DATA_DIR: '/srv/guichet/' }))).toEqual({
      kind: 'disk',
      directory: '/srv/guichet/attachments',
    });
    const bad = {
      ATTACHMENTS_STORAGE: 's3',
      S3_BUCKET: 'Pas Un Bucket',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'très-secret',
    };
    expect(() => loadConfig(bad)).toThrow('S3_BUCKET doit être un nom de bucket S3');
    expect(() => loadConfig(bad)).not.toThrow(/très-secret/);
  });
});

describe('sessionCookieName', () => {
  it('tags the name with the installation (its secret), the same for all its processes, other for another', () => {
    const one = sessionCookieName({ SESSION_SECRET: 'a'.repeat(43) });
    expect(one).toMatch(/^gch_session_[0-9a-f]{8}$/);
    expect(sessionCookieName({ SESSION_SECRET: 'a'.repeat(43) })).toBe(one);
    expect(sessionCookieName({ SESSION_SECRET: 'b'.repeat(43) })).not.toBe(one);
    expect(one).not.toContain('aaaa');
  });
});
