import { SubmissionEvent } from '@guichet/persistence';
import { organisationId } from '@guichet/shared';
import { DocumentRepository, Documents, SubmissionViewRepository } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The documents' and the views' statements against the real PostgreSQL: a
 * decision letter is issued once, and nothing of a request is read with
 * another organisation's id (each statement is scoped by it).
 */
describe('DocumentRepository and SubmissionViewRepository', () => {
  const { dataSource: ds } = withTestDataSource();

  async function decided(slug: string) {
    const seeded = await seedCanteenService(ds, slug);
    const request = await seedRequest(ds, seeded, {
      status: 'accepted',
      reference: `GCH-${slug.slice(0, 4).toUpperCase()}-0001`,
      submittedAt: new Date('2026-11-02T09:00:00Z'),
      contactName: 'Marie Curie',
    });
    const event = await ds.getRepository(SubmissionEvent).save({
      organisationId: seeded.org.id,
      submissionId: request.id,
      actor: 'account:x',
      type: 'transition',
      transition: 'accept',
      fromStatus: 'in_review',
      toStatus: 'accepted',
      comment: null,
      visibility: 'public',
    });
    return { seeded, request, event, org: organisationId(seeded.org.id) };
  }

  it('issues a decision letter once and reads it within its organisation only', async () => {
    const { request, event, org } = await decided('docs');
    const other = organisationId((await seedCanteenService(ds, 'docs-other')).org.id);
    const documents = new Documents(ds);
    const issued = await documents.ensure(request.id, event.id, 'acceptance');
    expect(issued.mediaType).toBe('application/pdf');
    expect((await documents.ensure(request.id, event.id, 'acceptance')).id).toBe(issued.id);

    const repository = new DocumentRepository(ds);
    expect((await repository.issuedInAnyOrganisation(request.id, event.id, 'acceptance'))?.id).toBe(issued.id);
    expect((await repository.issued(org, request.id, event.id, 'acceptance'))?.id).toBe(issued.id);
    expect(await repository.issued(other, request.id, event.id, 'acceptance')).toBeNull();
    expect((await repository.one(org, request.id, issued.id))?.content.equals(issued.content)).toBe(true);
    expect(await repository.one(other, request.id, issued.id)).toBeNull();
    expect((await repository.list(org, request.id)).map((d) => d.id)).toEqual([issued.id]);
    expect(await repository.list(other, request.id)).toEqual([]);
    await expect(repository.event(other, request.id, event.id)).rejects.toThrow();
    await expect(documents.read({ id: request.id, organisationId: other }, issued.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await documents.read(request, issued.id)).id).toBe(issued.id);
  });

  it('reads a request’s parts for its views within its organisation only', async () => {
    const { seeded, request, event, org } = await decided('vues');
    const other = organisationId((await seedCanteenService(ds, 'vues-other')).org.id);
    await ds.getRepository(SubmissionEvent).save({
      organisationId: org,
      submissionId: request.id,
      actor: 'account:x',
      type: 'note_added',
      transition: null,
      fromStatus: null,
      toStatus: null,
      comment: null,
      visibility: 'internal',
    });
    const views = new SubmissionViewRepository(ds.manager);
    expect((await views.serviceBySlugInAnyOrganisation(seeded.service.slug))?.id).toBe(seeded.service.id);
    expect((await views.service(org, seeded.service.id)).organisation).toBeUndefined();
    expect((await views.service(org, seeded.service.id, { organisation: true })).organisation?.id).toBe(org);
    await expect(views.service(other, seeded.service.id)).rejects.toThrow();
    expect((await views.submission(org, seeded.service.id, request.id))?.id).toBe(request.id);
    expect(await views.submission(other, seeded.service.id, request.id)).toBeNull();
    expect((await views.formVersion(org, request.formVersionId)).id).toBe(seeded.version.id);
    await expect(views.formVersion(other, request.formVersionId)).rejects.toThrow();
    expect((await views.events(org, request.id)).map((e) => e.type)).toEqual(['transition', 'note_added']);
    expect((await views.events(org, request.id, 'public')).map((e) => e.id)).toEqual([event.id]);
    expect(await views.events(other, request.id)).toEqual([]);
    expect(await views.messages(other, request.id)).toEqual([]);
    expect(await views.documents(other, request.id)).toEqual([]);
    expect(await views.files(other, request.id)).toEqual([]);
  });
});
