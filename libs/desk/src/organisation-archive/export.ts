import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { ZipFile } from 'yazl';
import { EXPORT_KIND } from '@guichet/forms';
import { readPointer, type ServiceDefinition } from '@guichet/shared';
import type { AttachmentStorage } from '@guichet/submissions';
import { answerColumns, answerValue, csvCell, csvValue } from '../export';
import {
  ARCHIVE_FORMAT_VERSION,
  ARCHIVE_KIND,
  MANIFEST,
  OrganisationArchiveError,
  archiveFileName,
  emptyCounts,
  layoutJson,
  type ArchiveCounts,
  type Manifest,
  type ManifestFile,
} from './format';

export interface ExportOrganisationOptions {
  /** The software's version, written in the manifest. */
  software?: string;
  now?: Date;
  /** Rows read per query. */
  batch?: number;
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Files that are already compressed (PDF, images) are stored as they are: deflating them costs CPU for nothing. */
const STORED = { compress: false };

/** What reads rows: a data source, or the query runner of the export's snapshot. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The organisation an operator names, by slug or id; a clear refusal otherwise. */
export async function findOrganisation(
  dataSource: Queryable,
  ref: string,
): Promise<{ id: string; slug: string; name: string }> {
  const rows = (await dataSource.query(
    `SELECT id, slug, name FROM organisation WHERE slug = $1 ${UUID.test(ref) ? 'OR id = $1::uuid' : ''}`,
    [ref],
  )) as Array<{ id: string; slug: string; name: string }>;
  if (!rows[0]) throw new OrganisationArchiveError('ORGANISATION_UNKNOWN', `organisation inconnue : ${ref}`);
  return rows[0];
}

/**
 * One entry of the archive being written: bytes go through a SHA-256 on their
 * way to yazl. Entries are written one after the other and each write waits
 * for yazl to take the bytes, so memory holds one chunk, not the archive.
 */
class EntryWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly pass = new PassThrough({ highWaterMark: 256 * 1024 });
  private bytes = 0;
  private pending = '';

  constructor(
    zip: ZipFile,
    readonly path: string,
    mtime: Date,
    private readonly aborted: Promise<never>,
    compress = true,
  ) {
    addStream(zip, this.pass, path, { mtime, compress });
  }

  async write(chunk: string | Buffer): Promise<void> {
    if (typeof chunk === 'string') {
      this.pending += chunk;
      if (this.pending.length < 64 * 1024) return;
      chunk = this.pending;
      this.pending = '';
    }
    await this.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }

  private async push(buffer: Buffer): Promise<void> {
    this.hash.update(buffer);
    this.bytes += buffer.length;
    if (!this.pass.write(buffer)) await Promise.race([once(this.pass, 'drain'), this.aborted]);
  }

  async end(): Promise<ManifestFile> {
    if (this.pending) await this.push(Buffer.from(this.pending));
    this.pending = '';
    this.pass.end();
    await Promise.race([finished(this.pass), this.aborted]);
    return { path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/**
 * Writes an organisation's archive (a commune that leaves with its data) to
 * `output` as a ZIP stream (yazl: ZIP64 past 4 GiB). Rows are read in
 * keyset batches and files piped from the storage one at a time: memory stays
 * flat whatever the organisation's size. The manifest, written last, lists
 * every file with its SHA-256. Nothing secret leaves: no session, API token,
 * webhook secret or anonymous owner's token hash.
 */
export async function exportOrganisation(
  dataSource: DataSource,
  storage: AttachmentStorage,
  ref: string,
  output: Writable,
  options: ExportOrganisationOptions = {},
): Promise<Manifest> {
  const organisation = await findOrganisation(dataSource, ref);
  const installation = (await dataSource.query(`SELECT id FROM installation LIMIT 1`)) as Array<{ id: string }>;
  // One snapshot for the whole archive: a request filed or purged meanwhile is in every file or in none.
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction('REPEATABLE READ');
  await runner.query('SET TRANSACTION READ ONLY');
  const db: Queryable = runner;
  const now = options.now ?? new Date();
  const batch = options.batch ?? 1000;
  const zip = new ZipFile();
  const written = pipeline(zip.outputStream, output);
  // A failing output (full disk) must stop the writer rather than leave it waiting on a drain that never comes.
  let failure: unknown;
  const aborted = new Promise<never>((_resolve, reject) => {
    void written.catch((error: unknown) => {
      failure = error;
      reject(error as Error);
    });
  });
  aborted.catch(() => undefined);
  const files: ManifestFile[] = [];
  const counts = emptyCounts();
  const orgId = organisation.id;

  const check = () => {
    if (failure) throw failure;
  };
  const buffer = (path: string, bytes: Buffer, compress = true) => {
    check();
    zip.addBuffer(bytes, path, { mtime: now, compress });
    files.push({ path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  };
  /** A JSON Lines file from a keyset query whose rows are `{ k, line }`; answers how many rows. */
  const lines = async (
    path: string,
    query: (after: string, limit: string) => string,
    params: unknown[],
    onRow?: (row: Record<string, unknown>) => string,
    start?: string,
  ): Promise<number> => {
    const entry = new EntryWriter(zip, path, now, aborted);
    let n = 0;
    for await (const row of keyset(db, query, params, batch, start)) {
      check();
      const line = onRow ? onRow(row) : (row.line as string);
      await entry.write(`${line}\n`);
      n++;
    }
    files.push(await entry.end());
    return n;
  };

  try {
    // The organisation, and its logo as a file.
    const [org] = (await db.query(
      `SELECT (to_jsonb(o) - 'logo')::text AS line, o.logo, o.logo_type FROM organisation o WHERE o.id = $1`,
      [orgId],
    )) as Array<{ line: string; logo: Buffer | null; logo_type: string | null }>;
    const logoFile = org!.logo ? `organisation/logo.${org!.logo_type === 'image/png' ? 'png' : 'jpg'}` : null;
    buffer(
      'organisation.json',
      Buffer.from(`${layoutJson(`${org!.line.slice(0, -1)},"logo_file":${JSON.stringify(logoFile)}}`, 2)}\n`),
    );
    if (logoFile) buffer(logoFile, org!.logo!, false);

    // Accounts the organisation's rows name (owners, agents, authors): who they are, never how they sign in.
    counts.accounts = await lines(
      'accounts.jsonl',
      (after, limit) => `
        SELECT a.id::text AS k, to_jsonb(a)::text AS line FROM account a
        WHERE a.id > ${after}::uuid AND (
          a.id IN (SELECT owner_account_id FROM submission WHERE organisation_id = $1 AND owner_account_id IS NOT NULL)
          OR (a.kind = 'agent' AND a.email IN (SELECT email FROM agent_membership WHERE organisation_id = $1))
          OR ('account:' || a.id) IN (
            SELECT actor FROM submission_event WHERE organisation_id = $1
            UNION SELECT assignee FROM submission WHERE organisation_id = $1 AND assignee IS NOT NULL
            UNION SELECT author FROM submission_note WHERE organisation_id = $1
            UNION SELECT author FROM submission_message WHERE organisation_id = $1
            UNION SELECT f.agent FROM submission_follower f JOIN submission s ON s.id = f.submission_id
              WHERE s.organisation_id = $1
            UNION SELECT published_by FROM form_version WHERE organisation_id = $1
            UNION SELECT actor FROM organisation_event WHERE organisation_id = $1))
        ORDER BY a.id LIMIT ${limit}`,
      [orgId],
    );
    // Agents: their roles by professional email, with the name their provider gave (no credential).
    counts.memberships = await lines(
      'agents.jsonl',
      (after, limit) => `
        SELECT m.id::text AS k, (to_jsonb(m) || jsonb_build_object(
          'service_slug', s.slug,
          'display_name', (SELECT a.display_name FROM account a WHERE a.kind = 'agent' AND a.email = m.email
                           AND a.display_name IS NOT NULL ORDER BY a.last_login_at DESC NULLS LAST LIMIT 1)))::text AS line
        FROM agent_membership m LEFT JOIN service s ON s.id = m.service_id
        WHERE m.organisation_id = $1 AND m.id > ${after}::uuid ORDER BY m.id LIMIT ${limit}`,
      [orgId],
    );
    counts.groups = await lines(
      'groups.jsonl',
      (after, limit) => `
        SELECT g.id::text AS k, (to_jsonb(g) || jsonb_build_object('service_slug', s.slug))::text AS line
        FROM caseworker_group g JOIN service s ON s.id = g.service_id
        WHERE g.organisation_id = $1 AND g.id > ${after}::uuid ORDER BY g.id LIMIT ${limit}`,
      [orgId],
    );
    counts.organisationEvents = await lines(
      'organisation-events.jsonl',
      (after, limit) => `
        SELECT e.id::text AS k, to_jsonb(e)::text AS line FROM organisation_event e
        WHERE e.organisation_id = $1 AND e.id > ${after}::uuid ORDER BY e.id LIMIT ${limit}`,
      [orgId],
    );

    // Services: the draft and every version as the `forms export` command writes them, key order kept.
    const services = (await db.query(
      `SELECT id, slug, title, description, (to_jsonb(s) - 'draft_definition' - 'webhook_secret')::text AS line,
              draft_definition::text AS draft
       FROM service s WHERE organisation_id = $1 ORDER BY created_at, slug`,
      [orgId],
    )) as Array<{ id: string; slug: string; title: string; description: string | null; line: string; draft: string }>;
    for (const service of services) {
      counts.services++;
      const head = JSON.stringify({
        guichet: EXPORT_KIND,
        formatVersion: 1,
        service: { slug: service.slug, title: service.title, description: service.description },
      });
      const definitionFile = (definition: string) =>
        Buffer.from(`${layoutJson(`${head.slice(0, -1)},"definition":${definition}}`, 2)}\n`);
      const dir = `services/${service.slug}`;
      buffer(`${dir}/draft.json`, definitionFile(service.draft));
      const versions: string[] = [];
      let latest: string | null = null;
      for await (const version of keyset(
        db,
        (after, limit) => `
          SELECT lpad(number::text, 10, '0') AS k, number, definition::text AS definition,
                 (to_jsonb(v) - 'definition')::text AS line
          FROM form_version v WHERE organisation_id = $1 AND service_id = $2 AND lpad(number::text, 10, '0') > ${after}
          ORDER BY number LIMIT ${limit}`,
        [orgId, service.id],
        50,
        '',
      )) {
        check();
        const file = `${dir}/versions/${version.number as number}.json`;
        buffer(file, definitionFile(version.definition as string));
        versions.push(`${(version.line as string).slice(0, -1)},"file":${JSON.stringify(file)}}`);
        latest = version.definition as string;
        counts.versions++;
      }
      buffer(
        `${dir}/service.json`,
        Buffer.from(
          `${layoutJson(`{"service":${service.line},"draft_file":"${dir}/draft.json","versions":[${versions.join(',')}]}`, 2)}\n`,
        ),
      );
      await serviceCsv(`${dir}/requests.csv`, service.id, JSON.parse(latest ?? service.draft) as ServiceDefinition);
    }

    // Requests and what happened to them.
    counts.requests = await lines(
      'requests.jsonl',
      (after, limit) => `
        SELECT s.id::text AS k, (to_jsonb(s) - 'anonymous_owner' || jsonb_build_object('service_slug', v.slug))::text AS line
        FROM submission s JOIN service v ON v.id = s.service_id
        WHERE s.organisation_id = $1 AND s.id > ${after}::uuid ORDER BY s.id LIMIT ${limit}`,
      [orgId],
    );
    for (const [path, table, key] of [
      ['events.jsonl', 'submission_event', 'events'],
      ['messages.jsonl', 'submission_message', 'messages'],
      ['notes.jsonl', 'submission_note', 'notes'],
    ] as const) {
      counts[key] = await lines(
        path,
        (after, limit) => `
          SELECT t.id::text AS k, to_jsonb(t)::text AS line FROM ${table} t
          WHERE t.organisation_id = $1 AND t.id > ${after}::uuid ORDER BY t.id LIMIT ${limit}`,
        [orgId],
      );
    }
    counts.followers = await lines(
      'followers.jsonl',
      (after, limit) => `
        SELECT f.submission_id::text || ' ' || f.agent AS k, to_jsonb(f)::text AS line
        FROM submission_follower f JOIN submission s ON s.id = f.submission_id
        WHERE s.organisation_id = $1 AND f.submission_id::text || ' ' || f.agent > ${after}
        ORDER BY 1 LIMIT ${limit}`,
      [orgId],
      undefined,
      '',
    );

    // Decision letters (kept in the database) and attachments (in the storage) as files, named in their rows.
    const documentPath = (row: Record<string, unknown>) =>
      `documents/${row.submission_id as string}/${row.k as string}-${archiveFileName(row.filename as string)}`;
    counts.documents = await lines(
      'documents.jsonl',
      (after, limit) => `
        SELECT d.id::text AS k, d.submission_id, d.filename, (to_jsonb(d) - 'content')::text AS line
        FROM submission_document d WHERE d.organisation_id = $1 AND d.id > ${after}::uuid
        ORDER BY d.id LIMIT ${limit}`,
      [orgId],
      (row) => `${(row.line as string).slice(0, -1)},"file":${JSON.stringify(documentPath(row))}}`,
    );
    // The letters' bytes after their list (one entry is written at a time), a few at once in memory.
    for await (const row of keyset(
      db,
      (after, limit) => `
        SELECT d.id::text AS k, d.submission_id, d.filename, d.content FROM submission_document d
        WHERE d.organisation_id = $1 AND d.id > ${after}::uuid ORDER BY d.id LIMIT ${limit}`,
      [orgId],
      20,
    )) {
      check();
      const entry = new EntryWriter(zip, documentPath(row), now, aborted, false);
      await entry.write(row.content as Buffer);
      files.push(await entry.end());
    }

    const attachmentPath = (row: Record<string, unknown>) =>
      `attachments/${row.submission_id as string}/${row.k as string}-${archiveFileName(row.filename as string)}`;
    counts.attachments = await lines(
      'attachments.jsonl',
      (after, limit) => `
        SELECT a.id::text AS k, a.submission_id, a.filename, a.bytes, (to_jsonb(a) - 'storage_key')::text AS line
        FROM attachment a WHERE a.organisation_id = $1 AND a.id > ${after}::uuid ORDER BY a.id LIMIT ${limit}`,
      [orgId],
      (row) => {
        counts.attachmentBytes += row.bytes as number;
        return `${(row.line as string).slice(0, -1)},"file":${JSON.stringify(attachmentPath(row))}}`;
      },
    );
    // One file open at a time: its stream goes through a SHA-256 into yazl, and the next waits for its end.
    for await (const row of keyset(
      db,
      (after, limit) => `
        SELECT a.id::text AS k, a.submission_id, a.filename, a.storage_key FROM attachment a
        WHERE a.organisation_id = $1 AND a.id > ${after}::uuid ORDER BY a.id LIMIT ${limit}`,
      [orgId],
      batch,
    )) {
      check();
      files.push(await pipeFile(zip, attachmentPath(row), storage.get(row.storage_key as string), now, aborted));
    }

    const manifest: Manifest = {
      kind: ARCHIVE_KIND,
      formatVersion: ARCHIVE_FORMAT_VERSION,
      source: { installationId: installation[0]?.id ?? null, software: options.software ?? null },
      organisation,
      createdAt: now.toISOString(),
      counts,
      files,
    };
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), MANIFEST, { mtime: now });
    zip.end();
    await written;
    return manifest;
  } catch (error) {
    // The first cause (the output's own, or ours), not the « premature close » that stopping the archive gives.
    const cause = failure ?? error;
    // Stop the archive where it is: the caller removes the partial file.
    (zip.outputStream as Readable).destroy();
    output.destroy();
    await written.catch(() => undefined);
    throw cause;
  } finally {
    // Read only: nothing to commit.
    await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }

  /** A CSV per service for people: the same columns as the desk's export, answers as the form names them. */
  async function serviceCsv(path: string, serviceId: string, definition: ServiceDefinition): Promise<void> {
    const columns = answerColumns(definition);
    const entry = new EntryWriter(zip, path, now, aborted);
    const fixed = ['Référence', 'Statut', 'Version', 'Déposée le', 'Décidée le', 'Groupe'];
    await entry.write(`\uFEFF${[...fixed, ...columns.map((c) => c.title)].map((c) => csvCell(c, ',')).join(',')}\r\n`);
    for await (const row of keyset(
      db,
      (after, limit) => `
        SELECT id::text AS k, reference, status, version_number, submitted_at, decided_at, group_key, data
        FROM submission WHERE organisation_id = $1 AND service_id = $2 AND status <> 'draft' AND id > ${after}::uuid
        ORDER BY id LIMIT ${limit}`,
      [orgId, serviceId],
      batch,
    )) {
      check();
      const cells = [
        row.reference,
        row.status,
        row.version_number,
        (row.submitted_at as Date | null)?.toISOString() ?? null,
        (row.decided_at as Date | null)?.toISOString() ?? null,
        row.group_key,
        ...columns.map((column) => csvValue(answerValue(column, readPointer(row.data, column.pointer)))),
      ];
      await entry.write(`${cells.map((c) => csvCell(c, ',')).join(',')}\r\n`);
    }
    files.push(await entry.end());
  }
}

/**
 * zip.addReadStream, without the entry keeping its stream: yazl holds every
 * entry until the central directory is written, and each would otherwise keep
 * its stream objects alive (kilobytes per file, megabytes per 10,000 files).
 */
function addStream(zip: ZipFile, stream: Readable, path: string, options: { mtime: Date; compress: boolean }): void {
  const holder: { stream?: Readable } = { stream };
  zip.addReadStreamLazy(path, options, (give) => {
    const taken = holder.stream!;
    holder.stream = undefined;
    give(null, taken);
  });
}

/** A storage stream into the archive through a SHA-256; resolves once yazl has read it all. */
async function pipeFile(
  zip: ZipFile,
  path: string,
  source: Readable,
  mtime: Date,
  aborted: Promise<never>,
): Promise<ManifestFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  const through = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  let sourceError: Error | undefined;
  source.on('error', (error) => {
    sourceError = error;
    through.destroy(error);
  });
  source.pipe(through);
  addStream(zip, through, path, { mtime, ...STORED });
  try {
    await Promise.race([finished(through), aborted]);
  } catch (error) {
    source.destroy();
    throw sourceError ?? error;
  }
  return { path, bytes, sha256: hash.digest('hex') };
}

/**
 * Rows in keyset batches: `query(after, limit)` names the placeholders of the
 * last key seen and of the batch size; each row carries its key as `k` (text).
 */
export async function* keyset(
  db: Queryable,
  query: (after: string, limit: string) => string,
  params: unknown[],
  batch: number,
  start = ZERO_UUID,
): AsyncGenerator<Record<string, unknown>> {
  const text = query(`$${params.length + 1}`, `$${params.length + 2}`);
  let after = start;
  for (;;) {
    const rows = (await db.query(text, [...params, after, batch])) as Array<Record<string, unknown>>;
    for (const row of rows) yield row;
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.k as string;
  }
}

export type { ArchiveCounts };
