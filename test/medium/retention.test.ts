import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Attachment, FormVersion, Organisation, Service, Submission, createDataSource } from '@guichet/persistence';
import { Attachments, LocalDiskStorage, Submissions } from '@guichet/submissions';
import { canteenDefinition } from '../fixtures/canteen';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Housekeeping the worker runs every hour: orphaned files, stale drafts. */
describe('retention', () => {
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

  /** An organisation with a published canteen service, and a way to start requests on it. */
  async function publishedService(slug: string) {
    const org = await ds.getRepository(Organisation).save({ slug, name: slug });
    const service = await ds.getRepository(Service).save({
      organisationId: org.id,
      slug: `cantine-${slug}`,
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
      contentHash: slug.padEnd(64, '0').slice(0, 64),
      publishedBy: 'test',
    });
    const request = (status = 'draft') =>
      ds.getRepository(Submission).save({
        organisationId: org.id,
        serviceId: service.id,
        formVersionId: version.id,
        versionNumber: 1,
        ownerAccountId: null,
        anonymousOwner: 'a'.repeat(64),
        status,
        data: {},
      });
    return { org, request };
  }

  const pdf = () => ({ filename: 'c.pdf', bytes: Buffer.from('%PDF-1.4\n%%EOF\n'), truncated: false });

  it('deletes the files no answer refers to any more, and only those', async () => {
    const { org, request } = await publishedService('orphelins');
    const submission = await request();
    const dir = mkdtempSync(join(tmpdir(), 'guichet-attachments-'));
    const attachments = new Attachments(ds, new LocalDiskStorage(dir));
    const kept = await attachments.store(submission, '/certificate', pdf());
    const dropped = await attachments.store(submission, '/certificate', pdf());
    await ds
      .getRepository(Submission)
      .update({ id: submission.id }, { data: { certificate: kept.attachmentId } as never });

    expect(await attachments.cleanOrphans(60_000)).toBe(0); // too recent: a citizen may still be filling the form
    await ds.query(`UPDATE attachment SET created_at = now() - interval '2 days' WHERE submission_id = $1`, [
      submission.id,
    ]);
    expect(await attachments.cleanOrphans()).toBe(1);
    const left = await ds.getRepository(Attachment).findBy({ submissionId: submission.id });
    expect(left.map((a) => a.id)).toEqual([kept.attachmentId]);
    expect(readdirSync(join(dir, org.id, submission.id))).toEqual([kept.attachmentId]);
    expect(dropped.attachmentId).not.toBe(kept.attachmentId);
  });

  it('deletes drafts untouched for three months with their files, never submitted requests', async () => {
    const { org, request } = await publishedService('retention');
    const [old, recent, submitted] = [await request(), await request(), await request('submitted')];
    await ds.query(`UPDATE submission SET updated_at = now() - interval '4 months' WHERE id = ANY($1)`, [
      [old.id, submitted.id],
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'guichet-retention-'));
    const attachments = new Attachments(ds, new LocalDiskStorage(dir));
    await attachments.store(old, '/certificate', pdf());

    expect(await new Submissions(ds, attachments).purgeStaleDrafts()).toBe(1);
    expect(readdirSync(join(dir, org.id, old.id))).toEqual([]);
    expect(await ds.getRepository(Attachment).countBy({ submissionId: old.id })).toBe(0);
    const left = (await ds.getRepository(Submission).findBy({ organisationId: org.id })).map((s) => s.id).sort();
    expect(left).toEqual([recent.id, submitted.id].sort());
  });
});
