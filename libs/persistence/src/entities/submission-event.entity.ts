import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Submission } from './submission.entity';

/** The append-only history of a request: who did what, when, from which status to which. */
@Entity({ name: 'submission_event' })
@Index('IDX_submission_event_submission', ['submissionId', 'at'])
export class SubmissionEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => Submission, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submission_id' })
  submission?: Submission;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  /** account:<id>, anonymous, token:<id> or system. */
  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 32, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 32, nullable: true })
  toStatus!: string | null;

  /** The workflow transition fired, when the event is one. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  transition!: string | null;

  /** The comment given with a transition: shown to the citizen when the event is public. */
  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  /** public: the citizen sees it in "mes démarches"; internal: caseworkers only. */
  @Column({ type: 'varchar', length: 16, default: 'public' })
  visibility!: 'public' | 'internal';
}
