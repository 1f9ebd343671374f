import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type AccountKind = 'citizen' | 'agent';

/**
 * A person who signed in, known by their provider's subject. Citizens' names
 * and birth data are not kept here: they come fresh from the provider at each
 * sign-in and live in the session only (an agent's name is kept: see displayName).
 */
@Entity({ name: 'account' })
@Unique('UQ_account_issuer_subject', ['issuer', 'subject'])
@Index('IDX_account_email', ['email'])
export class Account {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: AccountKind;

  @Column({ type: 'varchar', length: 500 })
  issuer!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  /**
   * Agents only: the (lower-case) professional email their provider vouched
   * for at their last sign-in, the key of their memberships. It says whether an
   * account may be assigned a request; citizens' emails are never kept.
   */
  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  /**
   * Agents only: their name as their provider gave it at their last sign-in
   * (« Léa Fontaine »), how the desk, the history and the exports name them.
   */
  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;
}
