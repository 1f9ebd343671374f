import type { DeskActor } from './access';
import { locate } from './access';
import type { LocatedRow } from './desk-repository';

const ORG = 'AAAAAAAA-1111-4111-8111-111111111111';
const SERVICE = '22222222-2222-4222-8222-222222222222';
const ID = '33333333-3333-4333-8333-333333333333';

const row: LocatedRow = {
  id: ID,
  organisation_id: ORG,
  service_id: SERVICE,
  status: 'submitted',
  group_key: 'nord',
  contact_email: 'lea@example.fr',
  slug: 'cantine',
};

function actorOf(grant: Partial<DeskActor['grants'][number]> = {}): DeskActor {
  return {
    id: 'account:1',
    organisationIds: [ORG],
    grants: [{ organisationId: ORG, serviceIds: null, groups: null, readOnly: false, ...grant }],
  };
}

/** A repository whose one read answers `found`, and counts how often it is asked. */
function repositoryOf(found: LocatedRow | undefined) {
  const reads: string[] = [];
  return {
    reads,
    repository: {
      locateInAnyOrganisation: async (id: string) => {
        reads.push(id);
        return found;
      },
    },
  };
}

describe('locate', () => {
  it('answers the request with its organisation as an OrganisationId, in one read', async () => {
    const { repository, reads } = repositoryOf(row);
    const located = await locate(repository, actorOf(), ID, { slug: 'cantine', act: true });
    expect(located).toEqual({
      id: ID,
      organisationId: ORG.toLowerCase(),
      serviceId: SERVICE,
      slug: 'cantine',
      status: 'submitted',
      groupKey: 'nord',
      contactEmail: 'lea@example.fr',
      scope: { groups: null, readOnly: false },
    });
    expect(reads).toEqual([ID]);
  });

  it('reads nothing for an id that is not a UUID', async () => {
    const { repository, reads } = repositoryOf(row);
    await expect(locate(repository, actorOf(), 'pas-un-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(reads).toEqual([]);
  });

  it.each([
    ['a missing request', undefined, actorOf(), {}],
    ['a draft', { ...row, status: 'draft' }, actorOf(), {}],
    ['another service’s address', row, actorOf(), { slug: 'piscine' }],
    ['a service outside the grants', row, actorOf({ serviceIds: ['44444444-4444-4444-8444-444444444444'] }), {}],
    ['a group outside the grants', row, actorOf({ groups: ['sud'] }), {}],
    [
      'a request without a group for a grant of some groups',
      { ...row, group_key: null },
      actorOf({ groups: ['nord'] }),
      {},
    ],
  ] as const)('answers « not found » for %s', async (_case, found, actor, options) => {
    const { repository } = repositoryOf(found);
    await expect(locate(repository, actor, ID, options)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an action to a read-only grant (403), and lets it read', async () => {
    const { repository } = repositoryOf(row);
    await expect(locate(repository, actorOf({ readOnly: true }), ID, { act: true })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(locate(repository, actorOf({ readOnly: true }), ID)).resolves.toMatchObject({ id: ID });
  });
});
