import { randomUUID } from 'node:crypto';
import { organisationId } from '@guichet/shared';
import { AttachmentRepository, MESSAGE_FILE_POINTER, MessageRepository } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The attachments' and messages' statements against the real PostgreSQL:
 * what they did inline before, and nothing of a request when another
 * organisation's id is given (each statement is scoped by it).
 */
describe('AttachmentRepository and MessageRepository', () => {
  const { dataSource: ds } = withTestDataSource();
  let repository: AttachmentRepository;

  beforeAll(() => {
    repository = new AttachmentRepository(ds.manager);
  });

  const file = (submissionId: string, pointer = '/certificate') => {
    const id = randomUUID();
    return {
      id,
      submissionId,
      pointer,
      filename: 'a.pdf',
      mediaType: 'application/pdf',
      bytes: 10,
      sha256: '0'.repeat(64),
      storageKey: `k/${id}`,
    };
  };

  it('reads and writes a request’s files within its organisation only', async () => {
    const seeded = await seedCanteenService(ds, 'pj-scope');
    const other = organisationId((await seedCanteenService(ds, 'pj-other')).org.id);
    const org = organisationId(seeded.org.id);
    const request = await seedRequest(ds, seeded, { data: { note: 'x' } as never });
    const field = file(request.id);
    const message = file(request.id, MESSAGE_FILE_POINTER);
    await repository.insert(org, field);
    await repository.insert(org, message);

    expect((await repository.formVersion(org, request.formVersionId)).id).toBe(seeded.version.id);
    await expect(repository.formVersion(other, request.formVersionId)).rejects.toThrow();
    expect(await repository.lockAnswers(org, request.id)).toBe('{"note": "x"}'); // jsonb's text
    expect(await repository.lockAnswers(other, request.id)).toBe('');
    // The quota counts field files only.
    expect(await repository.fieldFiles(org, request.id)).toEqual([{ id: field.id, bytes: 10 }]);
    expect(await repository.fieldFiles(other, request.id)).toEqual([]);
    expect((await repository.file(org, request.id, field.id))?.storageKey).toBe(field.storageKey);
    expect(await repository.file(other, request.id, field.id)).toBeNull();
    expect((await repository.ids(org, request.id)).sort()).toEqual([field.id, message.id].sort());
    expect(await repository.ids(other, request.id)).toEqual([]);
    expect(await repository.messageFiles(org, [message.id])).toEqual([
      { id: message.id, filename: 'a.pdf', mediaType: 'application/pdf', bytes: 10 },
    ]);
    expect(await repository.messageFiles(other, [message.id])).toEqual([]);

    // Released field files go, never a message file, never with another organisation's id.
    expect(await repository.deleteFieldFiles(other, request.id, [field.id, message.id])).toEqual([]);
    expect(await repository.deleteFieldFiles(org, request.id, [field.id, message.id])).toEqual([field.storageKey]);
    expect(await repository.ids(org, request.id)).toEqual([message.id]);

    // A deleted request's files come with their organisation, which the delete takes.
    expect(await repository.filesOfDeletedRequest(request.id)).toEqual([
      { id: message.id, organisationId: org, storageKey: message.storageKey },
    ]);
    await repository.delete(other, message.id);
    expect(await repository.ids(org, request.id)).toEqual([message.id]);
    await repository.delete(org, message.id);
    expect(await repository.ids(org, request.id)).toEqual([]);
  });

  it('finds orphans in every organisation, each with its own', async () => {
    const seeded = await seedCanteenService(ds, 'pj-orphan');
    const org = organisationId(seeded.org.id);
    const request = await seedRequest(ds, seeded);
    const orphan = file(request.id);
    await repository.insert(org, orphan);
    await ds.query(`UPDATE attachment SET created_at = now() - interval '2 days' WHERE id = $1`, [orphan.id]);
    const found = await repository.orphansInAnyOrganisation(24 * 3600_000, 500);
    expect(found).toContainEqual({ id: orphan.id, organisationId: org, storageKey: orphan.storageKey });
  });

  it('clears the awaiting-reply date within the organisation, and writes messages and events in it', async () => {
    const seeded = await seedCanteenService(ds, 'msg-scope');
    const other = organisationId((await seedCanteenService(ds, 'msg-other')).org.id);
    const org = organisationId(seeded.org.id);
    const request = await seedRequest(ds, seeded, { status: 'submitted', awaitingReplySince: new Date() });
    const messages = new MessageRepository(ds.manager);
    expect(await messages.clearAwaitingReply(other, request.id)).toBe(false);
    expect(await messages.clearAwaitingReply(org, request.id)).toBe(true);
    expect(await messages.clearAwaitingReply(org, request.id)).toBe(false);
    const sent = await messages.add(org, {
      submissionId: request.id,
      authorKind: 'citizen',
      author: 'anonymous',
      body: 'Bonjour',
    });
    expect(sent.organisationId).toBe(org);
    expect(sent.createdAt).toBeInstanceOf(Date);
    await messages.addEvent(org, { submissionId: request.id, actor: 'anonymous', type: 'awaiting_reply_cleared' });
    const [event] = (await ds.query(
      `SELECT organisation_id, visibility, comment FROM submission_event WHERE submission_id = $1`,
      [request.id],
    )) as Array<{ organisation_id: string; visibility: string; comment: string | null }>;
    expect(event).toEqual({ organisation_id: org, visibility: 'internal', comment: null });
  });
});
