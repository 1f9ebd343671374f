import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations administered from the studio: contact details and branding
 * shown to citizens (an accent colour, a logo kept in the row), and labelled
 * caseworker groups per service (the keys routing rules and memberships use).
 */
export class OrganisationAdmin1764900000000 implements MigrationInterface {
  name = 'OrganisationAdmin1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "organisation" ADD "contact_email" character varying(320)`);
    await q.query(`ALTER TABLE "organisation" ADD "contact_phone" character varying(40)`);
    await q.query(`ALTER TABLE "organisation" ADD "contact_address" character varying(500)`);
    await q.query(`ALTER TABLE "organisation" ADD "website" character varying(500)`);
    await q.query(`ALTER TABLE "organisation" ADD "accent_color" character(7)`);
    await q.query(`ALTER TABLE "organisation" ADD "logo" bytea`);
    await q.query(`ALTER TABLE "organisation" ADD "logo_type" character varying(32)`);
    await q.query(`ALTER TABLE "organisation" ADD "logo_hash" character(64)`);
    await q.query(
      `CREATE TABLE "caseworker_group" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "service_id" uuid NOT NULL, "key" character varying(40) NOT NULL, "label" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_346d44b82bea013857212fab356" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_caseworker_group_organisation" ON "caseworker_group" ("organisation_id")`);
    await q.query(`CREATE UNIQUE INDEX "UQ_caseworker_group_service_key" ON "caseworker_group" ("service_id", "key")`);
    await q.query(
      `ALTER TABLE "caseworker_group" ADD CONSTRAINT "FK_eba4ffa3ef3208cdc37bf35b167" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "caseworker_group" ADD CONSTRAINT "FK_0b4548b4e504cd9f711beab19ee" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "caseworker_group"`);
    for (const column of [
      'logo_hash',
      'logo_type',
      'logo',
      'accent_color',
      'website',
      'contact_address',
      'contact_phone',
      'contact_email',
    ]) {
      await q.query(`ALTER TABLE "organisation" DROP COLUMN "${column}"`);
    }
  }
}
