import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Follow links of requests filed without an account: their generation, raised to revoke every link given so far. */
export class FollowLinks1765800000000 implements MigrationInterface {
  name = 'FollowLinks1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submission" ADD "follow_generation" integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submission" DROP COLUMN "follow_generation"`);
  }
}
