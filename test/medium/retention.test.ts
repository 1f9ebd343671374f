import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attachment, Submission } from '@guichet/persistence';
import { Attachments, LocalDiskStorage, Retention, Submissions, Transitions } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/** Housekeeping the worker runs every hour: orphaned files, stale drafts, decided requests past their retention. */
describe('retention', () => {
  const { dataSource: ds } = withTestDataSource();

  /** An organisation with a published canteen service, and a way to start requests on it. */
  async function publishedService(slug: string) {
    const seeded = await seedCanteenService(ds, slug);
    const request = (status = 'draft') => seedRequest(ds, seeded, { status });
    const { org } = seeded;
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

  it('keeps a decided request for its retention, emails a notice two weeks before, then deletes it with its files', async () => {
    const { org, request } = await publishedService('decisions');
    const decided = await request('draft');
    const open = await request('submitted');
    const dir = mkdtempSync(join(tmpdir(), 'guichet-decided-'));
    const attachments = new Attachments(ds, new LocalDiskStorage(dir));
    await attachments.store(decided, '/certificate', pdf());
    await ds.query(`UPDATE submission SET status = 'submitted' WHERE id = $1`, [decided.id]);
    await ds.query(
      `UPDATE submission SET contact_email = 'marie@example.fr', reference = 'GCH-AAAA-' || substr(id::text, 1, 4) WHERE organisation_id = $1`,
      [org.id],
    );
    const transitions = new Transitions(ds);
    const caseworker = { kind: 'caseworker' as const, id: 'token:test', organisationIds: [org.id] };
    await transitions.fire(decided.id, caseworker, { transition: 'start_review' });
    await transitions.fire(decided.id, caseworker, { transition: 'reject', comment: 'Hors délai.' });
    const [{ months }] = await ds.query(
      `SELECT round(extract(epoch FROM purge_at - decided_at) / 86400 / 30.44) AS months FROM submission WHERE id = $1`,
      [decided.id],
    );
    expect(Number(months)).toBe(12);
    expect((await ds.getRepository(Submission).findOneByOrFail({ id: open.id })).purgeAt).toBeNull();

    const retention = new Retention(ds, attachments);
    expect(await retention.sendNotices()).toBe(0);
    expect(await retention.purgeExpired()).toBe(0);

    await ds.query(`UPDATE submission SET purge_at = now() + interval '10 days' WHERE id = $1`, [decided.id]);
    expect(await retention.sendNotices()).toBe(1);
    expect(await retention.sendNotices()).toBe(0);
    const notices = await ds.query(`SELECT payload FROM outbox WHERE payload->>'template' = 'retention_notice'`);
    expect(notices).toEqual([{ payload: expect.objectContaining({ submissionId: decided.id }) }]);
    const [event] = await ds.query(`SELECT type, visibility FROM submission_event WHERE id = $1`, [
      notices[0].payload.eventId,
    ]);
    expect(event).toEqual({ type: 'retention_notice', visibility: 'public' });
    // Filed without an email address: the notice is in its history, and no email is owed.
    const unreachable = await request('rejected');
    await ds.query(`UPDATE submission SET purge_at = now() + interval '10 days' WHERE id = $1`, [unreachable.id]);
    expect(await retention.sendNotices()).toBe(1);
    expect(await ds.query(`SELECT id FROM outbox WHERE payload->>'submissionId' = $1`, [unreachable.id])).toEqual([]);
    expect(await ds.query(`SELECT type FROM submission_event WHERE submission_id = $1`, [unreachable.id])).toEqual([
      { type: 'retention_notice' },
    ]);

    await ds.query(`UPDATE submission SET purge_at = now() - interval '1 minute' WHERE id = $1`, [decided.id]);
    expect(await retention.purgeExpired()).toBe(1);
    expect(await ds.getRepository(Submission).countBy({ id: decided.id })).toBe(0);
    expect(readdirSync(join(dir, org.id, decided.id))).toEqual([]);
    expect(await ds.getRepository(Submission).countBy({ id: open.id })).toBe(1);
  });
});
