import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from './organisation.entity';

/**
 * The append-only record of who changed access to an organisation: roles
 * given and taken back, and the API tokens revoked with them. A trigger
 * refuses UPDATE; the organisation's deletion takes its record with it.
 */
@Entity({ name: 'organisation_event' })
@Index('IDX_organisation_event_organisation', ['organisationId', 'at'])
export class OrganisationEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  /** Who did it: account:<id>, token:<id>, or cli (the operator's command line). */
  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  /** membership_added, membership_removed, token_revoked. */
  @Column({ type: 'varchar', length: 64 })
  type!: string;

  /** Whom it concerns: the agent's professional email, or token:<id>. */
  @Column({ type: 'varchar', length: 320 })
  subject!: string;

  /** The role and its scope ({ role, serviceId, group }), or why a token was revoked. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;
}
