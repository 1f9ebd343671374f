import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Attachment, FormVersion, Organisation, Service, Submission, createDataSource } from '@guichet/persistence';
import { Attachments, LocalDiskStorage, Submissions } from '@guichet/submissions';
import { canteenDefinition } from '../fixtures/canteen';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('orphaned attachments', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const dir = mkdtempSync(join(tmpdir(), 'guichet-attachments-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('deletes the files no answer refers to any more, and only those', async () => {
    const org = await ds.getRepository(Organisation).save({ slug: 'orphelins', name: 'Orphelins' });
    const service = await ds.getRepository(Service).save({
      organisationId: org.id,
      slug: 'cantine-orphelins',
      title: 'Cantine',
      status: 'published',
      draftDefinition: canteenDefinition() as never,
      latestVersion: 1,
    });
    const version = await ds.getRepository(FormVersion).save({
      organisationId: org.id,
      serviceId: service.id,
      number: 1,
      definition: canteenDefinition() as never,
      contentHash: 'f'.repeat(64),
      publishedBy: 'test',
    });
    const submission = await ds.getRepository(Submission).save({
      organisationId: org.id,
      serviceId: service.id,
      formVersionId: version.id,
      versionNumber: 1,
      ownerAccountId: null,
      anonymousOwner: 'a'.repeat(64),
      status: 'draft',
      data: {},
    });
    const attachments = new Attachments(ds, new LocalDiskStorage(dir));
    const pdf = { filename: 'c.pdf', bytes: Buffer.from('%PDF-1.4\n%%EOF\n'), truncated: false };
    const kept = await attachments.store(submission, '/certificate', pdf);
    const dropped = await attachments.store(submission, '/certificate', pdf);
    await ds
      .getRepository(Submission)
      .update({ id: submission.id }, { data: { certificate: kept.attachmentId } as never });

    expect(await attachments.cleanOrphans(60_000)).toBe(0); // too recent: a citizen may still be filling the form
    await ds.query(`UPDATE attachment SET created_at = now() - interval '2 days'`);
    expect(await attachments.cleanOrphans()).toBe(1);
    expect((await ds.getRepository(Attachment).find()).map((a) => a.id)).toEqual([kept.attachmentId]);
    expect(readdirSync(join(dir, org.id, submission.id))).toEqual([kept.attachmentId]);
    expect(dropped.attachmentId).not.toBe(kept.attachmentId);
  });
});

describe('draft retention', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('deletes drafts untouched for three months, never submitted requests', async () => {
    const org = await ds.getRepository(Organisation).save({ slug: 'retention', name: 'Rétention' });
    const service = await ds.getRepository(Service).save({
      organisationId: org.id,
      slug: 'cantine-retention',
      title: 'Cantine',
      status: 'published',
      draftDefinition: canteenDefinition() as never,
      latestVersion: 1,
    });
    const version = await ds.getRepository(FormVersion).save({
      organisationId: org.id,
      serviceId: service.id,
      number: 1,
      definition: canteenDefinition() as never,
      contentHash: 'e'.repeat(64),
      publishedBy: 'test',
    });
    const make = (status: string) =>
      ds.getRepository(Submission).save({
        organisationId: org.id,
        serviceId: service.id,
        formVersionId: version.id,
        versionNumber: 1,
        ownerAccountId: null,
        anonymousOwner: 'b'.repeat(64),
        status,
        data: {},
      });
    const [old, recent, submitted] = [await make('draft'), await make('draft'), await make('submitted')];
    await ds.query(`UPDATE submission SET updated_at = now() - interval '4 months' WHERE id = ANY($1)`, [
      [old.id, submitted.id],
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'guichet-retention-'));
    const attachments = new Attachments(ds, new LocalDiskStorage(dir));
    await attachments.store(old, '/certificate', {
      filename: 'c.pdf',
      bytes: Buffer.from('%PDF-1.4\n'),
      truncated: false,
    });
    const submissions = new Submissions(ds, attachments);
    expect(await submissions.purgeStaleDrafts()).toBe(1);
    expect(readdirSync(join(dir, org.id, old.id))).toEqual([]);
    expect(await ds.getRepository(Attachment).count()).toBe(0);
    const left = (await ds.getRepository(Submission).find()).map((s) => s.id).sort();
    expect(left).toEqual([recent.id, submitted.id].sort());
  });
});
