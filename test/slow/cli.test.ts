import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canteenDefinition } from '../fixtures/canteen';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { DIST, ROOT } from '../support/processes';

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
    expect(token.stdout).toMatch(/\ngch_[A-Za-z0-9_-]{43}\n$/);
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
    const id = /^jeton ([0-9a-f-]{36}) /.exec(created.stdout)?.[1];
    expect(id).toBeTruthy();
    expect(node('tokens.js', ['revoke', '--organisation', 'ville-cli', id!], { DATABASE_URL: db.url }).stdout).toBe(
      'jeton révoqué.\n',
    );
    expect(node('tokens.js', ['revoke', '--organisation', 'ville-cli', id!], { DATABASE_URL: db.url }).stdout).toBe(
      'aucun jeton actif avec cet identifiant.\n',
    );
  });
});
