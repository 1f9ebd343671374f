import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access that ends when a membership ends (issue 18): an agent's account
 * keeps the professional email their memberships are keyed by (who may be
 * assigned a request), an API token remembers who created it (revoked with
 * its creator's admin role), and changes of roles go into an append-only
 * record per organisation.
 */
export class AccessRevocation1765300000000 implements MigrationInterface {
  name = 'AccessRevocation1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "account" ADD "email" character varying(320)`);
    await q.query(`CREATE INDEX "IDX_account_email" ON "account" ("email") `);
    await q.query(`ALTER TABLE "api_token" ADD "created_by" character varying(200)`);
    await q.query(`ALTER TABLE "api_token" ADD "created_by_email" character varying(320)`);
    await q.query(
      `CREATE TABLE "organisation_event" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" character varying(200) NOT NULL, "type" character varying(64) NOT NULL, "subject" character varying(320) NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_90ce45d0e06ce3de97ff18545ef" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_organisation_event_organisation" ON "organisation_event" ("organisation_id", "at") `,
    );
    await q.query(
      `ALTER TABLE "organisation_event" ADD CONSTRAINT "FK_5c6d8c4f7fedfbb053f4f08a2fc" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The record is never rewritten (the organisation's deletion takes it with it, as for submission_event).
    await q.query(`
      CREATE FUNCTION organisation_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'organisation_event is append-only' USING ERRCODE = 'GC002';
      END $$`);
    await q.query(
      `CREATE TRIGGER organisation_event_append_only BEFORE UPDATE ON "organisation_event" FOR EACH ROW EXECUTE FUNCTION organisation_event_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER organisation_event_append_only ON "organisation_event"`);
    await q.query(`DROP FUNCTION organisation_event_append_only()`);
    await q.query(`DROP TABLE "organisation_event"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "created_by_email"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "created_by"`);
    await q.query(`DROP INDEX "public"."IDX_account_email"`);
    await q.query(`ALTER TABLE "account" DROP COLUMN "email"`);
  }
}
