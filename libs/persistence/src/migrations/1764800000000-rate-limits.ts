import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rate-limit counters shared by API replicas without Redis, and the anti-robot challenges already used. */
export class RateLimits1764800000000 implements MigrationInterface {
  name = 'RateLimits1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "rate_limit_counter" ("key" character varying(200) NOT NULL, "hits" integer NOT NULL, "reset_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_rate_limit_counter" PRIMARY KEY ("key"))`,
    );
    await q.query(`CREATE INDEX "IDX_rate_limit_counter_reset_at" ON "rate_limit_counter" ("reset_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_rate_limit_counter_reset_at"`);
    await q.query(`DROP TABLE "rate_limit_counter"`);
  }
}
