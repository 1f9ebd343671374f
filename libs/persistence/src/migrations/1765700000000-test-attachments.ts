import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Files joined to designers' trials, bytes in the row, deleted with their trial. */
export class TestAttachments1765700000000 implements MigrationInterface {
  name = 'TestAttachments1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "test_attachment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "test_submission_id" uuid NOT NULL, "pointer" character varying(500) NOT NULL, "filename" character varying(255) NOT NULL, "media_type" character varying(100) NOT NULL, "bytes" integer NOT NULL, "content" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_test_attachment" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_test_attachment_trial" ON "test_attachment" ("test_submission_id") `);
    await q.query(
      `ALTER TABLE "test_attachment" ADD CONSTRAINT "FK_test_attachment_trial" FOREIGN KEY ("test_submission_id") REFERENCES "test_submission"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "test_attachment" DROP CONSTRAINT "FK_test_attachment_trial"`);
    await q.query(`DROP INDEX "public"."IDX_test_attachment_trial"`);
    await q.query(`DROP TABLE "test_attachment"`);
  }
}
