import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TestSubmission } from './test-submission.entity';

/**
 * A file a designer joined to a trial (mode test). Apart from `attachment`
 * like the trial is apart from `submission`: its bytes are in the row, so
 * deleting the trial (at publication, or with its service) deletes them too,
 * and no storage or sweep of real requests ever sees them. Bounded per trial
 * by the test mode (a few files of a few megabytes).
 */
@Entity({ name: 'test_attachment' })
@Index('IDX_test_attachment_trial', ['testSubmissionId'])
export class TestAttachment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_test_attachment' })
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @Column({ name: 'test_submission_id', type: 'uuid' })
  testSubmissionId!: string;

  @ManyToOne(() => TestSubmission, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'test_submission_id', foreignKeyConstraintName: 'FK_test_attachment_trial' })
  testSubmission?: TestSubmission;

  /** The file field it was sent for (JSON pointer, `*` resolved to an index). */
  @Column({ type: 'varchar', length: 500 })
  pointer!: string;

  @Column({ type: 'varchar', length: 255 })
  filename!: string;

  @Column({ name: 'media_type', type: 'varchar', length: 100 })
  mediaType!: string;

  @Column({ type: 'int' })
  bytes!: number;

  @Column({ type: 'bytea' })
  content!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
