import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The installation's identity (issue 21): one row, written by the first
 * process that starts on this database (not by the migration, so databases
 * cloned from a migrated template each get their own). Its id names the
 * installation's default queue prefix in Redis and claims that prefix, so two
 * installations on one Redis never take each other's jobs.
 */
export class Installation1765620000000 implements MigrationInterface {
  name = 'Installation1765620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "installation" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "singleton" boolean NOT NULL DEFAULT true,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_installation" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_installation_singleton" UNIQUE ("singleton"),
        CONSTRAINT "CHK_installation_singleton" CHECK ("singleton")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "installation"`);
  }
}
