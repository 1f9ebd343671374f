import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type AgentNotify = 'instant' | 'digest' | 'none';

/** How an agent wants to hear of new requests and citizens' replies, by their professional email. */
@Entity({ name: 'agent_preference' })
export class AgentPreference {
  @PrimaryColumn({ type: 'varchar', length: 320 })
  email!: string;

  /** instant: one email each; digest: one summary a day; none; null: not chosen, read as digest. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  notify!: AgentNotify | null;

  /** The answers the agent shows as columns of each service's inbox: `{ [slug]: [pointer, …] }`. */
  @Column({ name: 'inbox_columns', type: 'jsonb', nullable: true })
  inboxColumns!: Record<string, string[]> | null;

  @Column({ name: 'digest_sent_at', type: 'timestamptz', nullable: true })
  digestSentAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
