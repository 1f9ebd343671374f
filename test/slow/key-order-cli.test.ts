import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAuthoredOrder, keywordOrderDefinition, nestedOrderDefinition } from '../fixtures/key-order';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { DIST, ROOT } from '../support/processes';

const forms = (args: string[], databaseUrl: string) =>
  spawnSync(process.execPath, [join(DIST, 'scripts', 'forms.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });

/** `npm run forms -- import … --publish` then `forms export`: the file comes back in the order it was written. */
describe('forms import and export keep the authored key order', () => {
  let db: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'guichet-key-order-'));

  const handWritten = (slug: string, definition: unknown) => {
    const file = join(dir, `${slug}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { guichet: 'service-export', formatVersion: 1, service: { slug, title: slug }, definition },
        null,
        2,
      ),
    );
    return [slug, file] as const;
  };
  const files = [
    ...readdirSync(join(ROOT, 'forms'))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f, join(ROOT, 'forms', f)] as const),
    handWritten('ordre-imbrique', nestedOrderDefinition()),
    handWritten('ordre-des-mots-cles', keywordOrderDefinition()),
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    const { Client } = await import('pg');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO organisation (slug, name) VALUES ('ville-ordre', 'Ville de l’ordre')`);
    await client.end();
  });
  afterAll(() => db?.drop());

  it.each(files)('%s', (_name, file) => {
    const authored = JSON.parse(readFileSync(file, 'utf8')) as { service: { slug: string }; definition: unknown };
    const imported = forms(['import', file, '--organisation', 'ville-ordre', '--publish'], db.url);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('version publiée : 1');
    const exported = forms(['export', authored.service.slug], db.url);
    expect(exported.stderr).toBe('');
    expectAuthoredOrder(
      'forms export',
      (JSON.parse(exported.stdout) as { definition: unknown }).definition,
      authored.definition,
    );
  });
});
