import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organisation archives asked from the studio, made by a worker and kept 24 hours for the organisation's admins. */
export class OrganisationArchives1765900000000 implements MigrationInterface {
  name = 'OrganisationArchives1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "organisation_archive" ("id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "requested_by" character varying(200) NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'queued', "attempt" integer NOT NULL DEFAULT '0', "parts" integer NOT NULL DEFAULT '0', "bytes" bigint, "error" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_organisation_archive" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_organisation_archive_expires" ON "organisation_archive" ("expires_at") `);
    await q.query(
      `CREATE INDEX "IDX_organisation_archive_organisation" ON "organisation_archive" ("organisation_id", "created_at") `,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_organisation_archive_organisation"`);
    await q.query(`DROP INDEX "public"."IDX_organisation_archive_expires"`);
    await q.query(`DROP TABLE "organisation_archive"`);
  }
}
