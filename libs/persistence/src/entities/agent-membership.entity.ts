import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { OrganisationRole } from './api-token.entity';
import { Organisation } from './organisation.entity';

/**
 * An agent's role in an organisation, by the (lower-case) professional email
 * the agents' provider vouches for. Granted by an admin, or seeded for the demo.
 */
@Entity({ name: 'agent_membership' })
// One row per scope: unique on (organisation, email, role, service, group), nulls included (an expression index).
@Index('UQ_agent_membership_scope', { synchronize: false })
@Index('IDX_agent_membership_email', ['email'])
export class AgentMembership {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: OrganisationRole;

  /** A caseworker of one service only (null: every service of the organisation). */
  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  /** A caseworker of one routing group only (null: every group). */
  @Column({ name: 'group_key', type: 'varchar', length: 40, nullable: true })
  groupKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
