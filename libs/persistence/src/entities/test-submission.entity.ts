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
import { Service } from './service.entity';

/**
 * A designer's trial of a service's draft ("mode test"). Kept apart from
 * `submission` on purpose: nothing that reads real requests (inbox, exports,
 * counts, emails, webhooks, retention) can see it, and it carries a copy of
 * the draft definition it was started on instead of a published version.
 * Deleted when the service is published.
 */
@Entity({ name: 'test_submission' })
@Index('IDX_test_submission_service', ['organisationId', 'serviceId'])
export class TestSubmission {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_test_submission' })
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'FK_test_submission_organisation' })
  organisation?: Organisation;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'FK_test_submission_service' })
  service?: Service;

  /** The agent or API token who started it (`account:<id>`, `token:<id>`). */
  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  /** The draft definition as it was when the trial started (`json`: key order kept), and its hash (validator cache key). */
  @Column({ type: 'json' })
  definition!: Record<string, unknown>;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  /** `draft`, then `submitted` once fully validated (nothing is sent anywhere). */
  @Column({ type: 'varchar', length: 32, default: 'draft' })
  status!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @VersionColumn()
  revision!: number;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
