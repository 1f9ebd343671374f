import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each agent's chosen inbox columns (answers shown in the desk's table), per service. */
export class InboxColumns1764850000000 implements MigrationInterface {
  name = 'InboxColumns1764850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "agent_preference" ADD "inbox_columns" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "agent_preference" DROP COLUMN "inbox_columns"`);
  }
}
