import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Submission } from './submission.entity';

/** A message between the citizen and the caseworkers on a request, visible to both. */
@Entity({ name: 'submission_message' })
@Index('IDX_submission_message_submission', ['submissionId', 'createdAt'])
export class SubmissionMessage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => Submission, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submission_id' })
  submission?: Submission;

  /** citizen or caseworker: who wrote it, as the other side sees it. */
  @Column({ name: 'author_kind', type: 'varchar', length: 16 })
  authorKind!: 'citizen' | 'caseworker';

  @Column({ name: 'author', type: 'varchar', length: 200 })
  author!: string;

  @Column({ type: 'text' })
  body!: string;

  /** A file a caseworker joined to the message (a row of `attachment` of the same request). */
  @Column({ name: 'attachment_id', type: 'uuid', nullable: true })
  attachmentId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
