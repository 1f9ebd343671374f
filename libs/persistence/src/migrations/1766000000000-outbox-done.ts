import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds the outbox rows done long ago, which housekeeping deletes (the table only grew). */
export class OutboxDone1766000000000 implements MigrationInterface {
  name = 'OutboxDone1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_outbox_done" ON "outbox" ("done_at") WHERE "done_at" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_outbox_done"`);
  }
}
