import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Organisation } from './organisation.entity';

export type ServiceStatus = 'draft' | 'published' | 'closed';

/** A démarche: what citizens apply for. Its draft definition changes; its published versions never do. */
@Entity({ name: 'service' })
@Index('IDX_service_organisation', ['organisationId'])
export class Service {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  /** In every citizen-facing address (/demarches/:slug): unique in the installation, never reused. */
  @Column({ type: 'varchar', length: 63, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status!: ServiceStatus;

  /** `json`, not `jsonb`: kept as the designer wrote it, keys in their order (see FormVersion.definition). */
  @Column({ name: 'draft_definition', type: 'json' })
  draftDefinition!: Record<string, unknown>;

  /** Bumped on every save: a designer's stale draft cannot silently overwrite a colleague's. */
  @VersionColumn({ name: 'draft_revision' })
  draftRevision!: number;

  @Column({ name: 'latest_version', type: 'int', nullable: true })
  latestVersion!: number | null;

  @Column({ name: 'closed_message', type: 'text', nullable: true })
  closedMessage!: string | null;

  @Column({ name: 'closed_redirect_to', type: 'text', nullable: true })
  closedRedirectTo!: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** Signs this service's webhooks (Standard Webhooks, whsec_…). Not part of the portable definition. */
  @Column({ name: 'webhook_secret', type: 'varchar', length: 100, nullable: true })
  webhookSecret!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
