import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Submission } from './submission.entity';

/**
 * One email or webhook, keyed by the outbox row that asked for it: a worker
 * that runs the same job again finds it sent and does nothing.
 */
@Entity({ name: 'delivery' })
@Index('IDX_delivery_submission', ['submissionId'])
export class Delivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  key!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => Submission, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submission_id' })
  submission?: Submission;

  @Column({ type: 'varchar', length: 16 })
  channel!: 'email' | 'webhook';

  /** sending: started (a crash here is retried with the same Message-ID / webhook-id); sent. */
  @Column({ type: 'varchar', length: 16 })
  status!: 'sending' | 'sent';

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'message_id', type: 'varchar', length: 300 })
  messageId!: string;

  @Column({ name: 'last_error', type: 'varchar', length: 300, nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
