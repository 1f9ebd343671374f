import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An `Idempotency-Key` seen on a request: same key and body give the first answer again. */
@Entity({ name: 'idempotency_key' })
export class IdempotencyKey {
  /** What the key is scoped to, e.g. submit:<submission id>. */
  @PrimaryColumn({ type: 'varchar', length: 100 })
  scope!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  /** null while the first request is still being processed. */
  @Column({ type: 'jsonb', nullable: true })
  response!: Record<string, unknown> | null;

  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
