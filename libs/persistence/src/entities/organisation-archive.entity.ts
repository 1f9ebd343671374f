import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type OrganisationArchiveStatus = 'queued' | 'running' | 'ready' | 'failed';

/**
 * An organisation's archive (all its data, as `npm run admin --
 * export-organisation` writes it) asked from the studio's administration page
 * and made by a worker into the attachments storage, in parts. The
 * organisation's admins follow it and download it for 24 hours; it is deleted,
 * file included, when it expires. One queued or running per organisation.
 */
@Entity({ name: 'organisation_archive' })
@Index('IDX_organisation_archive_expires', ['expiresAt'])
@Index('IDX_organisation_archive_organisation', ['organisationId', 'createdAt'])
export class OrganisationArchive {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_organisation_archive' })
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  /** The admin (`account:<id>`) or API token (`token:<id>`) who asked. */
  @Column({ name: 'requested_by', type: 'varchar', length: 200 })
  requestedBy!: string;

  @Column({ type: 'varchar', length: 20, default: 'queued' })
  status!: OrganisationArchiveStatus;

  /** Incremented by each run: a run that is no longer the latest stops and removes its parts. */
  @Column({ type: 'int', default: 0 })
  attempt!: number;

  /** Parts of the file in the storage, under `<organisation>/<archive>/<attempt and part>`. */
  @Column({ type: 'int', default: 0 })
  parts!: number;

  @Column({ type: 'bigint', nullable: true })
  bytes!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
