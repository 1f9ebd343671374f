import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateServices1763900000000 implements MigrationInterface {
  name = 'CreateServices1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "service" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "slug" character varying(63) NOT NULL, "title" character varying(200) NOT NULL, "description" text, "status" character varying(16) NOT NULL DEFAULT 'draft', "draft_definition" jsonb NOT NULL, "draft_revision" integer NOT NULL, "latest_version" integer, "closed_message" text, "closed_redirect_to" text, "closed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_4df47ef659e04d5be78ddb6b598" UNIQUE ("slug"), CONSTRAINT "PK_85a21558c006647cd76fdce044b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_service_organisation" ON "service" ("organisation_id")`);
    await q.query(
      `CREATE TABLE "form_version" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "service_id" uuid NOT NULL, "number" integer NOT NULL, "definition" jsonb NOT NULL, "content_hash" character(64) NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_by" character varying(200) NOT NULL, CONSTRAINT "UQ_form_version_service_number" UNIQUE ("service_id", "number"), CONSTRAINT "PK_5992da09af1567a95aec97bcf9f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_form_version_organisation" ON "form_version" ("organisation_id")`);
    await q.query(
      `CREATE TABLE "api_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "role" character varying(16) NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_bafaa5aab5957cd193fb2da8f24" UNIQUE ("token_hash"), CONSTRAINT "PK_d862311c568d175c26f41bc6f98" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_api_token_organisation" ON "api_token" ("organisation_id")`);
    await q.query(
      `ALTER TABLE "api_token" ADD CONSTRAINT "FK_5ac1adf0bb16e6e7702e7545a4f" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "service" ADD CONSTRAINT "FK_f6f488aaff5f6e4ad8e0c0af43a" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "form_version" ADD CONSTRAINT "FK_94e4c4de29b57fd30da2ac6686e" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "form_version" ADD CONSTRAINT "FK_525eaeb4561d20fee15914d4263" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Published versions never change: not by a bug, not by a hand-written UPDATE.
    await q.query(`
      CREATE FUNCTION form_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'form_version % is published and immutable', OLD.id USING ERRCODE = 'GC001';
      END $$`);
    await q.query(
      `CREATE TRIGGER form_version_immutable BEFORE UPDATE OR DELETE ON "form_version" FOR EACH ROW EXECUTE FUNCTION form_version_immutable()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER form_version_immutable ON "form_version"`);
    await q.query(`DROP FUNCTION form_version_immutable()`);
    await q.query(`DROP TABLE "api_token"`);
    await q.query(`DROP TABLE "form_version"`);
    await q.query(`DROP TABLE "service"`);
  }
}
