import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Agents choose how they hear of new requests and replies: instant emails, a daily digest, or none. */
export class AgentPreferences1764600000000 implements MigrationInterface {
  name = 'AgentPreferences1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "agent_preference" ("email" character varying(320) NOT NULL, "notify" character varying(16) NOT NULL DEFAULT 'instant', "digest_sent_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_agent_preference" PRIMARY KEY ("email"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "agent_preference"`);
  }
}
