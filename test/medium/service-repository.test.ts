import { ServiceRepository } from '@guichet/forms';
import { Service } from '@guichet/persistence';
import { organisationId } from '@guichet/shared';
import { withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The catalogue's statements against the real PostgreSQL: each of the
 * studio's reads and writes finds and changes nothing of a service when
 * another organisation's id is given; the public reads stay published-only.
 */
describe('ServiceRepository', () => {
  const { dataSource: ds } = withTestDataSource();
  let services: ServiceRepository;

  beforeAll(() => {
    services = new ServiceRepository(ds);
  });

  it('reads and writes a service within its organisation only', async () => {
    const seeded = await seedCanteenService(ds, 'cat-scope');
    const other = organisationId((await seedCanteenService(ds, 'cat-other')).org.id);
    const org = organisationId(seeded.org.id);
    const { service } = seeded;

    expect((await services.bySlug([org], service.slug))?.id).toBe(service.id);
    expect(await services.bySlug([other], service.slug)).toBeNull();
    expect((await services.bySlug([other, org], service.slug))?.id).toBe(service.id);
    expect((await services.list([org])).map((s) => s.id)).toEqual([service.id]);
    await expect(services.byId(other, service.id)).rejects.toThrow();
    expect((await services.versions(org, service.id)).map((v) => v.number)).toEqual([1]);
    expect(await services.versions(other, service.id)).toEqual([]);
    expect((await services.version(org, service.id, 1))?.id).toBe(seeded.version.id);
    expect(await services.version(other, service.id, 1)).toBeNull();
    expect(await services.count(org)).toBe(1);

    await seedRequest(ds, seeded);
    await seedRequest(ds, seeded, { status: 'in_review' });
    await seedRequest(ds, seeded, { status: 'accepted' });
    expect(await services.openRequests(org, service.id)).toEqual({ drafts: 1, open: 1 });
    expect(await services.openRequests(other, service.id)).toEqual({ drafts: 0, open: 0 });

    // Writes with another organisation's id change nothing.
    const before = await services.byId(org, service.id);
    await services.updateDraft(other, service.id, { changed: true });
    await services.setPublished(other, service.id, 9);
    await services.close(other, service.id, {
      status: 'closed',
      closedMessage: 'non',
      closedRedirectTo: null,
      closedAt: new Date(),
    });
    expect(await services.byId(org, service.id)).toEqual(before);

    // Within it: a draft saved is a new revision, key order kept.
    await services.updateDraft(org, service.id, { b: 1, a: 2 });
    const saved = await services.byId(org, service.id);
    expect(saved.draftRevision).toBe(before.draftRevision + 1);
    expect(Object.keys(saved.draftDefinition)).toEqual(['b', 'a']);
  });

  it('publishes a version in one transaction', async () => {
    const seeded = await seedCanteenService(ds, 'cat-publish');
    const org = organisationId(seeded.org.id);
    await services.transaction(async (within) => {
      const service = await within.bySlug([org], seeded.service.slug, true);
      await within.addVersion(org, {
        serviceId: service!.id,
        number: 2,
        definition: seeded.version.definition,
        contentHash: 'e'.repeat(64),
        publishedBy: 'test',
      });
      await within.setPublished(org, service!.id, 2);
      await within.deleteTrials(org, service!.id);
    });
    const published = await ds.getRepository(Service).findOneByOrFail({ id: seeded.service.id });
    expect(published.latestVersion).toBe(2);
    expect((await services.versionOrFail(org, seeded.service.id, 2)).organisationId).toBe(org);
  });

  it('shows published services of every organisation to the public, and nothing else', async () => {
    const seeded = await seedCanteenService(ds, 'cat-public');
    const draft = await ds.getRepository(Service).save({
      organisationId: seeded.org.id,
      slug: 'brouillon-cat-public',
      title: 'Brouillon',
      status: 'draft',
      draftDefinition: {},
      latestVersion: null,
    });
    const open = await services.publishedInAnyOrganisation(seeded.org.slug);
    expect(open.map((s) => s.slug)).toEqual([seeded.service.slug]);
    expect(open[0]!.organisation?.slug).toBe(seeded.org.slug);
    expect((await services.latestDefinitions(open)).map((v) => v.serviceId)).toEqual([seeded.service.id]);
    expect((await services.shownInAnyOrganisation(seeded.service.slug))?.id).toBe(seeded.service.id);
    expect((await services.bySlugInAnyOrganisation(draft.slug))?.id).toBe(draft.id);
    expect(await services.bySlugInAnyOrganisation('nulle-part')).toBeNull();
    expect(await services.shownInAnyOrganisation(draft.slug)).toBeNull();
    expect(await services.definitionByHashInAnyOrganisation(seeded.version.contentHash)).toEqual({
      definition: seeded.version.definition,
    });
  });
});
