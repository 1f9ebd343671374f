import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Designers' trials of a draft ("mode test"), apart from real requests; deleted at publication. */
export class TestSubmissions1765000000000 implements MigrationInterface {
  name = 'TestSubmissions1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "test_submission" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "service_id" uuid NOT NULL, "created_by" character varying(200) NOT NULL, "definition" jsonb NOT NULL, "content_hash" character(64) NOT NULL, "status" character varying(32) NOT NULL DEFAULT 'draft', "data" jsonb NOT NULL, "revision" integer NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_test_submission" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_test_submission_service" ON "test_submission" ("organisation_id", "service_id") `);
    await q.query(
      `ALTER TABLE "test_submission" ADD CONSTRAINT "FK_test_submission_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "test_submission" ADD CONSTRAINT "FK_test_submission_service" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "test_submission" DROP CONSTRAINT "FK_test_submission_service"`);
    await q.query(`ALTER TABLE "test_submission" DROP CONSTRAINT "FK_test_submission_organisation"`);
    await q.query(`DROP INDEX "public"."IDX_test_submission_service"`);
    await q.query(`DROP TABLE "test_submission"`);
  }
}
