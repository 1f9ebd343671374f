import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Organisation } from './organisation.entity';
import { Service } from './service.entity';

/** An immutable published snapshot of a service's definition. A trigger refuses UPDATE and DELETE. */
@Entity({ name: 'form_version' })
@Unique('UQ_form_version_service_number', ['serviceId', 'number'])
@Index('IDX_form_version_organisation', ['organisationId'])
export class FormVersion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @ManyToOne(() => Service, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'service_id' })
  service?: Service;

  @Column({ type: 'int' })
  number!: number;

  /** `json`, not `jsonb`: the text as published, keys in the authored order (the order fields are shown in). */
  @Column({ type: 'json' })
  definition!: Record<string, unknown>;

  /**
   * sha256 of the definition's JSON text, key order included: caches compiled
   * validators and lets browsers cache by content. Versions published before
   * key order was kept hold the hash of the sorted (canonical) text.
   */
  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;

  /** Who published it: an agent or API token id. */
  @Column({ name: 'published_by', type: 'varchar', length: 200 })
  publishedBy!: string;
}
