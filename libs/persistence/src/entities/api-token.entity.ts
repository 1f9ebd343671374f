import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from './organisation.entity';

export type OrganisationRole = 'admin' | 'designer' | 'caseworker';

/**
 * A credential for integrations and for keeping services in git
 * (`Authorization: Bearer gch_…`). Only the token's sha256 is stored.
 */
@Entity({ name: 'api_token' })
@Index('IDX_api_token_organisation', ['organisationId'])
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: OrganisationRole;

  @Column({ name: 'token_hash', type: 'char', length: 64, unique: true })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** Limits the token to these services (null: every service of the organisation). */
  @Column({ name: 'service_ids', type: 'uuid', array: true, nullable: true })
  serviceIds!: string[] | null;

  /** A read-only token reads requests and exports them; it cannot act on them. */
  @Column({ name: 'read_only', type: 'boolean', default: false })
  readOnly!: boolean;

  /** After this moment the token no longer authenticates. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** Who created it: account:<id>, token:<id>, or null (the operator's command line, or before this was kept). */
  @Column({ name: 'created_by', type: 'varchar', length: 200, nullable: true })
  createdBy!: string | null;

  /** The creating agent's professional email: when their admin role ends, the tokens they made are revoked. */
  @Column({ name: 'created_by_email', type: 'varchar', length: 320, nullable: true })
  createdByEmail!: string | null;
}
