import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type DeskExportStatus = 'pending' | 'running' | 'ready' | 'failed';

/**
 * A caseworker's export made by a worker (too many requests to stream at
 * once): what was asked, by whom, and, once ready, where the file is in the
 * attachments storage (in parts). Only the agent who asked may read it; it is
 * deleted, file included, when it expires.
 */
@Entity({ name: 'desk_export' })
@Index('IDX_desk_export_expires', ['expiresAt'])
export class DeskExport {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_desk_export' })
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  /** The agent (`account:<id>`) or API token (`token:<id>`) who asked: nobody else may read it. */
  @Column({ name: 'requested_by', type: 'varchar', length: 200 })
  requestedBy!: string;

  /** csv, jsonl, xlsx. */
  @Column({ type: 'varchar', length: 10 })
  format!: string;

  /** The export's parameters (filter, columns, separator), as given. */
  @Column({ type: 'jsonb' })
  query!: Record<string, unknown>;

  /** What the agent was allowed to see when they asked (organisations, services, groups). */
  @Column({ type: 'jsonb' })
  scope!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 20, default: 'pending' })
  status!: DeskExportStatus;

  /** Incremented by each run: a run that is no longer the latest stops and removes its parts. */
  @Column({ type: 'int', default: 0 })
  attempt!: number;

  /** Parts of the file in the storage, under `<organisation>/<export>/<attempt and part>`. */
  @Column({ type: 'int', default: 0 })
  parts!: number;

  @Column({ type: 'int', nullable: true })
  rows!: number | null;

  @Column({ type: 'bigint', nullable: true })
  bytes!: string | null;

  @Column({ type: 'varchar', length: 255 })
  filename!: string;

  @Column({ name: 'media_type', type: 'varchar', length: 100 })
  mediaType!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
