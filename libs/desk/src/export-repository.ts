import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DeskExport, OrganisationArchive } from '@guichet/persistence';
import { addOutbox, JobTopic } from '@guichet/queue';
import { organisationId as parseOrganisationId, type OrganisationId } from '@guichet/shared';

/** The tables of files made by a worker in parts: the desk's exports and the organisations' archives. */
export type PartsTable = 'desk_export' | 'organisation_archive';

/** A desk export as the API records it, before a worker makes it. */
export type NewDeskExport = Pick<
  DeskExport,
  'serviceId' | 'requestedBy' | 'format' | 'query' | 'scope' | 'filename' | 'mediaType' | 'expiresAt'
>;

/** A file taken over by a new run: its organisation, the run's attempt, and what the run before left. */
export interface ClaimedRun {
  organisationId: OrganisationId;
  attempt: number;
  oldAttempt: number;
  oldParts: number;
}

/** A file past its time, as the housekeeping finds it. */
export interface ExpiredFile {
  id: string;
  organisationId: OrganisationId;
  attempt: number;
  parts: number;
}

/**
 * The statements of the files that a worker makes in parts: the desk's
 * exports (desk_export) and the organisations' archives
 * (organisation_archive), from the request that records one to the
 * housekeeping that deletes it.
 *
 * Tenant: every method takes the file's organisation first and scopes its
 * statement by it (both tables have the column; rows written carry it). Two
 * cannot, and say so: a worker's job carries the file's id only, so
 * `claimRunInAnyOrganisation` takes the file over by its id and answers its
 * organisation, which the run's other calls then take; and the housekeeping
 * (`expiredInAnyOrganisation`) goes through every organisation's files. Each
 * method is the statement, or the one transaction, that the code before it
 * ran.
 */
export class ExportRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records an export and its outbox row in one transaction; while the same
   * export of the same agent still waits, answers that one (`created: false`).
   */
  requestExport(organisationId: OrganisationId, ask: NewDeskExport): Promise<{ row: DeskExport; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      // Two clicks of the same agent become one export.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`desk_export:${ask.requestedBy}`]);
      const [same] = (await manager.query(
        `SELECT id FROM desk_export WHERE requested_by = $1 AND service_id = $2 AND format = $3 AND query = $4::jsonb
            AND status IN ('pending', 'running') AND expires_at > now() AND organisation_id = $5 LIMIT 1`,
        [ask.requestedBy, ask.serviceId, ask.format, JSON.stringify(ask.query), organisationId],
      )) as Array<{ id: string }>;
      const exports = manager.getRepository(DeskExport);
      if (same) return { row: await exports.findOneByOrFail({ id: same.id, organisationId }), created: false };
      const id = randomUUID();
      await exports.insert({
        ...ask,
        id,
        organisationId,
        // jsonb columns: TypeORM's insert types do not follow Record<string, unknown>.
        query: ask.query as never,
        scope: ask.scope as never,
        status: 'pending',
      });
      await addOutbox(manager, { organisationId, topic: JobTopic.DeskExport, payload: { exportId: id } });
      return { row: await exports.findOneByOrFail({ id, organisationId }), created: true };
    });
  }

  /** The export with this id, if it is of this service; null otherwise. */
  findExport(organisationId: OrganisationId, serviceId: string, exportId: string): Promise<DeskExport | null> {
    return this.dataSource.getRepository(DeskExport).findOneBy({ id: exportId, serviceId, organisationId });
  }

  /** The export a run took over (`claimRunInAnyOrganisation` gave its organisation). */
  deskExport(organisationId: OrganisationId, exportId: string): Promise<DeskExport> {
    return this.dataSource.getRepository(DeskExport).findOneByOrFail({ id: exportId, organisationId });
  }

  /** The service's slug; undefined when the service is gone. */
  async serviceSlug(organisationId: OrganisationId, serviceId: string): Promise<string | undefined> {
    const [service] = (await this.dataSource.query(`SELECT slug FROM service WHERE id = $1 AND organisation_id = $2`, [
      serviceId,
      organisationId,
    ])) as Array<{ slug: string }>;
    return service?.slug;
  }

  /** Marks the export ready, unless a newer run took it over: answers whether it did. */
  async exportReady(
    organisationId: OrganisationId,
    file: { id: string; attempt: number },
    made: { rows: number; bytes: number; parts: number; ttlMs: number },
  ): Promise<boolean> {
    const count = await this.update(
      `UPDATE desk_export SET status = 'ready', rows = $3, bytes = $4, parts = $5, finished_at = now(),
                expires_at = now() + make_interval(secs => $6)
          WHERE id = $1 AND attempt = $2 AND organisation_id = $7`,
      [file.id, file.attempt, made.rows, made.bytes, made.parts, made.ttlMs / 1000, organisationId],
    );
    return count > 0;
  }

  /**
   * Records an archive and its outbox row in one transaction; while one is
   * queued or running for the organisation, answers that one (`created: false`).
   */
  requestArchive(
    organisationId: OrganisationId,
    requestedBy: string,
    expiresAt: Date,
  ): Promise<{ row: OrganisationArchive; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`organisation_archive:${organisationId}`]);
      const archives = manager.getRepository(OrganisationArchive);
      const [running] = (await manager.query(
        `SELECT id FROM organisation_archive WHERE organisation_id = $1 AND status IN ('queued', 'running')
            AND expires_at > now() ORDER BY created_at DESC LIMIT 1`,
        [organisationId],
      )) as Array<{ id: string }>;
      if (running) return { row: await archives.findOneByOrFail({ id: running.id, organisationId }), created: false };
      const id = randomUUID();
      await archives.insert({ id, organisationId, requestedBy, status: 'queued', expiresAt });
      await addOutbox(manager, { organisationId, topic: JobTopic.OrganisationArchive, payload: { archiveId: id } });
      return { row: await archives.findOneByOrFail({ id, organisationId }), created: true };
    });
  }

  /** The organisation's archive with this id; null otherwise (another organisation's included). */
  findArchive(organisationId: OrganisationId, archiveId: string): Promise<OrganisationArchive | null> {
    return this.dataSource.getRepository(OrganisationArchive).findOneBy({ id: archiveId, organisationId });
  }

  /** The archive a run took over (`claimRunInAnyOrganisation` gave its organisation). */
  archive(organisationId: OrganisationId, archiveId: string): Promise<OrganisationArchive> {
    return this.dataSource.getRepository(OrganisationArchive).findOneByOrFail({ id: archiveId, organisationId });
  }

  /** The organisation's slug; undefined when it is gone. */
  async organisationSlug(organisationId: OrganisationId): Promise<string | undefined> {
    const [organisation] = (await this.dataSource.query(`SELECT slug FROM organisation WHERE id = $1`, [
      organisationId,
    ])) as Array<{ slug: string }>;
    return organisation?.slug;
  }

  /** Marks the archive ready, unless a newer run took it over: answers whether it did. */
  async archiveReady(
    organisationId: OrganisationId,
    file: { id: string; attempt: number },
    made: { bytes: number; parts: number; ttlMs: number },
  ): Promise<boolean> {
    const count = await this.update(
      `UPDATE organisation_archive SET status = 'ready', bytes = $3, parts = $4, finished_at = now(),
                expires_at = now() + make_interval(secs => $5)
          WHERE id = $1 AND attempt = $2 AND organisation_id = $6`,
      [file.id, file.attempt, made.bytes, made.parts, made.ttlMs / 1000, organisationId],
    );
    return count > 0;
  }

  /**
   * Any organisation: takes the file with this id over for a new run (attempt
   * + 1, no parts, no error) unless it is ready, failed or expired (null). A
   * worker's job carries the id alone; the answer names the file's
   * organisation, which the run's other calls take. `waiting` is the table's
   * status before a run.
   */
  async claimRunInAnyOrganisation(table: PartsTable, waiting: string, id: string): Promise<ClaimedRun | null> {
    const [rows] = (await this.dataSource.query(
      `WITH old AS (SELECT id, attempt, parts FROM ${table} WHERE id = $1 FOR UPDATE)
     UPDATE ${table} t SET status = 'running', attempt = old.attempt + 1, parts = 0, error = NULL
       FROM old WHERE t.id = old.id AND t.status IN ($2, 'running') AND t.expires_at > now()
     RETURNING t.organisation_id, t.attempt, old.attempt AS old_attempt, old.parts AS old_parts`,
      [id, waiting],
    )) as [Array<{ organisation_id: string; attempt: number; old_attempt: number; old_parts: number }>, number];
    const claim = rows[0];
    if (!claim) return null;
    return {
      organisationId: parseOrganisationId(claim.organisation_id),
      attempt: claim.attempt,
      oldAttempt: claim.old_attempt,
      oldParts: claim.old_parts,
    };
  }

  /** Counts the parts stored by this run, unless a newer run took the file over: answers whether it did. */
  async setParts(
    organisationId: OrganisationId,
    table: PartsTable,
    file: { id: string; attempt: number },
    parts: number,
  ): Promise<boolean> {
    const count = await this.update(
      `UPDATE ${table} SET parts = $3 WHERE id = $1 AND attempt = $2 AND organisation_id = $4`,
      [file.id, file.attempt, parts, organisationId],
    );
    return count > 0;
  }

  /** After a failed run: back to `status` (waiting, or 'failed' for good, then finished), with the message. */
  async endRun(
    organisationId: OrganisationId,
    table: PartsTable,
    file: { id: string; attempt: number },
    status: string,
    message: string,
  ): Promise<void> {
    await this.update(
      `UPDATE ${table} SET status = $3::varchar, parts = 0, error = $4,
            finished_at = CASE WHEN $3::varchar = 'failed' THEN now() END
      WHERE id = $1 AND attempt = $2 AND organisation_id = $5`,
      [file.id, file.attempt, status, message, organisationId],
    );
  }

  /** Any organisation: the housekeeping's next `batch` files past their time, oldest first. */
  async expiredInAnyOrganisation(table: PartsTable, batch: number): Promise<ExpiredFile[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, organisation_id, attempt, parts FROM ${table} WHERE expires_at < now() ORDER BY expires_at LIMIT $1`,
      [batch],
    )) as Array<{ id: string; organisation_id: string; attempt: number; parts: number }>;
    return rows.map((row) => ({
      id: row.id,
      organisationId: parseOrganisationId(row.organisation_id),
      attempt: row.attempt,
      parts: row.parts,
    }));
  }

  async deleteFile(organisationId: OrganisationId, table: PartsTable, id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${table} WHERE id = $1 AND organisation_id = $2`, [id, organisationId]);
  }

  /** UPDATE through TypeORM's pg driver answers `[rows, rowCount]`: the rows it changed. */
  private async update(sql: string, params: unknown[]): Promise<number> {
    const [, count] = (await this.dataSource.query(sql, params)) as [unknown[], number];
    return count;
  }
}
