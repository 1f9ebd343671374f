import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMessagesAndAttachments1764200000000 implements MigrationInterface {
  name = 'CreateMessagesAndAttachments1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "attachment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "submission_id" uuid NOT NULL, "pointer" character varying(500) NOT NULL, "filename" character varying(255) NOT NULL, "media_type" character varying(100) NOT NULL, "bytes" integer NOT NULL, "sha256" character(64) NOT NULL, "storage_key" character varying(300) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d2a80c3a8d467f08a750ac4b420" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_attachment_submission" ON "attachment" ("submission_id") `);
    await q.query(
      `CREATE TABLE "submission_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "submission_id" uuid NOT NULL, "author_kind" character varying(16) NOT NULL, "author" character varying(200) NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a0e68f257b0f7601efe8fc22938" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_submission_message_submission" ON "submission_message" ("submission_id", "created_at") `,
    );
    await q.query(
      `ALTER TABLE "attachment" ADD CONSTRAINT "FK_d9ad97ed3d9629bfc4dfa408010" FOREIGN KEY ("submission_id") REFERENCES "submission"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "submission_message" ADD CONSTRAINT "FK_1197d04b07a85791a6bcbdf3f72" FOREIGN KEY ("submission_id") REFERENCES "submission"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "submission_message"`);
    await q.query(`DROP TABLE "attachment"`);
  }
}
