import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Submission } from './submission.entity';

/** An agent following a request: it shows in their "Suivis" tab. */
@Entity({ name: 'submission_follower' })
@Index('IDX_submission_follower_agent', ['agent'])
export class SubmissionFollower {
  @PrimaryColumn({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => Submission, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submission_id' })
  submission?: Submission;

  /** account:<id> or token:<id>. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  agent!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
