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
import { FormVersion } from './form-version.entity';
import { Organisation } from './organisation.entity';
import { Service } from './service.entity';

/** A dossier: one person's request against one published version. A draft until submitted. */
@Entity({ name: 'submission' })
@Index('IDX_submission_owner', ['ownerAccountId', 'updatedAt'])
@Index('IDX_submission_anonymous_owner', ['anonymousOwner'])
@Index('IDX_submission_service_status', ['organisationId', 'serviceId', 'status'])
export class Submission {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @ManyToOne(() => Service, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'service_id' })
  service?: Service;

  /** The version the request was started on: validated against it, whatever is published later. */
  @Column({ name: 'form_version_id', type: 'uuid' })
  formVersionId!: string;

  @ManyToOne(() => FormVersion, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'form_version_id' })
  formVersion?: FormVersion;

  @Column({ name: 'version_number', type: 'int' })
  versionNumber!: number;

  /** The signed-in citizen who owns it, or null for an anonymous request. */
  @Column({ name: 'owner_account_id', type: 'uuid', nullable: true })
  ownerAccountId!: string | null;

  /** sha256 of the anonymous owner's token (kept in their browser session), when not signed in. */
  @Column({ name: 'anonymous_owner', type: 'char', length: 64, nullable: true })
  anonymousOwner!: string | null;

  @Column({ type: 'varchar', length: 32, default: 'draft' })
  status!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  /** Bumped on every save: a stale autosave cannot overwrite a newer one. */
  @VersionColumn()
  revision!: number;

  /** GCH-XXXX-XXXX, given at submission. */
  @Column({ type: 'varchar', length: 20, nullable: true, unique: true })
  reference!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
