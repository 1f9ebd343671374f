import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Side effects decided in a transaction, written in the same transaction and
 * carried out later: the relay moves rows to the queues, a worker marks them
 * done. Nothing is lost when Redis is down, or when it comes back empty: a
 * row relayed long ago and still not done is relayed again (same job id).
 * Payloads carry ids only. Done rows are deleted a week later (housekeeping
 * `outbox`); failed ones stay for operators.
 */
@Entity({ name: 'outbox' })
@Index('IDX_outbox_unrelayed', ['createdAt'], { where: '"relayed_at" IS NULL' })
@Index('IDX_outbox_unfinished', ['relayedAt'], { where: '"done_at" IS NULL AND "failed_at" IS NULL' })
@Index('IDX_outbox_done', ['doneAt'], { where: '"done_at" IS NOT NULL' })
export class OutboxRow {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  /** The job name (`notify.email`, `webhook.deliver`…). */
  @Column({ type: 'varchar', length: 100 })
  topic!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Not before: delayed jobs (deadlines) are enqueued with the remaining delay. */
  @Column({ name: 'run_at', type: 'timestamptz', nullable: true })
  runAt!: Date | null;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt!: Date | null;

  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;

  /** Failed for good (every attempt used): shown to operators, who may retry it. */
  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;
}
