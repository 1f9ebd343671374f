/**
 * Organisation archive benchmark (issue 21, a commune that leaves): an
 * organisation of 10,000 requests, each with a file, events, a message, and
 * half with a note and a decision letter, exported to one ZIP
 * (`exportOrganisation`) and imported into a fresh database
 * (`importOrganisation`). Each runs in a child process of its own so that its
 * peak RSS is its own. Printed next to a baseline measured in the same run:
 * psql `\copy` of the same rows (TO files, then FROM them into another fresh
 * database) plus `tar` of the same attachment files.
 *
 *   npm run build:server && node dist/bench/organisation-archive.bench.js
 *   (DATABASE_URL or the local PostgreSQL; BENCH_REQUESTS, default 10000)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { exportOrganisation, importOrganisation } from '@guichet/desk';
import { createDataSource, runMigrations } from '@guichet/persistence';
import { LocalDiskStorage } from '@guichet/submissions';
import { canteenLikeDefinition, seedRequests } from './lib/seed-requests';
import { withDatabase } from './lib/processes';
import { figure, formatNumber, machineInfo, resultName, writeResult } from './lib/report';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const TAG = process.env.BENCH_TAG ?? Date.now().toString(36);
const ORG = 'commune-archive-bench';

/** The tables of one organisation, in the order a load must follow (foreign keys). */
const TABLES: Array<[string, string]> = [
  ['organisation', `SELECT * FROM organisation WHERE id = '$ORG'`],
  ['service', `SELECT * FROM service WHERE organisation_id = '$ORG'`],
  ['form_version', `SELECT * FROM form_version WHERE organisation_id = '$ORG'`],
  ['submission', `SELECT * FROM submission WHERE organisation_id = '$ORG'`],
  ['submission_event', `SELECT * FROM submission_event WHERE organisation_id = '$ORG'`],
  ['attachment', `SELECT * FROM attachment WHERE organisation_id = '$ORG'`],
  ['submission_message', `SELECT * FROM submission_message WHERE organisation_id = '$ORG'`],
  ['submission_note', `SELECT * FROM submission_note WHERE organisation_id = '$ORG'`],
  ['submission_document', `SELECT * FROM submission_document WHERE organisation_id = '$ORG'`],
];

/** Child mode: one export or import, then its time and peak RSS as JSON on stdout. */
async function child(mode: string, url: string, storageDir: string, file: string): Promise<void> {
  const dataSource = createDataSource({ url, poolSize: 2, applicationName: `bench-archive-${mode}` });
  await dataSource.initialize();
  const storage = new LocalDiskStorage(storageDir);
  const started = performance.now();
  if (mode === 'export') await exportOrganisation(dataSource, storage, ORG, createWriteStream(file));
  else await importOrganisation(dataSource, storage, file);
  const seconds = (performance.now() - started) / 1000;
  await dataSource.destroy();
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function runChild(args: string[]): Promise<{ seconds: number; maxRssMb: number }> {
  return new Promise((resolve, reject) => {
    const run = spawn(process.execPath, [__filename, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    run.stdout.on('data', (c: Buffer) => (out += c.toString()));
    run.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; maxRssMb: number })
        : reject(new Error(`${args[0]} exited with ${code}`)),
    );
  });
}

function psql(url: string, command: string): void {
  const run = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`psql: ${run.stderr}`);
}

function timedSync(work: () => void): number {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

async function createDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(ADMIN_URL, name);
  await runMigrations(url);
  return url;
}

/** A file of 8–40 kB, different for each request (random bytes: it does not compress, like a scan). */
function fileFor(n: number): Buffer {
  const size = 8192 + ((n * 7919) % 32768);
  const bytes = Buffer.alloc(size);
  let seed = createHash('sha256').update(String(n)).digest();
  for (let at = 0; at < size; at += 32) {
    seed.copy(bytes, at);
    seed = createHash('sha256').update(seed).digest();
  }
  Buffer.from('%PDF-1.4\n').copy(bytes);
  return bytes;
}

async function seed(url: string, storageDir: string): Promise<string> {
  const client = new Client({ connectionString: url });
  // A failure drops the database under this connection: its error is not the one to report.
  client.on('error', () => undefined);
  await client.connect();
  const definition = JSON.stringify(canteenLikeDefinition());
  const {
    rows: [org],
  } = await client.query<{ id: string }>(
    `INSERT INTO organisation (slug, name) VALUES ($1, 'Commune du banc d’essai') RETURNING id`,
    [ORG],
  );
  const {
    rows: [service],
  } = await client.query<{ id: string }>(
    `INSERT INTO service (organisation_id, slug, title, status, draft_definition, draft_revision, latest_version)
     VALUES ($1, 'cantine-archive-bench', 'Cantine', 'published', $2::json, 1, 1) RETURNING id`,
    [org!.id, definition],
  );
  const {
    rows: [version],
  } = await client.query<{ id: string }>(
    `INSERT INTO form_version (organisation_id, service_id, number, definition, content_hash, published_by)
     VALUES ($1, $2, 1, $3::json, $4, 'bench') RETURNING id`,
    [org!.id, service!.id, definition, createHash('sha256').update(definition).digest('hex')],
  );
  await client.query(
    `INSERT INTO agent_membership (organisation_id, email, role) VALUES ($1, 'lea@commune.fr', 'admin'),
     ($1, 'karim@commune.fr', 'caseworker')`,
    [org!.id],
  );
  await client.end();
  await seedRequests(
    async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      return c;
    },
    {
      rows: REQUESTS,
      organisationId: org!.id,
      serviceId: service!.id,
      formVersionId: version!.id,
      versionNumber: 1,
      agents: ['account:00000000-0000-4000-8000-000000000001'],
      batch: 5000,
      parallel: 1,
    },
  );
  const db = new Client({ connectionString: url });
  db.on('error', () => undefined);
  await db.connect();
  // What happened to each request: submitted, then decided for the decided ones; a message each, a note for half.
  await db.query(
    `INSERT INTO submission_event (organisation_id, submission_id, at, actor, type, from_status, to_status, transition)
     SELECT organisation_id, id, submitted_at, 'anonymous', 'submitted', 'draft', 'submitted', 'submit'
     FROM submission WHERE organisation_id = $1
     UNION ALL
     SELECT organisation_id, id, decided_at, assignee, 'transition', 'in_review', status, 'accept'
     FROM submission WHERE organisation_id = $1 AND decided_at IS NOT NULL AND assignee IS NOT NULL`,
    [org!.id],
  );
  await db.query(
    `INSERT INTO submission_message (organisation_id, submission_id, author_kind, author, body)
     SELECT organisation_id, id, 'caseworker', 'token:bench', 'Bonjour, votre dossier ' || reference || ' est bien reçu.'
     FROM submission WHERE organisation_id = $1`,
    [org!.id],
  );
  await db.query(
    `INSERT INTO submission_note (organisation_id, submission_id, author, body)
     SELECT organisation_id, id, 'token:bench', 'Pièces vérifiées.' FROM submission
     WHERE organisation_id = $1 AND (hashtext(id::text) & 1) = 0`,
    [org!.id],
  );
  await db.query(
    `INSERT INTO submission_document (organisation_id, submission_id, event_id, kind, filename, media_type, content)
     SELECT e.organisation_id, e.submission_id, e.id, 'acceptance', 'attestation.pdf', 'application/pdf',
            convert_to(repeat('%PDF-1.4 attestation ', 400), 'UTF8')
     FROM submission_event e WHERE e.organisation_id = $1 AND e.type = 'transition'`,
    [org!.id],
  );
  // A file per request, in the storage and in `attachment`.
  const { rows: requests } = await db.query<{ id: string }>(`SELECT id FROM submission WHERE organisation_id = $1`, [
    org!.id,
  ]);
  const values: string[] = [];
  for (const [n, request] of requests.entries()) {
    const id = randomUUID();
    const key = join(org!.id, request.id, id);
    const bytes = fileFor(n);
    mkdirSync(join(storageDir, org!.id, request.id), { recursive: true });
    writeFileSync(join(storageDir, key), bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    values.push(
      `('${id}','${org!.id}','${request.id}','/certificate','certificat-${n}.pdf','application/pdf',${bytes.length},'${sha}','${key}')`,
    );
    if (values.length === 1000 || n === requests.length - 1) {
      await db.query(
        `INSERT INTO attachment (id, organisation_id, submission_id, pointer, filename, media_type, bytes, sha256, storage_key) VALUES ${values.join(',')}`,
      );
      values.length = 0;
    }
  }
  await db.query('VACUUM ANALYZE');
  await db.end();
  return org!.id;
}

async function counts(url: string, orgId: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const out: Record<string, number> = {};
  for (const [table] of TABLES)
    out[table] = Number(
      (
        await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${table} WHERE ${table === 'organisation' ? 'id' : 'organisation_id'} = $1`,
          [orgId],
        )
      ).rows[0]!.n,
    );
  await client.end();
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'guichet-bench-archive-'));
  const names = ['src', 'dst', 'copy'].map((n) => `guichet_bench_archive_${n}_${TAG}`);
  try {
    const [srcUrl, dstUrl, copyUrl] = [
      await createDatabase(names[0]!),
      await createDatabase(names[1]!),
      await createDatabase(names[2]!),
    ];
    const srcFiles = join(work, 'files-src');
    const dstFiles = join(work, 'files-dst');
    mkdirSync(srcFiles);
    mkdirSync(dstFiles);
    process.stderr.write(`seeding ${formatNumber(REQUESTS)} requests with files…\n`);
    const orgId = await seed(srcUrl, srcFiles);
    const seeded = await counts(srcUrl, orgId);
    const filesBytes = dirBytes(srcFiles);

    const archive = join(work, 'commune.zip');
    const exported = await runChild(['export', srcUrl, srcFiles, archive]);
    const archiveBytes = statSync(archive).size;
    const imported = await runChild(['import', dstUrl, dstFiles, archive]);
    const after = await counts(dstUrl, orgId);
    const same = JSON.stringify(after) === JSON.stringify(seeded);
    if (!same) throw new Error(`counts differ after import: ${JSON.stringify({ seeded, after })}`);

    // Baseline: the same rows with psql \copy, the same files with tar; then back into a fresh database.
    const copyDir = join(work, 'copy');
    mkdirSync(copyDir);
    const baselineExport = timedSync(() => {
      for (const [table, select] of TABLES)
        psql(srcUrl, `\\copy (${select.replace('$ORG', orgId)}) TO '${join(copyDir, `${table}.copy`)}'`);
      const tar = spawnSync('tar', ['-cf', join(work, 'files.tar'), '-C', srcFiles, '.']);
      if (tar.status !== 0) throw new Error('tar failed');
    });
    const baselineBytes = dirBytes(copyDir) + statSync(join(work, 'files.tar')).size;
    const copyFiles = join(work, 'files-copy');
    mkdirSync(copyFiles);
    const baselineImport = timedSync(() => {
      for (const [table] of TABLES) psql(copyUrl, `\\copy ${table} FROM '${join(copyDir, `${table}.copy`)}'`);
      const tar = spawnSync('tar', ['-xf', join(work, 'files.tar'), '-C', copyFiles]);
      if (tar.status !== 0) throw new Error('tar failed');
    });

    const perRequest = (s: number) => (s * 1000) / REQUESTS;
    const figures = [
      figure({
        id: 'archive.export.seconds',
        label: `export of ${formatNumber(REQUESTS)} requests with files (s)`,
        unit: 's',
        value: exported.seconds,
        baseline: { label: 'psql \\copy of the same rows + tar of the same files', value: baselineExport },
      }),
      figure({
        id: 'archive.import.seconds',
        label: `import of the archive into a fresh database (s)`,
        unit: 's',
        value: imported.seconds,
        baseline: { label: 'psql \\copy FROM the same rows + tar -x', value: baselineImport },
      }),
      figure({
        id: 'archive.bytes',
        label: 'archive size',
        unit: 'bytes',
        value: archiveBytes,
        baseline: { label: 'COPY files + tar', value: baselineBytes },
      }),
      figure({ id: 'archive.export.rss', label: 'export peak RSS', unit: 'MB', value: exported.maxRssMb }),
      figure({ id: 'archive.import.rss', label: 'import peak RSS', unit: 'MB', value: imported.maxRssMb }),
    ];
    writeResult({
      name: resultName('organisation-archive'),
      startedAt: new Date(started).toISOString(),
      durationS: (Date.now() - started) / 1000,
      machine: machineInfo(),
      figures,
      notes: ['export and import run in their own process: the RSS is theirs alone (Node ~50 MB at rest)'],
      details: { counts: seeded, filesBytes },
    });
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    process.stdout.write(
      [
        `organisation archive bench — ${formatNumber(REQUESTS)} requests, ${formatNumber(seeded.attachment!)} files (${mb(filesBytes)}), ${formatNumber(seeded.submission_event!)} events, ${formatNumber(seeded.submission_message!)} messages, ${formatNumber(seeded.submission_note!)} notes, ${formatNumber(seeded.submission_document!)} letters`,
        `  export: ${exported.seconds.toFixed(1)} s (${perRequest(exported.seconds).toFixed(2)} ms/request), peak RSS ${exported.maxRssMb.toFixed(0)} MB, archive ${mb(archiveBytes)}`,
        `  import: ${imported.seconds.toFixed(1)} s (${perRequest(imported.seconds).toFixed(2)} ms/request), peak RSS ${imported.maxRssMb.toFixed(0)} MB, counts identical: ${same ? 'yes' : 'NO'}`,
        `  baseline (psql \\copy + tar): out ${baselineExport.toFixed(1)} s, in ${baselineImport.toFixed(1)} s, ${mb(baselineBytes)}`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    // Said before the databases are dropped under connections the failure may have left open.
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

const [mode, ...args] = process.argv.slice(2);
(mode === 'export' || mode === 'import' ? child(mode, args[0]!, args[1]!, args[2]!) : main()).catch(
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
