import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, attachmentStorageSettings, configSchema, loadConfig } from './index';

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
