import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { OrganisationArchive } from '@guichet/persistence';
import type { AttachmentStorage } from '@guichet/submissions';
import { AppError, type OrganisationArchiveView, type OrganisationId } from '@guichet/shared';
import {
  EXPORT_MAX_RUNS,
  EXPORT_TTL_MS,
  PartWriter,
  Superseded,
  claimRun,
  deleteExpired,
  endFailedRun,
  readParts,
} from '../export-jobs';
import { ExportRepository } from '../export-repository';
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
 * Callers check that the actor administers the organisation. The statements
 * are ExportRepository's.
 */
export class OrganisationArchives {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: AttachmentStorage,
    private readonly options: OrganisationArchivesOptions = {},
    private readonly repository: ExportRepository = new ExportRepository(dataSource),
  ) {}

  private get ttlMs(): number {
    return this.options.ttlMs ?? EXPORT_TTL_MS;
  }

  /**
   * Asks for an archive; while one is queued or running for the organisation,
   * answers that one (`created: false`) rather than making a second.
   */
  async request(
    organisationId: OrganisationId,
    requestedBy: string,
  ): Promise<{ view: OrganisationArchiveView; created: boolean }> {
    const { row, created } = await this.repository.requestArchive(
      organisationId,
      requestedBy,
      new Date(Date.now() + this.ttlMs),
    );
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
  private async find(organisationId: OrganisationId, archiveId: string): Promise<OrganisationArchive> {
    const row = await this.repository.findArchive(organisationId, archiveId);
    if (!row || row.expiresAt.getTime() <= Date.now()) throw new AppError('NOT_FOUND');
    return row;
  }

  async status(organisationId: OrganisationId, archiveId: string): Promise<OrganisationArchiveView> {
    return this.view(await this.find(organisationId, archiveId));
  }

  /** The ZIP, read part after part from the storage; 404 until it is ready. */
  async open(
    organisationId: OrganisationId,
    archiveId: string,
  ): Promise<{ filename: string; bytes: number; stream: Readable }> {
    const row = await this.find(organisationId, archiveId);
    if (row.status !== 'ready') throw new AppError('NOT_FOUND');
    const slug = await this.repository.organisationSlug(organisationId);
    return {
      filename: archiveFilename(slug ?? 'organisation', row.finishedAt ?? row.createdAt),
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
    const claim = await claimRun(this.repository, this.storage, 'organisation_archive', 'queued', archiveId);
    if (claim === null) return 'nothing to do';
    const { attempt, organisationId } = claim;
    const row = await this.repository.archive(organisationId, archiveId);
    const file = new PartWriter(
      this.repository,
      this.storage,
      'organisation_archive',
      { id: row.id, organisationId },
      attempt,
    );
    try {
      const manifest = await exportOrganisation(this.dataSource, this.storage, row.organisationId, file.writable(), {
        software: this.options.software,
      });
      const ready = await this.repository.archiveReady(
        organisationId,
        { id: archiveId, attempt },
        { bytes: file.bytes, parts: file.parts, ttlMs: this.ttlMs },
      );
      if (!ready) throw new Superseded();
      return `ready: ${manifest.files.length + 1} files, ${file.bytes} bytes`;
    } catch (error) {
      return endFailedRun(
        this.repository,
        this.storage,
        'organisation_archive',
        { row: { id: row.id, organisationId }, attempt, parts: file.parts },
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
    return deleteExpired(this.repository, this.storage, 'organisation_archive', batch);
  }
}
