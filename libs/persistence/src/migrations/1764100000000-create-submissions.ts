import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSubmissions1764100000000 implements MigrationInterface {
  name = 'CreateSubmissions1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "idempotency_key" ("scope" character varying(100) NOT NULL, "key" character varying(255) NOT NULL, "request_hash" character(64) NOT NULL, "response" jsonb, "response_status" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2738e797ef2c60d9a902bad976a" PRIMARY KEY ("scope", "key"))`,
    );
    await q.query(
      `CREATE TABLE "outbox" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "topic" character varying(100) NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "relayed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_outbox_pending" ON "outbox" ("relayed_at", "created_at") `);
    await q.query(
      `CREATE TABLE "submission" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "service_id" uuid NOT NULL, "form_version_id" uuid NOT NULL, "version_number" integer NOT NULL, "owner_account_id" uuid, "anonymous_owner" character(64), "status" character varying(32) NOT NULL DEFAULT 'draft', "data" jsonb NOT NULL, "revision" integer NOT NULL, "reference" character varying(20), "submitted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_162b70264e09020064edc46ab53" UNIQUE ("reference"), CONSTRAINT "PK_7faa571d0e4a7076e85890c9bd0" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_submission_service_status" ON "submission" ("organisation_id", "service_id", "status") `,
    );
    await q.query(`CREATE INDEX "IDX_submission_anonymous_owner" ON "submission" ("anonymous_owner") `);
    await q.query(`CREATE INDEX "IDX_submission_owner" ON "submission" ("owner_account_id", "updated_at") `);
    await q.query(
      `CREATE TABLE "submission_event" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "submission_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" character varying(200) NOT NULL, "type" character varying(64) NOT NULL, "from_status" character varying(32), "to_status" character varying(32), CONSTRAINT "PK_b70003d9d5fc33271446a460fd8" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_submission_event_submission" ON "submission_event" ("submission_id", "at") `);
    await q.query(
      `ALTER TABLE "submission" ADD CONSTRAINT "FK_a0f9f831bc78335eda89f8f1481" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "submission" ADD CONSTRAINT "FK_36491120e760464911e30e71efc" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "submission" ADD CONSTRAINT "FK_3f23b31d0085063e7020792d96c" FOREIGN KEY ("form_version_id") REFERENCES "form_version"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "submission_event" ADD CONSTRAINT "FK_94b0a8af6cd75028516edb87c8f" FOREIGN KEY ("submission_id") REFERENCES "submission"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The history is append-only: events are never rewritten (a request's deletion takes them with it).
    await q.query(`
      CREATE FUNCTION submission_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'submission_event is append-only' USING ERRCODE = 'GC002';
      END $$`);
    await q.query(
      `CREATE TRIGGER submission_event_append_only BEFORE UPDATE ON "submission_event" FOR EACH ROW EXECUTE FUNCTION submission_event_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER submission_event_append_only ON "submission_event"`);
    await q.query(`DROP FUNCTION submission_event_append_only()`);
    await q.query(`DROP TABLE "submission_event"`);
    await q.query(`DROP TABLE "submission"`);
    await q.query(`DROP TABLE "outbox"`);
    await q.query(`DROP TABLE "idempotency_key"`);
  }
}
