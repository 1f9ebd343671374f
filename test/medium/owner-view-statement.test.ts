import { Attachment, SubmissionDocument, SubmissionEvent, SubmissionMessage } from '@guichet/persistence';
import { organisationId } from '@guichet/shared';
import { SubmissionViewRepository, messageViews } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The owner's view in one statement (issue 22): `ownerView` reads what the five reads it replaced read — the
 * service, the public history, the documents, the messages with their files — each oldest first, rows of the same
 * time in the same order, and nothing of another organisation or another request.
 */
describe('the owner’s view statement', () => {
  const { dataSource: ds } = withTestDataSource();

  async function busyRequest(slug: string) {
    const seeded = await seedCanteenService(ds, slug);
    const org = seeded.org.id;
    const request = await seedRequest(ds, seeded, {
      status: 'accepted',
      reference: `GCH-${slug.slice(0, 4).toUpperCase()}-0001`,
      submittedAt: new Date('2026-11-02T09:00:00Z'),
    });
    // Another request of the same service, and one of another organisation: none of their rows may appear.
    const neighbour = await seedRequest(ds, seeded, { status: 'submitted' });
    const elsewhere = await seedCanteenService(ds, `${slug}-ailleurs`);
    const stranger = await seedRequest(ds, elsewhere, { status: 'submitted' });

    const event = (submissionId: string, organisationId: string, at: string, extra: Partial<SubmissionEvent>) =>
      ds.getRepository(SubmissionEvent).save({
        organisationId,
        submissionId,
        at: new Date(at),
        actor: 'system',
        type: 'transition',
        fromStatus: null,
        toStatus: null,
        transition: null,
        comment: null,
        visibility: 'public',
        ...extra,
      } as SubmissionEvent);
    // Written out of time order, two of them at the same microsecond, one internal.
    await event(request.id, org, '2026-11-03T10:00:00.123456Z', { toStatus: 'accepted', comment: 'Dossier complet.' });
    const submitted = await event(request.id, org, '2026-11-02T09:00:00.000001Z', {
      type: 'submitted',
      toStatus: 'submitted',
    });
    await event(request.id, org, '2026-11-02T09:00:00.000001Z', { type: 'note', comment: 'même instant' });
    await event(request.id, org, '2026-11-02T12:00:00Z', { type: 'assigned', visibility: 'internal' });
    await event(neighbour.id, org, '2026-11-02T12:00:00Z', { type: 'submitted', toStatus: 'submitted' });
    await event(stranger.id, elsewhere.org.id, '2026-11-02T12:00:00Z', { type: 'submitted', toStatus: 'submitted' });

    const document = (submissionId: string, organisationId: string, kind: string, at: string) =>
      ds.getRepository(SubmissionDocument).save({
        organisationId,
        submissionId,
        eventId: submitted.id,
        kind,
        filename: `${kind}.pdf`,
        mediaType: 'application/pdf',
        content: Buffer.from('%PDF-1.4'),
        createdAt: new Date(at),
      } as SubmissionDocument);
    await document(request.id, org, 'acceptance', '2026-11-03T10:00:00Z');
    await document(request.id, org, 'receipt', '2026-11-02T09:00:01Z');
    await document(neighbour.id, org, 'receipt', '2026-11-02T09:00:01Z');

    const file = (submissionId: string, organisationId: string, name: string) =>
      ds.getRepository(Attachment).save({
        organisationId,
        submissionId,
        pointer: '',
        filename: name,
        mediaType: 'application/pdf',
        bytes: 1234,
        sha256: 'c'.repeat(64),
        storageKey: `${organisationId}/${name}`,
      } as Attachment);
    const statutes = await file(request.id, org, 'statuts.pdf');
    const foreign = await file(stranger.id, elsewhere.org.id, 'autre.pdf');
    const message = (submissionId: string, at: string, extra: Partial<SubmissionMessage>) =>
      ds.getRepository(SubmissionMessage).save({
        organisationId: org,
        submissionId,
        authorKind: 'caseworker',
        author: 'account:agent',
        body: 'Merci de joindre les statuts.',
        attachmentId: null,
        createdAt: new Date(at),
        ...extra,
      } as SubmissionMessage);
    await message(request.id, '2026-11-02T15:00:00Z', {
      authorKind: 'citizen',
      body: 'Les voici.',
      attachmentId: statutes.id,
    });
    await message(request.id, '2026-11-02T11:00:00Z', { attachmentId: null });
    // A file id of another organisation is never shown (the reads before scoped the file by organisation too).
    await message(request.id, '2026-11-02T16:00:00Z', { body: '<b>Reçu</b> « ok »', attachmentId: foreign.id });
    await message(neighbour.id, '2026-11-02T16:00:00Z', {});
    return { seeded, request };
  }

  it('reads what the service, events, documents and messages reads read, in their order', async () => {
    const { seeded, request } = await busyRequest('vue-usager');
    const org = organisationId(seeded.org.id);
    const views = new SubmissionViewRepository(ds.manager);

    const read = await views.ownerView(org, request.id, seeded.service.id);

    const service = await views.service(org, seeded.service.id);
    const events = await views.events(org, request.id, 'public');
    const documents = await views.documents(org, request.id);
    const messages = await messageViews(ds.manager, org, await views.messages(org, request.id));
    expect(read.service).toEqual({ slug: service.slug, title: service.title });
    expect(read.events).toEqual(
      events.map((e) => ({ type: e.type, at: e.at, toStatus: e.toStatus, comment: e.comment })),
    );
    expect(read.documents).toEqual(documents.map((d) => ({ ...d })));
    expect(read.messages).toEqual(messages);
    // What the reads gave, spelt out: the public events oldest first, the tie in writing order; files of the
    // organisation only.
    expect(read.events.map((e) => e.type)).toEqual(['submitted', 'note', 'transition']);
    expect(read.documents.map((d) => d.kind)).toEqual(['receipt', 'acceptance']);
    expect(read.messages.map((m) => [m.from, m.attachment?.filename ?? null])).toEqual([
      ['caseworker', null],
      ['citizen', 'statuts.pdf'],
      ['caseworker', null],
    ]);
    expect(read.messages[1]!.attachment).toEqual({
      id: expect.any(String),
      filename: 'statuts.pdf',
      mediaType: 'application/pdf',
      bytes: 1234,
    });
  });

  it('reads empty lists for a new draft, and nothing with another organisation’s id', async () => {
    const seeded = await seedCanteenService(ds, 'vue-brouillon');
    const draft = await seedRequest(ds, seeded);
    const views = new SubmissionViewRepository(ds.manager);
    await expect(views.ownerView(organisationId(seeded.org.id), draft.id, seeded.service.id)).resolves.toEqual({
      service: { slug: seeded.service.slug, title: 'Cantine' },
      events: [],
      documents: [],
      messages: [],
    });
    const other = organisationId((await seedCanteenService(ds, 'vue-autre')).org.id);
    await expect(views.ownerView(other, draft.id, seeded.service.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
