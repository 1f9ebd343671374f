import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canteenDefinition } from '../fixtures/canteen';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { runMigrations } from '@guichet/persistence';
import { DIST, ROOT, freePort, startEmbeddedServer, type EmbeddedServer } from '../support/processes';

const node = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [join(DIST, 'scripts', script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

describe('npm run forms and npm run tokens', () => {
  let db: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'guichet-cli-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    const { Client } = await import('pg');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO organisation (slug, name) VALUES ('ville-cli', 'Ville de la CLI')`);
    await client.end();
  });
  afterAll(() => db?.drop());

  it('lints every example service clean', () => {
    const files = readdirSync(join(ROOT, 'forms')).map((f) => join('forms', f));
    const run = node('forms.js', ['lint', ...files]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(files.length);
  });

  it('lists each problem of a bad file with its pointer and exits 1', () => {
    const bad = canteenDefinition();
    (bad.schema.properties as Record<string, unknown>).siret = { type: 'string', pattern: '(a+)+$' };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    writeFileSync(join(dir, 'garbage.json'), '{ not json');
    const run = node('forms.js', ['lint', join(dir, 'bad.json'), join(dir, 'garbage.json')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('bad.json: /schema/properties/siret/pattern [unsafe_pattern]');
    expect(run.stderr).toContain('garbage.json: JSON illisible');
  });

  it('imports and publishes a file, exports it back, and issues a token', () => {
    writeFileSync(join(dir, 'cantine.json'), JSON.stringify(canteenDefinition()));
    const args = ['import', join(dir, 'cantine.json'), '--organisation', 'ville-cli', '--slug', 'cantine-cli'];
    const untitled = node('forms.js', args, { DATABASE_URL: db.url });
    expect(untitled.status).toBe(2);
    expect(untitled.stderr).toContain('/title [required] Indiquez le titre de la démarche.');
    const imported = node('forms.js', [...args, '--title', 'Cantine', '--publish'], { DATABASE_URL: db.url });
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('démarche créée : cantine-cli');
    expect(imported.stdout).toContain('version publiée : 1');
    const exported = node('forms.js', ['export', 'cantine-cli'], { DATABASE_URL: db.url });
    expect(JSON.parse(exported.stdout)).toMatchObject({
      guichet: 'service-export',
      service: { slug: 'cantine-cli' },
      definition: canteenDefinition(),
    });

    const token = node(
      'tokens.js',
      ['create', '--organisation', 'ville-cli', '--role', 'designer', '--name', 'CI des formulaires'],
      { DATABASE_URL: db.url },
    );
    expect(token.status).toBe(0);
    // The token alone on stdout (TOKEN=$(npm run --silent tokens -- create …)); its id and warning on stderr.
    expect(token.stdout).toMatch(/^gch_[A-Za-z0-9_-]{43}\n$/);
    expect(token.stderr).toMatch(/^jeton [0-9a-f-]{36} \(designer, ville-cli\) — il ne sera plus affiché :\n$/);
    const wrongRole = node('tokens.js', ['create', '--organisation', 'ville-cli', '--role', 'root', '--name', 'x'], {
      DATABASE_URL: db.url,
    });
    expect(wrongRole.status).toBe(1);
    expect(wrongRole.stderr).toContain('--role parmi');
  });

  it('migrates an empty database with npm run migrate, then finds it up to date', async () => {
    const empty = await createTestDatabase({ empty: true });
    try {
      const first = node('migrate.js', [], { DATABASE_URL: empty.url });
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/^migrations appliquées : CreateOrganisation/);
      const second = node('migrate.js', [], { DATABASE_URL: empty.url });
      expect(second.stdout).toBe('base à jour.\n');
      const missing = node('migrate.js', [], { DATABASE_URL: '' });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain('DATABASE_URL');
    } finally {
      await empty.drop();
    }
  });

  it('revokes a token by its id', () => {
    const created = node(
      'tokens.js',
      ['create', '--organisation', 'ville-cli', '--role', 'admin', '--name', 'à révoquer'],
      { DATABASE_URL: db.url },
    );
    const id = /^jeton ([0-9a-f-]{36}) /.exec(created.stderr)?.[1];
    expect(id).toBeTruthy();
    expect(node('tokens.js', ['revoke', '--organisation', 'ville-cli', id!], { DATABASE_URL: db.url }).stdout).toBe(
      'jeton révoqué.\n',
    );
    expect(node('tokens.js', ['revoke', '--organisation', 'ville-cli', id!], { DATABASE_URL: db.url }).stdout).toBe(
      'aucun jeton actif avec cet identifiant.\n',
    );
  });
});

/**
 * Where `npm start` works, every `npm run` command works: with DATABASE_URL
 * unset, tokens and forms find the embedded PostgreSQL in DATA_DIR as admin
 * does; data alone on stdout (npm's own banner too, with --silent) or in
 * --output FILE, messages on stderr.
 */
describe('npm run commands on the embedded database of npm start', () => {
  jest.setTimeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-cli-embedded-'));
  let server: EmbeddedServer;
  let env: NodeJS.ProcessEnv;
  const npm = (args: string[]) =>
    spawnSync('npm', args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });

  beforeAll(async () => {
    // What npm start leaves running: the cluster in DATA_DIR/postgres, its password in DATA_DIR/postgres.password.
    server = await startEmbeddedServer(dataDir, await freePort(), 'guichet');
    await runMigrations(server.url);
    const { Client } = await import('pg');
    const client = new Client({ connectionString: server.url });
    await client.connect();
    await client.query(`INSERT INTO organisation (slug, name) VALUES ('ville-embarquee', 'Ville embarquée')`);
    await client.end();
    env = { DATABASE_URL: '', DATA_DIR: dataDir, EMBEDDED_PG_PORT: new URL(server.url).port };
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('admin, tokens and forms all find it without DATABASE_URL', () => {
    expect(node('migrate.js', [], env).stdout).toBe('base à jour.\n');
    const admin = node('admin.js', ['list'], env);
    expect(admin.stderr).toBe('');
    expect(admin.stdout).toContain('ville-embarquee');

    const token = node(
      'tokens.js',
      ['create', '--organisation', 'ville-embarquee', '--role', 'admin', '--name', 'x'],
      env,
    );
    expect(token.stderr).not.toContain('DATABASE_URL');
    expect(token.status).toBe(0);
    expect(token.stdout).toMatch(/^gch_[A-Za-z0-9_-]{43}\n$/);

    writeFileSync(join(dataDir, 'cantine.json'), JSON.stringify(canteenDefinition()));
    const imported = node(
      'forms.js',
      [
        'import',
        join(dataDir, 'cantine.json'),
        '--organisation',
        'ville-embarquee',
        '--slug',
        'cantine',
        '--title',
        'Cantine',
        '--publish',
      ],
      env,
    );
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('démarche créée');
    const exported = node('forms.js', ['export', 'cantine'], env);
    expect(exported.status).toBe(0);
    expect(exported.stderr).toBe('');
    expect(JSON.parse(exported.stdout)).toMatchObject({
      service: { slug: 'cantine' },
      definition: canteenDefinition(),
    });
  });

  it('npm run --silent forms -- export gives valid JSON on stdout, and --output writes the file alone', () => {
    const silent = npm(['run', '--silent', 'forms', '--', 'export', 'cantine']);
    expect(silent.status).toBe(0);
    expect(JSON.parse(silent.stdout)).toMatchObject({ guichet: 'service-export', service: { slug: 'cantine' } });

    const file = join(dataDir, 'export.json');
    const toFile = npm(['run', 'forms', '--', 'export', 'cantine', '--output', file]);
    expect(toFile.status).toBe(0);
    expect(toFile.stderr).toContain(`démarche cantine exportée dans ${file}`);
    expect(toFile.stdout).not.toContain('"guichet"');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ service: { slug: 'cantine' } });

    const tokenFile = join(dataDir, 'token');
    const token = npm([
      'run',
      'tokens',
      '--',
      'create',
      '--organisation',
      'ville-embarquee',
      '--role',
      'designer',
      '--name',
      'CI',
      '--output',
      tokenFile,
    ]);
    expect(token.status).toBe(0);
    expect(readFileSync(tokenFile, 'utf8')).toMatch(/^gch_[A-Za-z0-9_-]{43}\n$/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(token.stdout).not.toMatch(/gch_/);
  });

  it('says in one line that the embedded database does not answer when npm start is not running', async () => {
    const stopped = { ...env, EMBEDDED_PG_PORT: String(await freePort()) };
    for (const run of [
      node('tokens.js', ['create', '--organisation', 'ville-embarquee', '--role', 'admin', '--name', 'x'], stopped),
      node('forms.js', ['export', 'cantine'], stopped),
      node('migrate.js', [], stopped),
    ]) {
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `la base embarquée ne répond pas sur 127.0.0.1:${stopped.EMBEDDED_PG_PORT} : lancez npm start dans ce dossier (ou définissez DATABASE_URL).\n`,
      );
    }
  });
});
