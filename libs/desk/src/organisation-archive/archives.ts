import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { OrganisationArchive } from '@guichet/persistence';
import { addOutbox, JobTopic } from '@guichet/queue';
import type { AttachmentStorage } from '@guichet/submissions';
import { AppError, type OrganisationArchiveView } from '@guichet/shared';
import {
  EXPORT_MAX_RUNS,
  EXPORT_TTL_MS,
  PartWriter,
  Superseded,
  claimRun,
  deleteExpired,
  endFailedRun,
  readParts,
  update,
} from '../export-jobs';
import { exportOrganisation } from './export';
import { OrganisationArchiveError } from './format';

export interface OrganisationArchivesOptions {
  /** How long a ready archive stays downloadable (24 hours). */
  ttlMs?: number;
  /** The software's version, written in the manifest. */
  software?: string;
}

/** `mairie-x-archive-2026-12-04.zip`. */
export function archiveFilename(slug: string, at: Date): string {
  return `${slug}-archive-${at.toISOString().slice(0, 10)}.zip`;
}

/**
 * An organisation's archive asked from the studio (the same ZIP as `npm run
 * admin -- export-organisation`), made like the desk's large exports: the API
 * records the request and an outbox row in one transaction; a worker streams
 * the archive into the attachments storage in parts (never whole in memory);
 * the organisation's admins follow it and download it for 24 hours; the
 * housekeeping deletes it afterwards. One queued or running per organisation.
 * Callers check that the actor administers the organisation.
 */
export class OrganisationArchives {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: AttachmentStorage,
    private readonly options: OrganisationArchivesOptions = {},
  ) {}

  private get ttlMs(): number {
    return this.options.ttlMs ?? EXPORT_TTL_MS;
  }

  /**
   * Asks for an archive; while one is queued or running for the organisation,
   * answers that one (`created: false`) rather than making a second.
   */
  async request(
    organisationId: string,
    requestedBy: string,
  ): Promise<{ view: OrganisationArchiveView; created: boolean }> {
    const { row, created } = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`organisation_archive:${organisationId}`]);
      const repository = manager.getRepository(OrganisationArchive);
      const [running] = (await manager.query(
        `SELECT id FROM organisation_archive WHERE organisation_id = $1 AND status IN ('queued', 'running')
            AND expires_at > now() ORDER BY created_at DESC LIMIT 1`,
        [organisationId],
      )) as Array<{ id: string }>;
      if (running) return { row: await repository.findOneByOrFail({ id: running.id }), created: false };
      const id = randomUUID();
      await repository.insert({
        id,
        organisationId,
        requestedBy,
        status: 'queued',
        expiresAt: new Date(Date.now() + this.ttlMs),
      });
      await addOutbox(manager, { organisationId, topic: JobTopic.OrganisationArchive, payload: { archiveId: id } });
      return { row: await repository.findOneByOrFail({ id }), created: true };
    });
    return { view: this.view(row), created };
  }

  private view(row: OrganisationArchive): OrganisationArchiveView {
    const statusUrl = `/api/v1/organisations/${row.organisationId}/archives/${row.id}`;
    return {
      archiveId: row.id,
      organisationId: row.organisationId,
      status: row.status,
      bytes: row.bytes === null ? null : Number(row.bytes),
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
      expiresAt: row.expiresAt.toISOString(),
      statusUrl,
      ...(row.status === 'ready' ? { downloadUrl: `${statusUrl}/file` } : {}),
      ...(row.status === 'failed' ? { error: row.error ?? 'L’archive n’a pas pu être préparée.' } : {}),
    };
  }

  /** The organisation's archive, not expired; 404 otherwise (another organisation's included). */
  private async find(organisationId: string, archiveId: string): Promise<OrganisationArchive> {
    const row = await this.dataSource.getRepository(OrganisationArchive).findOneBy({ id: archiveId, organisationId });
    if (!row || row.expiresAt.getTime() <= Date.now()) throw new AppError('NOT_FOUND');
    return row;
  }

  async status(organisationId: string, archiveId: string): Promise<OrganisationArchiveView> {
    return this.view(await this.find(organisationId, archiveId));
  }

  /** The ZIP, read part after part from the storage; 404 until it is ready. */
  async open(
    organisationId: string,
    archiveId: string,
  ): Promise<{ filename: string; bytes: number; stream: Readable }> {
    const row = await this.find(organisationId, archiveId);
    if (row.status !== 'ready') throw new AppError('NOT_FOUND');
    const [organisation] = (await this.dataSource.query(`SELECT slug FROM organisation WHERE id = $1`, [
      organisationId,
    ])) as Array<{ slug: string }>;
    return {
      filename: archiveFilename(organisation?.slug ?? 'organisation', row.finishedAt ?? row.createdAt),
      bytes: Number(row.bytes ?? 0),
      stream: readParts(this.storage, row),
    };
  }

  /**
   * The worker's side (job `organisation.archive`), idempotent like the desk's
   * exports: a ready, failed or expired archive is left alone; each run takes
   * the archive over (attempt + 1) and removes what an earlier run left; a run
   * overtaken by a newer one stops and removes its own parts.
   */
  async run(archiveId: string): Promise<string> {
    const attempt = await claimRun(this.dataSource, this.storage, 'organisation_archive', 'queued', archiveId);
    if (attempt === null) return 'nothing to do';
    const row = await this.dataSource.getRepository(OrganisationArchive).findOneByOrFail({ id: archiveId });
    const file = new PartWriter(this.dataSource, this.storage, 'organisation_archive', row, attempt);
    try {
      const manifest = await exportOrganisation(this.dataSource, this.storage, row.organisationId, file.writable(), {
        software: this.options.software,
      });
      const ready = await update(
        this.dataSource,
        `UPDATE organisation_archive SET status = 'ready', bytes = $3, parts = $4, finished_at = now(),
                expires_at = now() + make_interval(secs => $5)
          WHERE id = $1 AND attempt = $2`,
        [archiveId, attempt, file.bytes, file.parts, this.ttlMs / 1000],
      );
      if (ready.count === 0) throw new Superseded();
      return `ready: ${manifest.files.length + 1} files, ${file.bytes} bytes`;
    } catch (error) {
      return endFailedRun(
        this.dataSource,
        this.storage,
        'organisation_archive',
        { row, attempt, parts: file.parts },
        {
          error,
          // The organisation is gone: trying again changes nothing.
          final: error instanceof OrganisationArchiveError || attempt >= EXPORT_MAX_RUNS,
          waiting: 'queued',
          message: 'L’archive n’a pas pu être préparée ; demandez-la de nouveau, ou adressez-vous à l’exploitant.',
        },
      );
    }
  }

  /** Housekeeping: archives past their time, files and rows. Answers how many went. */
  cleanExpired(batch = 100): Promise<number> {
    return deleteExpired(this.dataSource, this.storage, 'organisation_archive', batch);
  }
}
