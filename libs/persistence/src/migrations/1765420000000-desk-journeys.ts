import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What caseworkers stumbled on (issue 20): agents' names as their identity
 * provider gives them (the desk, the history and the exports name people,
 * not `account:<uuid>`); which answers were really received from the
 * citizen's identity provider and sent unchanged (only those say « transmis
 * par FranceConnect »); and an agent who never chose how to hear of new
 * requests gets the daily digest, no longer one email per request: `notify`
 * NULL means « not chosen », read as `digest`.
 */
export class DeskJourneys1765420000000 implements MigrationInterface {
  name = 'DeskJourneys1765420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "account" ADD "display_name" character varying(200)`);
    await q.query(`ALTER TABLE "submission" ADD "identity_pointers" jsonb`);
    await q.query(`ALTER TABLE "agent_preference" ALTER COLUMN "notify" DROP NOT NULL`);
    await q.query(`ALTER TABLE "agent_preference" ALTER COLUMN "notify" DROP DEFAULT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "agent_preference" SET "notify" = 'instant' WHERE "notify" IS NULL`);
    await q.query(`ALTER TABLE "agent_preference" ALTER COLUMN "notify" SET DEFAULT 'instant'`);
    await q.query(`ALTER TABLE "agent_preference" ALTER COLUMN "notify" SET NOT NULL`);
    await q.query(`ALTER TABLE "submission" DROP COLUMN "identity_pointers"`);
    await q.query(`ALTER TABLE "account" DROP COLUMN "display_name"`);
  }
}
