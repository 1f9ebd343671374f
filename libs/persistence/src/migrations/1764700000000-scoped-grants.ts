import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scoped access: an agent may be a caseworker of one service or one routing
 * group only; an API token may be limited to some services, to reading, and
 * to a period.
 */
export class ScopedGrants1764700000000 implements MigrationInterface {
  name = 'ScopedGrants1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "agent_membership" DROP CONSTRAINT "UQ_agent_membership"`);
    await q.query(`ALTER TABLE "agent_membership" ADD "service_id" uuid`);
    await q.query(`ALTER TABLE "agent_membership" ADD "group_key" character varying(40)`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_agent_membership_scope" ON "agent_membership" ("organisation_id", "email", "role", (coalesce("service_id", '00000000-0000-0000-0000-000000000000'::uuid)), (coalesce("group_key", '')))`,
    );
    await q.query(`ALTER TABLE "api_token" ADD "service_ids" uuid array`);
    await q.query(`ALTER TABLE "api_token" ADD "read_only" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "api_token" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "expires_at"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "read_only"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "service_ids"`);
    await q.query(`DROP INDEX "public"."UQ_agent_membership_scope"`);
    // Scoped rows would collide once the scope is gone: keep one per (organisation, email, role).
    await q.query(
      `DELETE FROM "agent_membership" a USING "agent_membership" b
        WHERE a.organisation_id = b.organisation_id AND a.email = b.email AND a.role = b.role AND a.id > b.id`,
    );
    await q.query(`ALTER TABLE "agent_membership" DROP COLUMN "group_key"`);
    await q.query(`ALTER TABLE "agent_membership" DROP COLUMN "service_id"`);
    await q.query(
      `ALTER TABLE "agent_membership" ADD CONSTRAINT "UQ_agent_membership" UNIQUE ("organisation_id", "email", "role")`,
    );
  }
}
