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
  archiveFileName,
  emptyCounts,
  layoutJson,
  type ArchiveCounts,
  type Manifest,
  type ManifestFile,
} from './format';
import { ArchiveExportRepository, type Queryable } from './export-repository';

export interface ExportOrganisationOptions {
  /** The software's version, written in the manifest. */
  software?: string;
  now?: Date;
  /** Rows read per query. */
  batch?: number;
}

/** Files that are already compressed (PDF, images) are stored as they are: deflating them costs CPU for nothing. */
const STORED = { compress: false };

/** The organisation an operator names, by slug or id; a clear refusal otherwise. */
export function findOrganisation(
  dataSource: Queryable,
  ref: string,
): Promise<{ id: string; slug: string; name: string }> {
  return ArchiveExportRepository.findInAnyOrganisation(dataSource, ref);
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
  const organisation = await ArchiveExportRepository.findInAnyOrganisation(dataSource, ref);
  const installationId = await ArchiveExportRepository.installationIdInAnyOrganisation(dataSource);
  const now = options.now ?? new Date();
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
  /** A JSON Lines file from rows `{ k, line }` (or lines made by `onRow`); answers how many rows. */
  const lines = async (
    path: string,
    rows: AsyncIterable<Record<string, unknown>>,
    onRow?: (row: Record<string, unknown>) => string,
  ): Promise<number> => {
    const entry = new EntryWriter(zip, path, now, aborted);
    let n = 0;
    for await (const row of rows) {
      check();
      const line = onRow ? onRow(row) : (row.line as string);
      await entry.write(`${line}\n`);
      n++;
    }
    files.push(await entry.end());
    return n;
  };

  try {
    // One snapshot for the whole archive: a request filed or purged meanwhile is in every file or in none.
    await ArchiveExportRepository.snapshot(dataSource, options.batch ?? 1000, async (db) => {
      // The organisation, and its logo as a file.
      const org = await db.organisation(orgId);
      const logoFile = org.logo ? `organisation/logo.${org.logo_type === 'image/png' ? 'png' : 'jpg'}` : null;
      buffer(
        'organisation.json',
        Buffer.from(`${layoutJson(`${org.line.slice(0, -1)},"logo_file":${JSON.stringify(logoFile)}}`, 2)}\n`),
      );
      if (logoFile) buffer(logoFile, org.logo!, false);

      counts.accounts = await lines('accounts.jsonl', db.accounts(orgId));
      counts.memberships = await lines('agents.jsonl', db.memberships(orgId));
      counts.groups = await lines('groups.jsonl', db.groups(orgId));
      counts.organisationEvents = await lines('organisation-events.jsonl', db.organisationEvents(orgId));

      // Services: the draft and every version as the `forms export` command writes them, key order kept.
      for (const service of await db.services(orgId)) {
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
        for await (const version of db.versions(orgId, service.id)) {
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
        await serviceCsv(
          `${dir}/requests.csv`,
          db.serviceRequests(orgId, service.id),
          JSON.parse(latest ?? service.draft) as ServiceDefinition,
        );
      }

      // Requests and what happened to them.
      counts.requests = await lines('requests.jsonl', db.requests(orgId));
      for (const [path, table, key] of [
        ['events.jsonl', 'submission_event', 'events'],
        ['messages.jsonl', 'submission_message', 'messages'],
        ['notes.jsonl', 'submission_note', 'notes'],
      ] as const) {
        counts[key] = await lines(path, db.requestLog(orgId, table));
      }
      counts.followers = await lines('followers.jsonl', db.followers(orgId));

      // Decision letters (kept in the database) and attachments (in the storage) as files, named in their rows.
      const documentPath = (row: Record<string, unknown>) =>
        `documents/${row.submission_id as string}/${row.k as string}-${archiveFileName(row.filename as string)}`;
      counts.documents = await lines(
        'documents.jsonl',
        db.documents(orgId),
        (row) => `${(row.line as string).slice(0, -1)},"file":${JSON.stringify(documentPath(row))}}`,
      );
      // The letters' bytes after their list (one entry is written at a time), a few at once in memory.
      for await (const row of db.documentContents(orgId)) {
        check();
        const entry = new EntryWriter(zip, documentPath(row), now, aborted, false);
        await entry.write(row.content as Buffer);
        files.push(await entry.end());
      }

      const attachmentPath = (row: Record<string, unknown>) =>
        `attachments/${row.submission_id as string}/${row.k as string}-${archiveFileName(row.filename as string)}`;
      counts.attachments = await lines('attachments.jsonl', db.attachments(orgId), (row) => {
        counts.attachmentBytes += row.bytes as number;
        return `${(row.line as string).slice(0, -1)},"file":${JSON.stringify(attachmentPath(row))}}`;
      });
      // One file open at a time: its stream goes through a SHA-256 into yazl, and the next waits for its end.
      for await (const row of db.attachmentFiles(orgId)) {
        check();
        files.push(await pipeFile(zip, attachmentPath(row), storage.get(row.storage_key as string), now, aborted));
      }
    });

    const manifest: Manifest = {
      kind: ARCHIVE_KIND,
      formatVersion: ARCHIVE_FORMAT_VERSION,
      source: { installationId, software: options.software ?? null },
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
  }

  /** A CSV per service for people: the same columns as the desk's export, answers as the form names them. */
  async function serviceCsv(
    path: string,
    rows: AsyncIterable<Record<string, unknown>>,
    definition: ServiceDefinition,
  ): Promise<void> {
    const columns = answerColumns(definition);
    const entry = new EntryWriter(zip, path, now, aborted);
    const fixed = ['Référence', 'Statut', 'Version', 'Déposée le', 'Décidée le', 'Groupe'];
    await entry.write(`\uFEFF${[...fixed, ...columns.map((c) => c.title)].map((c) => csvCell(c, ',')).join(',')}\r\n`);
    for await (const row of rows) {
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

export type { ArchiveCounts };
