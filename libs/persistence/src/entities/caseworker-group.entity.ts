import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from './organisation.entity';
import { Service } from './service.entity';

/**
 * A caseworker group declared by an admin: a label for a `group_key` of a
 * service. The key is what routing rules name and what a caseworker's
 * membership is limited to (`agent_membership.group_key`); a group exists
 * without this row as soon as routing or a membership names it.
 */
@Entity({ name: 'caseworker_group' })
@Index('UQ_caseworker_group_service_key', ['serviceId', 'key'], { unique: true })
@Index('IDX_caseworker_group_organisation', ['organisationId'])
export class CaseworkerGroup {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id' })
  service?: Service;

  /** As routing rules and memberships spell it. */
  @Column({ type: 'varchar', length: 40 })
  key!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
