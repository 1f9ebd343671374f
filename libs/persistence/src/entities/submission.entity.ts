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
@Index('IDX_submission_deadline', ['deadlineAt'], { where: '"deadline_at" IS NOT NULL' })
@Index('IDX_submission_purge', ['purgeAt'], { where: '"purge_at" IS NOT NULL' })
// The inbox's indexes use DESC keys, jsonb_path_ops and tsvector GIN, which decorators cannot express: they live in
// the migration, and are declared here only so that the schema check leaves them alone.
@Index('IDX_submission_inbox', { synchronize: false })
@Index('IDX_submission_inbox_status', { synchronize: false })
@Index('IDX_submission_inbox_assignee', { synchronize: false })
@Index('IDX_submission_inbox_deadline', { synchronize: false })
@Index('IDX_submission_answers', { synchronize: false })
@Index('IDX_submission_search', { synchronize: false })
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

  /** Where notifications go: the signed-in citizen's email, or the first email answer. Set at submission. */
  @Column({ name: 'contact_email', type: 'varchar', length: 320, nullable: true })
  contactEmail!: string | null;

  /** How emails greet the citizen (their given name when known). */
  @Column({ name: 'contact_name', type: 'varchar', length: 200, nullable: true })
  contactName!: string | null;

  /**
   * The fields whose answers were received from the citizen's identity
   * provider and sent unchanged, as pointers, at the last submit (null:
   * filed before this was recorded). Only these say « transmis par FranceConnect ».
   */
  @Column({ name: 'identity_pointers', type: 'jsonb', nullable: true })
  identityPointers!: string[] | null;

  /** The caseworker group the routing rules chose. */
  @Column({ name: 'group_key', type: 'varchar', length: 40, nullable: true })
  groupKey!: string | null;

  /** The event that entered the current status: a deadline set then is void once the status is left. */
  @Column({ name: 'status_event_id', type: 'uuid', nullable: true })
  statusEventId!: string | null;

  /** When the current status's deadline fires (e.g. "silence vaut accord"), and which transition it fires. */
  @Column({ name: 'deadline_at', type: 'timestamptz', nullable: true })
  deadlineAt!: Date | null;

  @Column({ name: 'deadline_transition', type: 'varchar', length: 40, nullable: true })
  deadlineTransition!: string | null;

  /** Set on entering a final status: retention counts from here. */
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  /** The agent in charge (`account:<id>`), or nobody. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  assignee!: string | null;

  /** Since when a caseworker's message waits for the citizen's reply; cleared by their next message. */
  @Column({ name: 'awaiting_reply_since', type: 'timestamptz', nullable: true })
  awaitingReplySince!: Date | null;

  /** What the inbox's free-text search matches: reference, the citizen's name, chosen answers. Set at submission. */
  @Column({ type: 'tsvector', nullable: true, select: false })
  search!: string | null;

  /** When a decided request is deleted: its service's retention (12 months by default) after the decision. */
  @Column({ name: 'purge_at', type: 'timestamptz', nullable: true })
  purgeAt!: Date | null;

  /** When the citizen was told, two weeks before, that the request will be deleted. */
  @Column({ name: 'retention_notice_at', type: 'timestamptz', nullable: true })
  retentionNoticeAt!: Date | null;

  /**
   * Follow links (requests filed without an account) are signed with this
   * number: raising it revokes every link given so far, the new one included.
   */
  @Column({ name: 'follow_generation', type: 'integer', default: 0 })
  followGeneration!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
