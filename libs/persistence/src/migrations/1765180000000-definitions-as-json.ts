import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Definitions are kept as `json`, the text as written, instead of `jsonb`,
 * which stores objects with their keys sorted (shorter first): the key order
 * of `properties` is the order fields are shown in, so a definition must come
 * back as the designer wrote it. Nothing queries inside these columns.
 *
 * Rows written before this migration keep the order `jsonb` gave them: the
 * conversion cannot know the authored order (docs/operations.md, upgrading).
 * Changing a column's type fires no row trigger: published versions stay
 * immutable and are not "updated" by it.
 */
export class DefinitionsAsJson1765180000000 implements MigrationInterface {
  name = 'DefinitionsAsJson1765180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "form_version" ALTER COLUMN "definition" TYPE json USING "definition"::json`);
    await q.query(`ALTER TABLE "service" ALTER COLUMN "draft_definition" TYPE json USING "draft_definition"::json`);
    await q.query(`ALTER TABLE "test_submission" ALTER COLUMN "definition" TYPE json USING "definition"::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "test_submission" ALTER COLUMN "definition" TYPE jsonb USING "definition"::jsonb`);
    await q.query(`ALTER TABLE "service" ALTER COLUMN "draft_definition" TYPE jsonb USING "draft_definition"::jsonb`);
    await q.query(`ALTER TABLE "form_version" ALTER COLUMN "definition" TYPE jsonb USING "definition"::jsonb`);
  }
}
