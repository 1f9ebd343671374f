import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A caseworker's message may wait for the citizen's reply, and carry one file. */
export class DeskMessages1765100000000 implements MigrationInterface {
  name = 'DeskMessages1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submission" ADD "awaiting_reply_since" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "submission_message" ADD "attachment_id" uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submission_message" DROP COLUMN "attachment_id"`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "awaiting_reply_since"`);
  }
}
