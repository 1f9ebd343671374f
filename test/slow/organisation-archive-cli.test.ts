import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { DIST, ROOT } from '../support/processes';

const node = (script: string, args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [join(DIST, 'scripts', script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The operator's round trip: npm run admin -- export-organisation, then import-organisation elsewhere. */
describe('npm run admin -- export-organisation / import-organisation', () => {
  let from: TestDatabase;
  let to: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'guichet-archive-cli-'));
  const fromData = join(dir, 'from');
  const toData = join(dir, 'to');
  const file = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(randomUUID()), Buffer.from('\n%%EOF\n')]);
  const envFrom = () => ({ DATABASE_URL: from.url, DATA_DIR: fromData });
  const envTo = () => ({ DATABASE_URL: to.url, DATA_DIR: toData });

  beforeAll(async () => {
    from = await createTestDatabase();
    to = await createTestDatabase();
    const created = node(
      'admin.js',
      ['create-organisation', '--slug', 'ville-depart', '--name', 'Ville du départ', '--admin', 'claire@ville.fr'],
      envFrom(),
    );
    expect(created.status).toBe(0);
    writeFileSync(join(dir, 'cantine.json'), JSON.stringify(canteenDefinition()));
    const imported = node(
      'forms.js',
      [
        'import',
        join(dir, 'cantine.json'),
        '--organisation',
        'ville-depart',
        '--slug',
        'cantine-depart',
        '--title',
        'Cantine',
        '--publish',
      ],
      envFrom(),
    );
    expect(imported.status).toBe(0);
    // A filed request with its file, as the API would have stored them.
    const [version] = await query<{ id: string; organisation_id: string; service_id: string }>(
      from.url,
      `SELECT id, organisation_id, service_id FROM form_version`,
    );
    const submissionId = randomUUID();
    const attachmentId = randomUUID();
    const key = join(version!.organisation_id, submissionId, randomUUID());
    mkdirSync(join(fromData, 'attachments', version!.organisation_id, submissionId), { recursive: true });
    writeFileSync(join(fromData, 'attachments', key), file);
    await query(
      from.url,
      `INSERT INTO submission (id, organisation_id, service_id, form_version_id, version_number, status, data, revision, reference, submitted_at)
       VALUES ($1, $2, $3, $4, 1, 'submitted', $5, 1, 'GCH-ABCD-EFGH', now())`,
      [
        submissionId,
        version!.organisation_id,
        version!.service_id,
        version!.id,
        { ...validCanteenData(), certificate: attachmentId },
      ],
    );
    await query(
      from.url,
      `INSERT INTO attachment (id, organisation_id, submission_id, pointer, filename, media_type, bytes, sha256, storage_key)
       VALUES ($1, $2, $3, '/certificate', 'certificat.pdf', 'application/pdf', $4, $5, $6)`,
      [
        attachmentId,
        version!.organisation_id,
        submissionId,
        file.length,
        createHash('sha256').update(file).digest('hex'),
        key,
      ],
    );
  });
  afterAll(async () => {
    await from?.drop();
    await to?.drop();
  });

  it('exports to a file, imports it into another installation, and refuses it a second time', async () => {
    const archive = join(dir, 'ville-depart.zip');
    const usage = node('admin.js', ['export-organisation', 'ville-depart'], envFrom());
    expect([usage.status, usage.stderr]).toEqual([
      2,
      expect.stringContaining('--output <archive.zip> est obligatoire'),
    ]);
    const unknown = node('admin.js', ['export-organisation', 'ville-inconnue', '--output', archive], envFrom());
    expect([unknown.status, unknown.stderr]).toEqual([1, 'Erreur : organisation inconnue : ville-inconnue\n']);
    expect(existsSync(archive)).toBe(false);
    expect(existsSync(`${archive}.partial`)).toBe(false);

    const exported = node('admin.js', ['export-organisation', 'ville-depart', '--output', archive], envFrom());
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain('Archive écrite');
    expect(exported.stdout).toContain('1 démarche(s), 1 version(s), 1 dossier(s), 1 pièce(s) jointe(s), 1 rôle(s)');

    const imported = node('admin.js', ['import-organisation', archive], envTo());
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('Organisation importée : Ville du départ (ville-depart');
    const [row] = await query<{ reference: string; data: unknown; storage_key: string }>(
      to.url,
      `SELECT s.reference, s.data, a.storage_key FROM submission s JOIN attachment a ON a.submission_id = s.id`,
    );
    const [before] = await query<{ data: unknown }>(from.url, `SELECT data FROM submission`);
    expect(row!.reference).toBe('GCH-ABCD-EFGH');
    expect(row!.data).toEqual(before!.data);
    expect(readFileSync(join(toData, 'attachments', row!.storage_key))).toEqual(file);
    const agents = await query(to.url, `SELECT email, role FROM agent_membership`);
    expect(agents).toEqual([{ email: 'claire@ville.fr', role: 'admin' }]);

    const again = node('admin.js', ['import-organisation', archive], envTo());
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(
      'Erreur : l’organisation « ville-depart » existe déjà dans cette installation : rien n’a été importé.\n',
    );
  });
});
