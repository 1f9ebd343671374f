import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Side effects decided in a transaction, written in the same transaction and
 * carried out later: a relay moves rows to the queues (the workflow issue).
 * Nothing is lost when Redis is down; payloads carry ids only.
 */
@Entity({ name: 'outbox' })
@Index('IDX_outbox_pending', ['relayedAt', 'createdAt'])
export class OutboxRow {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @Column({ type: 'varchar', length: 100 })
  topic!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt!: Date | null;
}
