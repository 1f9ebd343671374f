import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A fixed-window counter: requests counted under a key until `reset_at`
 * (rate limits when there is no Redis), or a value that may be used once
 * before `reset_at` (a solved anti-robot challenge). Keys are hashes, never
 * an address or an account id in clear. Expired rows are pruned by the API.
 */
@Entity({ name: 'rate_limit_counter' })
@Index('IDX_rate_limit_counter_reset_at', ['resetAt'])
export class RateLimitCounter {
  @PrimaryColumn({ type: 'varchar', length: 200, primaryKeyConstraintName: 'PK_rate_limit_counter' })
  key!: string;

  @Column({ type: 'int' })
  hits!: number;

  @Column({ name: 'reset_at', type: 'timestamptz' })
  resetAt!: Date;
}
