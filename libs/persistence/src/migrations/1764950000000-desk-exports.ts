import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Caseworkers' large exports, made by a worker and kept 24 hours for the agent who asked. */
export class DeskExports1764950000000 implements MigrationInterface {
  name = 'DeskExports1764950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "desk_export" ("id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "service_id" uuid NOT NULL, "requested_by" character varying(200) NOT NULL, "format" character varying(10) NOT NULL, "query" jsonb NOT NULL, "scope" jsonb NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'pending', "attempt" integer NOT NULL DEFAULT '0', "parts" integer NOT NULL DEFAULT '0', "rows" integer, "bytes" bigint, "filename" character varying(255) NOT NULL, "media_type" character varying(100) NOT NULL, "error" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_desk_export" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_desk_export_expires" ON "desk_export" ("expires_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_desk_export_expires"`);
    await q.query(`DROP TABLE "desk_export"`);
  }
}
