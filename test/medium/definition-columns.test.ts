import { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@guichet/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database';

const MIGRATION = 'DefinitionsAsJson1765180000000';
const AUTHORED = '{"schema":{"properties":{"nomDeNaissance":{"type":"string"},"nom":{"type":"string"}}},"pages":[]}';
/** What jsonb made of it: shorter keys first. */
const SORTED =
  '{"pages": [], "schema": {"properties": {"nom": {"type": "string"}, "nomDeNaissance": {"type": "string"}}}}';

const COLUMNS: ReadonlyArray<readonly [table: string, column: string]> = [
  ['form_version', 'definition'],
  ['service', 'draft_definition'],
  ['test_submission', 'definition'],
];

/**
 * The upgrade that moves definitions from jsonb to json: the columns change
 * type, rows written before keep what jsonb left of them (their order cannot
 * be guessed back), new rows keep their text, published versions stay
 * immutable.
 */
describe('definition columns (json, key order kept)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let versionId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    await runMigrations(db.url);
    dataSource = createDataSource({ url: db.url, poolSize: 1 });
    await dataSource.initialize();
    // Back to the schema before this migration (undoing those after it too), with rows written then.
    for (;;) {
      const [last] = (await dataSource.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`)) as Array<{
        name: string;
      }>;
      await dataSource.undoLastMigration({ transaction: 'each' });
      if (last!.name === MIGRATION) break;
    }
    const [org] = await dataSource.query(
      `INSERT INTO organisation (slug, name) VALUES ('avant', 'Avant') RETURNING id`,
    );
    const [service] = await dataSource.query(
      `INSERT INTO service (organisation_id, slug, title, draft_definition, draft_revision)
       VALUES ($1, 'avant', 'Avant', $2::jsonb, 1) RETURNING id`,
      [org.id, AUTHORED],
    );
    const [version] = await dataSource.query(
      `INSERT INTO form_version (organisation_id, service_id, number, definition, content_hash, published_by)
       VALUES ($1, $2, 1, $3::jsonb, repeat('0', 64), 'test') RETURNING id`,
      [org.id, service.id, AUTHORED],
    );
    versionId = version.id;
    expect(await runMigrations(db.url)).toContain(MIGRATION);
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('stores definitions as json', async () => {
    const types = await dataSource.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND (table_name, column_name) IN (${COLUMNS.map((c) => `('${c[0]}', '${c[1]}')`).join(', ')})
        ORDER BY table_name`,
    );
    expect(types).toEqual(
      COLUMNS.map(([table, column]) => ({ table_name: table, column_name: column, data_type: 'json' })).sort((a, b) =>
        a.table_name.localeCompare(b.table_name),
      ),
    );
  });

  it('keeps rows written before the upgrade in the order jsonb gave them: it cannot be guessed back', async () => {
    const [row] = await dataSource.query(`SELECT definition::text AS text FROM form_version WHERE id = $1`, [
      versionId,
    ]);
    expect(row.text).toBe(SORTED);
  });

  it('keeps the text of a definition written after it, key order included', async () => {
    await dataSource.query(`UPDATE service SET draft_definition = $1::json WHERE slug = 'avant'`, [AUTHORED]);
    const [row] = await dataSource.query(`SELECT draft_definition::text AS text FROM service WHERE slug = 'avant'`);
    expect(row.text).toBe(AUTHORED);
  });

  it('still refuses to change or delete a published version', async () => {
    await expect(
      dataSource.query(`UPDATE form_version SET definition = $1::json WHERE id = $2`, [AUTHORED, versionId]),
    ).rejects.toMatchObject({ code: 'GC001' });
    await expect(dataSource.query(`DELETE FROM form_version WHERE id = $1`, [versionId])).rejects.toMatchObject({
      code: 'GC001',
    });
  });
});
