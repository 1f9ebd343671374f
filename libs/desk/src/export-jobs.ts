import { Readable, Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { DeskExport, DeskExportStatus } from '@guichet/persistence';
import type { AttachmentStorage } from '@guichet/submissions';
import { AppError, isUuid, type ErrorItem, type OrganisationId } from '@guichet/shared';
import type { DeskActor } from './access';
import { countRequests, EXPORT_FORMATS, exportRequests, type ExportFormat } from './export';
import { ExportRepository, type PartsTable } from './export-repository';
import type { Inbox } from './inbox';
import { parseInboxQuery } from './inbox-query';
import { XLSX_MEDIA_TYPE } from './xlsx';

/** A file made by a worker can be downloaded for this long after it is ready. */
export const EXPORT_TTL_MS = 24 * 3600_000;
/** The file goes to the attachments storage in parts of this size: the worker never holds more. */
export const EXPORT_PART_BYTES = 8 * 1024 * 1024;
/** Runs of one export before it is marked failed (the queue retries a failed run). */
export const EXPORT_MAX_RUNS = 4;

export const EXPORT_MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  xlsx: XLSX_MEDIA_TYPE,
};

/** An export as asked: its format, whether the agent asked for a worker, and the query given to exportRequests. */
export interface ExportRequest {
  format: ExportFormat;
  async: boolean;
  /** The filter, columns, format and separator (without `async`). */
  query: Record<string, unknown>;
}

export interface ExportView {
  exportId: string;
  status: DeskExportStatus;
  format: string;
  /** Requests in the file, once ready. */
  rows: number | null;
  bytes: number | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string;
  statusUrl: string;
  /** Once ready: where the agent who asked downloads it. */
  downloadUrl?: string;
  /** Once failed: what went wrong, in French. */
  error?: string;
}

const bad = (name: string, message: string): ErrorItem => ({ pointer: `/${name}`, code: `query:${name}`, message });

/** Reads `format`, `sep` and `async`; the filter itself is checked against the form later. 400 with a pointer. */
export function parseExportRequest(raw: Record<string, unknown>): ExportRequest {
  const errors: ErrorItem[] = [];
  const { async: asked, ...query } = raw;
  const format = raw.format;
  if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format))
    errors.push(bad('format', 'Format attendu : csv, jsonl ou xlsx.'));
  if (raw.sep !== undefined && raw.sep !== 'semicolon' && raw.sep !== 'comma')
    errors.push(bad('sep', 'Séparateur attendu : comma ou semicolon.'));
  if (asked !== undefined && !['0', '1', 'true', 'false'].includes(asked as string))
    errors.push(bad('async', 'Attendu : async=1 (export fait en tâche de fond) ou async=0.'));
  if (errors.length) throw new AppError('INVALID_REQUEST', { errors });
  return { format: format as ExportFormat, async: asked === '1' || asked === 'true', query };
}

/** Thrown when a newer run of the same file took over: the older run stops and removes its parts. */
export class Superseded extends Error {
  constructor() {
    super('a newer run of this export took over');
  }
}

/** `00000002-0000-4000-8000-000000000005`: part 5 of run 2, shaped like the storage's other keys (uuids). */
function partName(attempt: number, part: number): string {
  return `${attempt.toString(16).padStart(8, '0')}-0000-4000-8000-${part.toString(16).padStart(12, '0')}`;
}

/** Where part `part` of run `attempt` of a file made by a worker lies in the attachments storage. */
export function storageKey(row: { organisationId: string; id: string }, attempt: number, part: number): string {
  return `${row.organisationId}/${row.id}/${partName(attempt, part)}`;
}

/** A file made by a worker, read part after part from the storage. */
export function readParts(
  storage: AttachmentStorage,
  row: { organisationId: string; id: string; attempt: number; parts: number },
): Readable {
  async function* parts() {
    for (let part = 0; part < row.parts; part++) yield* storage.get(storageKey(row, row.attempt, part));
  }
  return Readable.from(parts(), { objectMode: false });
}

/** Removes the parts of one run; one more than recorded: a part may have been stored just before its run stopped. */
export async function deleteParts(
  storage: AttachmentStorage,
  row: { organisationId: string; id: string },
  attempt: number,
  parts: number,
): Promise<void> {
  for (let part = 0; part <= parts; part++) {
    await storage.delete(storageKey(row, attempt, part)).catch(() => undefined);
  }
}

/**
 * Writes a file into the storage in parts of EXPORT_PART_BYTES: memory holds
 * one part at most. Each part stored is counted in the file's row; a run that
 * a newer one took over (its attempt is no longer the row's) gets Superseded.
 */
export class PartWriter {
  parts = 0;
  bytes = 0;
  private readonly pending: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly repository: ExportRepository,
    private readonly storage: AttachmentStorage,
    private readonly table: PartsTable,
    private readonly row: { organisationId: OrganisationId; id: string },
    private readonly attempt: number,
  ) {}

  async write(chunk: string | Buffer): Promise<void> {
    const piece = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.pending.push(piece);
    this.size += piece.length;
    if (this.size >= EXPORT_PART_BYTES) await this.flush();
  }

  /** Stores what is pending as the next part. */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const part = Buffer.concat(this.pending, this.size);
    this.pending.length = 0;
    this.size = 0;
    await this.storage.put(storageKey(this.row, this.attempt, this.parts), part);
    this.parts++;
    this.bytes += part.length;
    const counted = await this.repository.setParts(
      this.row.organisationId,
      this.table,
      { id: this.row.id, attempt: this.attempt },
      this.parts,
    );
    if (!counted) throw new Superseded();
  }

  /** The same, as a stream to pipe into (ended: the last part is stored). */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.write(chunk).then(() => callback(), callback);
      },
      final: (callback) => {
        this.flush().then(() => callback(), callback);
      },
    });
  }
}

/**
 * Takes a file over for a new run (attempt + 1) and removes what an earlier
 * run left; answers the new attempt and the file's organisation, or null when
 * the file is ready, failed or expired (nothing to do). `waiting` is the
 * table's status before a run.
 */
export async function claimRun(
  repository: ExportRepository,
  storage: AttachmentStorage,
  table: PartsTable,
  waiting: string,
  id: string,
): Promise<{ attempt: number; organisationId: OrganisationId } | null> {
  const claim = await repository.claimRunInAnyOrganisation(table, waiting, id);
  if (!claim) return null;
  if (claim.oldAttempt > 0)
    await deleteParts(storage, { id, organisationId: claim.organisationId }, claim.oldAttempt, claim.oldParts);
  return { attempt: claim.attempt, organisationId: claim.organisationId };
}

/**
 * After a run that threw: removes its parts, then answers 'superseded' (a
 * newer run took over), or records the failure — for good ('failed') when
 * `final`, otherwise back to `waiting` and the error is thrown again for the
 * queue to retry.
 */
export async function endFailedRun(
  repository: ExportRepository,
  storage: AttachmentStorage,
  table: PartsTable,
  file: { row: { organisationId: OrganisationId; id: string }; attempt: number; parts: number },
  outcome: { error: unknown; final: boolean; waiting: string; message: string },
): Promise<string> {
  await deleteParts(storage, file.row, file.attempt, file.parts);
  if (outcome.error instanceof Superseded) return 'superseded';
  await repository.endRun(
    file.row.organisationId,
    table,
    { id: file.row.id, attempt: file.attempt },
    outcome.final ? 'failed' : outcome.waiting,
    outcome.message,
  );
  if (outcome.final) return 'failed';
  throw outcome.error;
}

/** Housekeeping: files of `table` past their time, parts and rows. Answers how many went. */
export async function deleteExpired(
  repository: ExportRepository,
  storage: AttachmentStorage,
  table: PartsTable,
  batch: number,
): Promise<number> {
  const rows = await repository.expiredInAnyOrganisation(table, batch);
  for (const row of rows) {
    if (row.attempt > 0) await deleteParts(storage, row, row.attempt, row.parts);
    await repository.deleteFile(row.organisationId, table, row.id);
  }
  return rows.length;
}

/**
 * Exports too large to stream in one request (more than `syncMaxRows`
 * requests, or asked with `async=1`): the API records what was asked and an
 * outbox row in one transaction; a worker makes the file into the
 * attachments storage, in parts; the agent who asked — and only them —
 * follows its status and downloads it for 24 hours; the housekeeping deletes
 * it afterwards.
 */
export class DeskExports {
  constructor(
    dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly storage: AttachmentStorage,
    private readonly options: { syncMaxRows: number; ttlMs?: number },
    private readonly repository: ExportRepository = new ExportRepository(dataSource),
  ) {}

  private get ttlMs(): number {
    return this.options.ttlMs ?? EXPORT_TTL_MS;
  }

  /**
   * Checks access and the filter (404, 400), then either answers null (the
   * caller streams the file now) or records an export for a worker and
   * answers its view (202). The same export still waiting for the same agent
   * is answered again rather than made twice.
   */
  async start(slug: string, actor: DeskActor, request: ExportRequest): Promise<ExportView | null> {
    const worked = await this.inbox.service(slug, actor);
    const { service, organisationId, definition } = worked;
    if (!request.async) {
      const count = await countRequests(this.inbox, slug, actor, request.query, this.options.syncMaxRows);
      if (count <= this.options.syncMaxRows) return null;
    } else {
      const rest = { ...request.query };
      delete rest.format;
      delete rest.sep;
      parseInboxQuery(rest, definition.schema, false, definition.uiSchema, await this.inbox.statuses(worked));
    }
    const { row } = await this.repository.requestExport(organisationId, {
      serviceId: service.id,
      requestedBy: actor.id,
      format: request.format,
      query: request.query,
      scope: { id: actor.id, organisationIds: actor.organisationIds, grants: actor.grants } as never,
      filename: `${service.slug}-demandes.${request.format}`,
      mediaType: EXPORT_MEDIA_TYPES[request.format],
      expiresAt: new Date(Date.now() + this.ttlMs),
    });
    return this.view(slug, row);
  }

  /**
   * Writes the file now, when `start` answered null: `exportRequests` on this
   * export's inbox (the caller writes each chunk to the client as fast as it
   * reads). Answers the number of requests written.
   */
  stream(
    slug: string,
    actor: DeskActor,
    request: ExportRequest,
    write: (chunk: string | Buffer) => Promise<void>,
  ): Promise<number> {
    return exportRequests(this.inbox, slug, actor, request.query, write);
  }

  private view(slug: string, row: DeskExport): ExportView {
    const statusUrl = `/api/v1/services/${slug}/exports/${row.id}`;
    return {
      exportId: row.id,
      status: row.status,
      format: row.format,
      rows: row.rows,
      bytes: row.bytes === null ? null : Number(row.bytes),
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
      expiresAt: row.expiresAt.toISOString(),
      statusUrl,
      ...(row.status === 'ready' ? { downloadUrl: `${statusUrl}/download` } : {}),
      ...(row.status === 'failed' ? { error: row.error ?? 'L’export n’a pas pu être fait.' } : {}),
    };
  }

  /** The export, if it is this agent's, on a service they still work on, and not expired; 404 otherwise. */
  private async find(slug: string, exportId: string, actor: DeskActor): Promise<DeskExport> {
    const { service, organisationId } = await this.inbox.service(slug, actor);
    if (!isUuid(exportId)) throw new AppError('NOT_FOUND');
    const row = await this.repository.findExport(organisationId, service.id, exportId);
    if (!row || row.requestedBy !== actor.id || row.expiresAt.getTime() <= Date.now()) throw new AppError('NOT_FOUND');
    return row;
  }

  async status(slug: string, exportId: string, actor: DeskActor): Promise<ExportView> {
    return this.view(slug, await this.find(slug, exportId, actor));
  }

  /** The file, read part after part from the storage; 404 until it is ready. */
  async open(
    slug: string,
    exportId: string,
    actor: DeskActor,
  ): Promise<{ filename: string; mediaType: string; bytes: number; stream: Readable }> {
    const row = await this.find(slug, exportId, actor);
    if (row.status !== 'ready') throw new AppError('NOT_FOUND');
    return {
      filename: row.filename,
      mediaType: row.mediaType,
      bytes: Number(row.bytes ?? 0),
      stream: readParts(this.storage, row),
    };
  }

  /**
   * The worker's side (job `desk.export`), idempotent: a ready, failed or
   * expired export is left alone; each run takes the export over (attempt + 1)
   * and removes what an earlier run left; a run overtaken by a newer one
   * stops and removes its own parts. Runs as the agent who asked, with the
   * access they had then.
   */
  async run(exportId: string): Promise<string> {
    const claim = await claimRun(this.repository, this.storage, 'desk_export', 'pending', exportId);
    if (claim === null) return 'nothing to do';
    const { attempt, organisationId } = claim;
    const row = await this.repository.deskExport(organisationId, exportId);
    const slug = await this.repository.serviceSlug(organisationId, row.serviceId);
    const file = new PartWriter(this.repository, this.storage, 'desk_export', { id: row.id, organisationId }, attempt);
    try {
      if (slug === undefined) throw new AppError('NOT_FOUND');
      const rows = await exportRequests(this.inbox, slug, row.scope as unknown as DeskActor, row.query, (chunk) =>
        file.write(chunk),
      );
      await file.flush();
      const { parts, bytes } = file;
      const ready = await this.repository.exportReady(
        organisationId,
        { id: exportId, attempt },
        { rows, bytes, parts, ttlMs: this.ttlMs },
      );
      if (!ready) throw new Superseded();
      return `ready: ${rows} rows, ${bytes} bytes`;
    } catch (error) {
      // The agent lost access, or the form changed under the filter: trying again changes nothing.
      return endFailedRun(
        this.repository,
        this.storage,
        'desk_export',
        { row: { id: row.id, organisationId }, attempt, parts: file.parts },
        {
          error,
          final: error instanceof AppError || attempt >= EXPORT_MAX_RUNS,
          waiting: 'pending',
          message:
            error instanceof AppError
              ? 'Vous n’avez plus accès à ces demandes, ou le filtre ne s’applique plus au formulaire.'
              : 'L’export n’a pas pu être fait ; demandez-le de nouveau.',
        },
      );
    }
  }

  /** Housekeeping: exports past their time, files and rows. Answers how many went. */
  cleanExpired(batch = 100): Promise<number> {
    return deleteExpired(this.repository, this.storage, 'desk_export', batch);
  }
}
