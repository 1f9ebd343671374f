import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The caseworker desk: assignee, free-text search, private notes, followers,
 * and the inbox's indexes (keyset pagination by date or deadline, status and
 * assignee filters, answers by containment, search), drafts left out.
 */
export class Desk1764500000000 implements MigrationInterface {
  name = 'Desk1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "submission_follower" ("submission_id" uuid NOT NULL, "agent" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6e157b14e8926d6b229d7c1b22a" PRIMARY KEY ("submission_id", "agent"))`,
    );
    await q.query(`CREATE INDEX "IDX_submission_follower_agent" ON "submission_follower"  ("agent")`);
    await q.query(
      `CREATE TABLE "submission_note" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "submission_id" uuid NOT NULL, "author" character varying(200) NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6ce6ec6433b2ea51cf8cbd36303" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_submission_note_submission" ON "submission_note"  ("submission_id", "created_at")`,
    );
    await q.query(`ALTER TABLE "submission" ADD "assignee" character varying(200)`);
    await q.query(`ALTER TABLE "submission" ADD "search" tsvector`);
    await q.query(
      `ALTER TABLE "submission_follower" ADD CONSTRAINT "FK_557f5afbb4278ffb7f6f2636c21" FOREIGN KEY ("submission_id") REFERENCES "submission"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "submission_note" ADD CONSTRAINT "FK_3bcc92bf366f14b4bb2fb26ac32" FOREIGN KEY ("submission_id") REFERENCES "submission"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE INDEX "IDX_submission_inbox" ON "submission" ("service_id", "submitted_at" DESC, "id" DESC) WHERE "status" <> 'draft'`,
    );
    await q.query(
      `CREATE INDEX "IDX_submission_inbox_status" ON "submission" ("service_id", "status", "submitted_at" DESC, "id" DESC) WHERE "status" <> 'draft'`,
    );
    await q.query(
      `CREATE INDEX "IDX_submission_inbox_assignee" ON "submission" ("assignee", "service_id", "submitted_at" DESC, "id" DESC) WHERE "assignee" IS NOT NULL AND "status" <> 'draft'`,
    );
    await q.query(
      `CREATE INDEX "IDX_submission_inbox_deadline" ON "submission" ("service_id", "deadline_at", "id") WHERE "deadline_at" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_submission_answers" ON "submission" USING gin ("data" jsonb_path_ops) WHERE "status" <> 'draft'`,
    );
    // How many requests have an answer (data @> …) is estimated from a sample of whole documents: with the
    // default 100 the estimate for a value held by ~1 % of the requests swings between 100 and 20,000 rows
    // from one ANALYZE to the next, and the inbox's page then either walks IDX_submission_inbox in date
    // order (2 ms) or fetches every match and sorts them (30 ms at 6,500 matches, more above).
    await q.query(`ALTER TABLE "submission" ALTER COLUMN "data" SET STATISTICS 1000`);
    await q.query(
      `CREATE INDEX "IDX_submission_search" ON "submission" USING gin ("search") WHERE "search" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_submission_search"`);
    await q.query(`ALTER TABLE "submission" ALTER COLUMN "data" SET STATISTICS -1`);
    await q.query(`DROP INDEX "public"."IDX_submission_answers"`);
    await q.query(`DROP INDEX "public"."IDX_submission_inbox_deadline"`);
    await q.query(`DROP INDEX "public"."IDX_submission_inbox_assignee"`);
    await q.query(`DROP INDEX "public"."IDX_submission_inbox_status"`);
    await q.query(`DROP INDEX "public"."IDX_submission_inbox"`);
    await q.query(`ALTER TABLE "submission_note" DROP CONSTRAINT "FK_3bcc92bf366f14b4bb2fb26ac32"`);
    await q.query(`ALTER TABLE "submission_follower" DROP CONSTRAINT "FK_557f5afbb4278ffb7f6f2636c21"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "search"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "assignee"`);
    await q.query(`DROP INDEX "public"."IDX_submission_note_submission"`);
    await q.query(`DROP TABLE "submission_note"`);
    await q.query(`DROP INDEX "public"."IDX_submission_follower_agent"`);
    await q.query(`DROP TABLE "submission_follower"`);
  }
}
