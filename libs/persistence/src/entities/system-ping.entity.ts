import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A diagnostic round trip API → queue → worker → database. Operators (and
 * `npm start`) use it to prove the whole path works; it holds no personal data.
 */
@Entity({ name: 'system_ping' })
export class SystemPing {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Which queue backend carried it: redis or postgres. */
  @Column({ type: 'varchar', length: 16 })
  backend!: string;

  @CreateDateColumn({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** host:pid of the worker that completed it. */
  @Column({ name: 'completed_by', type: 'varchar', length: 200, nullable: true })
  completedBy!: string | null;
}
