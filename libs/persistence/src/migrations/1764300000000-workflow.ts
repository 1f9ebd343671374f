import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workflow engine: transitions with comments and visibility, deadlines,
 * routing groups, contacts for notifications, outbox rows that are marked
 * done or failed, deliveries (emails and webhooks sent once) and issued
 * documents. A trigger wakes the relay as soon as an outbox row is committed.
 */
export class Workflow1764300000000 implements MigrationInterface {
  name = 'Workflow1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_outbox_pending"`);
    await q.query(
      `CREATE TABLE "delivery" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" character varying(200) NOT NULL, "organisation_id" uuid NOT NULL, "submission_id" uuid NOT NULL, "channel" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "message_id" character varying(300) NOT NULL, "last_error" character varying(300), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_91b7f18ddbcdea051ef2441e7eb" UNIQUE ("key"), CONSTRAINT "PK_ffad7bf84e68716cd9af89003b0" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_delivery_submission" ON "delivery"  ("submission_id") `);
    await q.query(
      `CREATE TABLE "submission_document" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "submission_id" uuid NOT NULL, "event_id" uuid NOT NULL, "kind" character varying(32) NOT NULL, "filename" character varying(255) NOT NULL, "media_type" character varying(100) NOT NULL, "content" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_submission_document_event" UNIQUE ("submission_id", "event_id", "kind"), CONSTRAINT "PK_ea58af3130b0b52cf2ec41d432f" PRIMARY KEY ("id"))`,
    );
    await q.query(`ALTER TABLE "service" ADD "webhook_secret" character varying(100)`);
    await q.query(`ALTER TABLE "submission" ADD "contact_email" character varying(320)`);
    await q.query(`ALTER TABLE "submission" ADD "contact_name" character varying(200)`);
    await q.query(`ALTER TABLE "submission" ADD "group_key" character varying(40)`);
    await q.query(`ALTER TABLE "submission" ADD "status_event_id" uuid`);
    await q.query(`ALTER TABLE "submission" ADD "deadline_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "submission" ADD "deadline_transition" character varying(40)`);
    await q.query(`ALTER TABLE "submission" ADD "decided_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "outbox" ADD "run_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "outbox" ADD "done_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "outbox" ADD "failed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "outbox" ADD "last_error" character varying(500)`);
    await q.query(`ALTER TABLE "submission_event" ADD "transition" character varying(40)`);
    await q.query(`ALTER TABLE "submission_event" ADD "comment" text`);
    await q.query(`ALTER TABLE "submission_event" ADD "visibility" character varying(16) NOT NULL DEFAULT 'public'`);
    await q.query(
      `CREATE INDEX "IDX_submission_deadline" ON "submission"  ("deadline_at") WHERE "deadline_at" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_outbox_unfinished" ON "outbox"  ("relayed_at") WHERE "done_at" IS NULL AND "failed_at" IS NULL`,
    );
    await q.query(`CREATE INDEX "IDX_outbox_unrelayed" ON "outbox"  ("created_at") WHERE "relayed_at" IS NULL`);
    await q.query(
      `ALTER TABLE "delivery" ADD CONSTRAINT "FK_5b800f3a87141fc3a9f729f8bb9" FOREIGN KEY ("submission_id") REFERENCES "submission"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "submission_document" ADD CONSTRAINT "FK_fa22baa9e39e4f5facb29570d09" FOREIGN KEY ("submission_id") REFERENCES "submission"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE FUNCTION guichet_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('guichet_outbox', ''); RETURN NULL; END $$`,
    );
    await q.query(
      `CREATE TRIGGER outbox_notify AFTER INSERT ON "outbox" FOR EACH STATEMENT EXECUTE FUNCTION guichet_outbox_notify()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER outbox_notify ON "outbox"`);
    await q.query(`DROP FUNCTION guichet_outbox_notify()`);
    await q.query(`ALTER TABLE "submission_document" DROP CONSTRAINT "FK_fa22baa9e39e4f5facb29570d09"`);
    await q.query(`ALTER TABLE "delivery" DROP CONSTRAINT "FK_5b800f3a87141fc3a9f729f8bb9"`);
    await q.query(`DROP INDEX "public"."IDX_outbox_unrelayed"`);
    await q.query(`DROP INDEX "public"."IDX_outbox_unfinished"`);
    await q.query(`DROP INDEX "public"."IDX_submission_deadline"`);
    await q.query(`ALTER TABLE "submission_event" DROP COLUMN "visibility"`);
    await q.query(`ALTER TABLE "submission_event" DROP COLUMN "comment"`);
    await q.query(`ALTER TABLE "submission_event" DROP COLUMN "transition"`);
    await q.query(`ALTER TABLE "outbox" DROP COLUMN "last_error"`);
    await q.query(`ALTER TABLE "outbox" DROP COLUMN "failed_at"`);
    await q.query(`ALTER TABLE "outbox" DROP COLUMN "done_at"`);
    await q.query(`ALTER TABLE "outbox" DROP COLUMN "run_at"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "decided_at"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "deadline_transition"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "deadline_at"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "status_event_id"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "group_key"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "contact_name"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "contact_email"`);
    await q.query(`ALTER TABLE "service" DROP COLUMN "webhook_secret"`);
    await q.query(`DROP TABLE "submission_document"`);
    await q.query(`DROP INDEX "public"."IDX_delivery_submission"`);
    await q.query(`DROP TABLE "delivery"`);
    await q.query(`CREATE INDEX "IDX_outbox_pending" ON "outbox" ("relayed_at", "created_at")`);
  }
}
