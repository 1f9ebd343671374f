import { Attachment, Submission, SubmissionMessage } from '@guichet/persistence';
import { organisationId } from '@guichet/shared';
import { FollowLinkRepository } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/** The follow links' statements against the real PostgreSQL: nothing changes with another organisation's id. */
describe('FollowLinkRepository', () => {
  const { dataSource: ds } = withTestDataSource();
  let links: FollowLinkRepository;

  beforeAll(() => {
    links = new FollowLinkRepository(ds);
  });

  it('renews, hands over and reads sent files within the request’s organisation only', async () => {
    const seeded = await seedCanteenService(ds, 'suivi');
    const other = organisationId((await seedCanteenService(ds, 'suivi-other')).org.id);
    const org = organisationId(seeded.org.id);
    const request = await seedRequest(ds, seeded, { status: 'submitted', reference: 'GCH-SUIV-0001' });
    expect((await links.linkedInAnyOrganisation(request.id))?.id).toBe(request.id);

    const generation = request.followGeneration;
    expect(await links.renew(other, request.id, generation)).toBeNull();
    expect(await links.renew(org, request.id, generation)).toEqual({
      id: request.id,
      followGeneration: generation + 1,
    });
    // The same generation again: renewed already.
    expect(await links.renew(org, request.id, generation)).toBeNull();

    await links.giveToSession(other, request.id, 'b'.repeat(64));
    expect((await ds.getRepository(Submission).findOneByOrFail({ id: request.id })).anonymousOwner).toBe(
      'a'.repeat(64),
    );
    await links.giveToSession(org, request.id, 'b'.repeat(64));
    expect((await ds.getRepository(Submission).findOneByOrFail({ id: request.id })).anonymousOwner).toBe(
      'b'.repeat(64),
    );

    const file = await ds.getRepository(Attachment).save({
      organisationId: org,
      submissionId: request.id,
      pointer: '#message',
      filename: 'courrier.pdf',
      mediaType: 'application/pdf',
      bytes: 10,
      sha256: '0'.repeat(64),
      storageKey: 'k/courrier',
    });
    await ds.getRepository(SubmissionMessage).save({
      organisationId: org,
      submissionId: request.id,
      authorKind: 'caseworker',
      author: 'account:x',
      body: 'Voici le courrier',
      attachmentId: file.id,
    });
    expect(await links.sentByService(org, request.id, file.id)).toBe(true);
    expect(await links.sentByService(other, request.id, file.id)).toBe(false);
  });
});
