import { randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { DeskExport, type DeskExportStatus } from '@guichet/persistence';
import { addOutbox, JobTopic } from '@guichet/queue';
import type { AttachmentStorage } from '@guichet/submissions';
import { AppError, isUuid, type ErrorItem } from '@guichet/shared';
import type { DeskActor } from './access';
import { countRequests, EXPORT_FORMATS, exportRequests, type ExportFormat } from './export';
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

/** UPDATE through TypeORM's pg driver answers `[rows, rowCount]`. */
export async function update(
  runner: DataSource | EntityManager,
  sql: string,
  params: unknown[],
): Promise<{ rows: Array<Record<string, unknown>>; count: number }> {
  const [rows, count] = (await runner.query(sql, params)) as [Array<Record<string, unknown>>, number];
  return { rows, count };
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

/** The tables of files made by a worker in parts: the desk's exports and the organisations' archives. */
export type PartsTable = 'desk_export' | 'organisation_archive';

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
    private readonly dataSource: DataSource,
    private readonly storage: AttachmentStorage,
    private readonly table: PartsTable,
    private readonly row: { organisationId: string; id: string },
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
    const done = await update(this.dataSource, `UPDATE ${this.table} SET parts = $3 WHERE id = $1 AND attempt = $2`, [
      this.row.id,
      this.attempt,
      this.parts,
    ]);
    if (done.count === 0) throw new Superseded();
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
 * run left; answers the new attempt, or null when the file is ready, failed
 * or expired (nothing to do). `waiting` is the table's status before a run.
 */
export async function claimRun(
  dataSource: DataSource,
  storage: AttachmentStorage,
  table: PartsTable,
  waiting: string,
  id: string,
): Promise<number | null> {
  const claimed = await update(
    dataSource,
    `WITH old AS (SELECT id, attempt, parts FROM ${table} WHERE id = $1 FOR UPDATE)
     UPDATE ${table} t SET status = 'running', attempt = old.attempt + 1, parts = 0, error = NULL
       FROM old WHERE t.id = old.id AND t.status IN ($2, 'running') AND t.expires_at > now()
     RETURNING t.organisation_id, t.attempt, old.attempt AS old_attempt, old.parts AS old_parts`,
    [id, waiting],
  );
  const claim = claimed.rows[0] as
    { organisation_id: string; attempt: number; old_attempt: number; old_parts: number } | undefined;
  if (!claim) return null;
  if (claim.old_attempt > 0)
    await deleteParts(storage, { id, organisationId: claim.organisation_id }, claim.old_attempt, claim.old_parts);
  return claim.attempt;
}

/**
 * After a run that threw: removes its parts, then answers 'superseded' (a
 * newer run took over), or records the failure — for good ('failed') when
 * `final`, otherwise back to `waiting` and the error is thrown again for the
 * queue to retry.
 */
export async function endFailedRun(
  dataSource: DataSource,
  storage: AttachmentStorage,
  table: PartsTable,
  file: { row: { organisationId: string; id: string }; attempt: number; parts: number },
  outcome: { error: unknown; final: boolean; waiting: string; message: string },
): Promise<string> {
  await deleteParts(storage, file.row, file.attempt, file.parts);
  if (outcome.error instanceof Superseded) return 'superseded';
  await update(
    dataSource,
    `UPDATE ${table} SET status = $3::varchar, parts = 0, error = $4,
            finished_at = CASE WHEN $3::varchar = 'failed' THEN now() END
      WHERE id = $1 AND attempt = $2`,
    [file.row.id, file.attempt, outcome.final ? 'failed' : outcome.waiting, outcome.message],
  );
  if (outcome.final) return 'failed';
  throw outcome.error;
}

/** Housekeeping: files of `table` past their time, parts and rows. Answers how many went. */
export async function deleteExpired(
  dataSource: DataSource,
  storage: AttachmentStorage,
  table: PartsTable,
  batch: number,
): Promise<number> {
  const rows = (await dataSource.query(
    `SELECT id, organisation_id, attempt, parts FROM ${table} WHERE expires_at < now() ORDER BY expires_at LIMIT $1`,
    [batch],
  )) as Array<{ id: string; organisation_id: string; attempt: number; parts: number }>;
  for (const row of rows) {
    if (row.attempt > 0)
      await deleteParts(storage, { id: row.id, organisationId: row.organisation_id }, row.attempt, row.parts);
    await dataSource.query(`DELETE FROM ${table} WHERE id = $1`, [row.id]);
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
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly storage: AttachmentStorage,
    private readonly options: { syncMaxRows: number; ttlMs?: number },
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
    const { service, definition } = await this.inbox.service(slug, actor);
    if (!request.async) {
      const count = await countRequests(this.inbox, slug, actor, request.query, this.options.syncMaxRows);
      if (count <= this.options.syncMaxRows) return null;
    } else {
      const rest = { ...request.query };
      delete rest.format;
      delete rest.sep;
      parseInboxQuery(rest, definition.schema, false, definition.uiSchema);
    }
    const row = await this.dataSource.transaction(async (manager) => {
      // Two clicks of the same agent become one export.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`desk_export:${actor.id}`]);
      const [same] = (await manager.query(
        `SELECT id FROM desk_export WHERE requested_by = $1 AND service_id = $2 AND format = $3 AND query = $4::jsonb
            AND status IN ('pending', 'running') AND expires_at > now() LIMIT 1`,
        [actor.id, service.id, request.format, JSON.stringify(request.query)],
      )) as Array<{ id: string }>;
      if (same) return manager.getRepository(DeskExport).findOneByOrFail({ id: same.id });
      const id = randomUUID();
      await manager.getRepository(DeskExport).insert({
        id,
        organisationId: service.organisationId,
        serviceId: service.id,
        requestedBy: actor.id,
        format: request.format,
        // jsonb columns: TypeORM's insert types do not follow Record<string, unknown>.
        query: request.query as never,
        scope: { id: actor.id, organisationIds: actor.organisationIds, grants: actor.grants } as never,
        status: 'pending',
        filename: `${service.slug}-demandes.${request.format}`,
        mediaType: EXPORT_MEDIA_TYPES[request.format],
        expiresAt: new Date(Date.now() + this.ttlMs),
      });
      await addOutbox(manager, {
        organisationId: service.organisationId,
        topic: JobTopic.DeskExport,
        payload: { exportId: id },
      });
      return manager.getRepository(DeskExport).findOneByOrFail({ id });
    });
    return this.view(slug, row);
  }

  /**
   * Writes the file now, when `start` answered null: `exportRequests` on this
   * export's data source and inbox (the caller writes each chunk to the
   * client as fast as it reads). Answers the number of requests written.
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
    const { service } = await this.inbox.service(slug, actor);
    if (!isUuid(exportId)) throw new AppError('NOT_FOUND');
    const row = await this.dataSource.getRepository(DeskExport).findOneBy({ id: exportId, serviceId: service.id });
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
    const attempt = await claimRun(this.dataSource, this.storage, 'desk_export', 'pending', exportId);
    if (attempt === null) return 'nothing to do';
    const row = await this.dataSource.getRepository(DeskExport).findOneByOrFail({ id: exportId });
    const [service] = (await this.dataSource.query(`SELECT slug FROM service WHERE id = $1`, [
      row.serviceId,
    ])) as Array<{
      slug: string;
    }>;
    const file = new PartWriter(this.dataSource, this.storage, 'desk_export', row, attempt);
    try {
      if (!service) throw new AppError('NOT_FOUND');
      const rows = await exportRequests(
        this.inbox,
        service.slug,
        row.scope as unknown as DeskActor,
        row.query,
        (chunk) => file.write(chunk),
      );
      await file.flush();
      const { parts, bytes } = file;
      const ready = await update(
        this.dataSource,
        `UPDATE desk_export SET status = 'ready', rows = $3, bytes = $4, parts = $5, finished_at = now(),
                expires_at = now() + make_interval(secs => $6)
          WHERE id = $1 AND attempt = $2`,
        [exportId, attempt, rows, bytes, parts, this.ttlMs / 1000],
      );
      if (ready.count === 0) throw new Superseded();
      return `ready: ${rows} rows, ${bytes} bytes`;
    } catch (error) {
      // The agent lost access, or the form changed under the filter: trying again changes nothing.
      return endFailedRun(
        this.dataSource,
        this.storage,
        'desk_export',
        { row, attempt, parts: file.parts },
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
    return deleteExpired(this.dataSource, this.storage, 'desk_export', batch);
  }
}
