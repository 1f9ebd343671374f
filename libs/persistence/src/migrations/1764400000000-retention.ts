import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Decided requests carry the date they are deleted, and whether the citizen was told. */
export class Retention1764400000000 implements MigrationInterface {
  name = 'Retention1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submission" ADD "purge_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "submission" ADD "retention_notice_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE INDEX "IDX_submission_purge" ON "submission" ("purge_at") WHERE "purge_at" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_submission_purge"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "retention_notice_at"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "purge_at"`);
  }
}
