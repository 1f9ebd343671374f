import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSystemPing1763800000001 implements MigrationInterface {
  name = 'CreateSystemPing1763800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "system_ping" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "backend" character varying(16) NOT NULL,
        "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "completed_at" TIMESTAMP WITH TIME ZONE,
        "completed_by" character varying(200),
        CONSTRAINT "PK_system_ping" PRIMARY KEY ("id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "system_ping"`);
  }
}
