import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import type { OrganisationRole } from './api-token.entity';
import { Organisation } from './organisation.entity';

/**
 * An agent's role in an organisation, by the (lower-case) professional email
 * the agents' provider vouches for. Granted by an admin, or seeded for the demo.
 */
@Entity({ name: 'agent_membership' })
@Unique('UQ_agent_membership', ['organisationId', 'email', 'role'])
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
