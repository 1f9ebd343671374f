import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganisation1763800000000 implements MigrationInterface {
  name = 'CreateOrganisation1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "organisation" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "slug" character varying(63) NOT NULL,
        "name" character varying(200) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_organisation_slug" UNIQUE ("slug"),
        CONSTRAINT "PK_organisation" PRIMARY KEY ("id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "organisation"`);
  }
}
