import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccountsAndSessions1764000000000 implements MigrationInterface {
  name = 'CreateAccountsAndSessions1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "account" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "issuer" character varying(500) NOT NULL, "subject" character varying(255) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_login_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_account_issuer_subject" UNIQUE ("issuer", "subject"), CONSTRAINT "PK_54115ee388cdb6d86bb4bf5b2ea" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "agent_membership" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "email" character varying(320) NOT NULL, "role" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_agent_membership" UNIQUE ("organisation_id", "email", "role"), CONSTRAINT "PK_a66c59fee3758d63876e7ddcf2e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_agent_membership_email" ON "agent_membership" ("email")`);
    await q.query(
      `ALTER TABLE "agent_membership" ADD CONSTRAINT "FK_8fd37446216a55d6d0b08e58485" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Server-side sessions (connect-pg-simple's layout; no entity: the session store owns it).
    await q.query(
      `CREATE TABLE "session" ("sid" varchar NOT NULL, "sess" json NOT NULL, "expire" timestamp(6) NOT NULL, CONSTRAINT "session_pkey" PRIMARY KEY ("sid"))`,
    );
    await q.query(`CREATE INDEX "IDX_session_expire" ON "session" ("expire")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "session"`);
    await q.query(`DROP TABLE "agent_membership"`);
    await q.query(`DROP TABLE "account"`);
  }
}
