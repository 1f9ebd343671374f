import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type AgentNotify = 'instant' | 'digest' | 'none';

/** How an agent who never chose hears of new requests: one summary a day, not one email each. */
export const DEFAULT_NOTIFY: AgentNotify = 'digest';

/**
 * SQL: whether a caseworker or admin of the organisation `organisationId` (an SQL expression) asked for instant
 * emails. A request's transition writes the agents' job only then (most organisations have none).
 */
export function instantAgentsExistSql(organisationId: string): string {
  return `EXISTS (SELECT 1 FROM agent_membership m LEFT JOIN agent_preference p ON p.email = m.email
     WHERE m.organisation_id = ${organisationId} AND m.role IN ('caseworker', 'admin')
       AND coalesce(p.notify, '${DEFAULT_NOTIFY}') = 'instant')`;
}

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
