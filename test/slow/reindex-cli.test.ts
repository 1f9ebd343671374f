import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSource } from '@guichet/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { DIST, ROOT } from '../support/processes';
import { seedCanteenService, seedRequest } from '../support/seed';

const admin = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [join(DIST, 'scripts', 'admin.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

/** The built `npm run admin -- reindex`: progress on stderr, the summary alone on stdout, resumable. */
describe('npm run admin -- reindex', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ url: db.url, poolSize: 1 });
    await ds.initialize();
    const seeded = await seedCanteenService(ds, 'index');
    for (let i = 0; i < 5; i++) {
      const { id } = await seedRequest(ds, seeded, {
        status: 'submitted',
        reference: `GCH-INDX-000${i}`,
        submittedAt: new Date(),
        contactName: 'Hélène Mégret',
        contactEmail: null,
        data: { commune: 'Évry' },
      });
      await ds.query(`UPDATE submission SET search = to_tsvector('simple', 'Hélène Mégret Évry') WHERE id = $1`, [id]);
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const found = async () =>
    (
      await ds.query(
        `SELECT count(*)::int AS n FROM submission WHERE search @@ to_tsquery('simple', 'helene:* & evry:*')`,
      )
    )[0].n as number;

  it('rebuilds the vectors in batches, stops at --max-batches, and finishes on the next run', async () => {
    expect(await found()).toBe(0);
    const cut = admin(['reindex', '--batch-size', '2', '--max-batches', '1'], { DATABASE_URL: db.url });
    expect(cut.status).toBe(0);
    expect(cut.stderr).toBe('reindex : 2/5 demandes lues, 2 vecteurs réécrits\n');
    expect(cut.stdout).toMatch(
      /^Index de recherche : 2 demande\(s\) lue\(s\), 2 vecteur\(s\) réécrit\(s\), 0 déjà à jour/,
    );
    expect(cut.stdout).toContain('relancez la commande pour finir');
    expect(await found()).toBe(2);

    const rest = admin(['reindex', '--batch-size', '2'], { DATABASE_URL: db.url });
    expect(rest.status).toBe(0);
    expect(rest.stderr.trim().split('\n')).toEqual([
      'reindex : 2/5 demandes lues, 0 vecteurs réécrits',
      'reindex : 4/5 demandes lues, 2 vecteurs réécrits',
      'reindex : 5/5 demandes lues, 3 vecteurs réécrits',
    ]);
    expect(rest.stdout).toMatch(
      /^Index de recherche : 5 demande\(s\) lue\(s\), 3 vecteur\(s\) réécrit\(s\), 2 déjà à jour, en [\d.]+ s\.\n$/,
    );
    expect(await found()).toBe(5);
  });

  it('refuses a bad option before connecting, with the usage', () => {
    const bad = admin(['reindex', '--batch-size', '0'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--batch-size : un nombre entier de 1 à 10000 (reçu : 0).');
    expect(bad.stderr).toContain('npm run admin -- reindex');
    expect(bad.stdout).toBe('');
  });
});
