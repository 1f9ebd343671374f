import type { DataSource } from 'typeorm';
import type { AgentMembership, Service } from '@guichet/persistence';
import { organisationId } from '@guichet/shared';
import { OrganisationAdmin } from './organisation-admin';
import type { OrganisationRepository } from './organisation-repository';

const ORG = organisationId('0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6b');
const MEMBERSHIP = '5d1e8f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a';
const SERVICE = {
  id: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  organisationId: ORG,
  slug: 'cantine',
  title: 'Cantine',
  draftDefinition: { workflow: { routing: { defaultGroup: 'nord' } } },
  latestVersion: null,
} as unknown as Service;
const by = { id: 'account:admin', onBehalfOf: 'admin@mairie.fr' };

/** A repository whose every call is recorded with its arguments; `answers` says what a method returns. */
function fake<R extends object>(answers: Record<string, (...args: unknown[]) => unknown> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const repository: R = new Proxy({} as R, {
    get: (_target, name: string) =>
      name === 'transaction'
        ? (work: (r: R) => Promise<unknown>) => work(repository)
        : (...args: unknown[]) => {
            calls.push([name, ...args]);
            return Promise.resolve(answers[name]?.(...args));
          },
  });
  return { repository, calls };
}

const membership = (fields: Partial<AgentMembership>) =>
  ({
    id: MEMBERSHIP,
    organisationId: ORG,
    email: 'agent@mairie.fr',
    serviceId: null,
    groupKey: null,
    ...fields,
  }) as AgentMembership;

describe('OrganisationAdmin over its repository', () => {
  const admin = (answers: Record<string, (...args: unknown[]) => unknown>) => {
    const { repository, calls } = fake<OrganisationRepository>(answers);
    return {
      admin: new OrganisationAdmin({} as DataSource, repository),
      calls,
    };
  };

  it('removes an agent in one transaction, every statement scoped by the organisation it was given', async () => {
    const { admin: organisationAdmin, calls } = admin({
      membership: () => membership({ role: 'admin' }),
      countWholeAdmins: () => 2,
      revokeTokensUnlessAdmin: () => [{ id: 'tok', name: 'cantine' }],
    });
    await expect(organisationAdmin.removeAgent(ORG, MEMBERSHIP, by)).resolves.toEqual({
      id: MEMBERSHIP,
      removed: true,
    });
    expect(calls.map(([name]) => name)).toEqual([
      'lock',
      'membership',
      'countWholeAdmins',
      'deleteMemberships',
      'addAccessEvent',
      'revokeTokensUnlessAdmin',
      'addAccessEvent',
    ]);
    for (const [, first] of calls) expect(first).toBe(ORG);
    expect(calls[3]).toEqual(['deleteMemberships', ORG, [MEMBERSHIP]]);
    expect(calls[6]?.[2]).toMatchObject({
      actor: 'account:admin',
      type: 'token_revoked',
      subject: 'token:tok',
    });
  });

  it('keeps the last admin of the whole organisation', async () => {
    const { admin: organisationAdmin, calls } = admin({
      membership: () => membership({ role: 'admin' }),
      countWholeAdmins: () => 1,
    });
    await expect(organisationAdmin.removeAgent(ORG, MEMBERSHIP, by)).rejects.toMatchObject({ code: 'LAST_ADMIN' });
    expect(calls.map(([name]) => name)).not.toContain('deleteMemberships');
  });

  it('refuses to delete a group that routing still names, before touching a row', async () => {
    const { admin: organisationAdmin, calls } = admin({
      service: () => SERVICE,
    });
    await expect(organisationAdmin.deleteGroup(ORG, 'cantine', 'nord', by)).rejects.toMatchObject({
      code: 'GROUP_IN_USE',
    });
    expect(calls.map(([name]) => name)).toEqual(['service']);
  });

  it('deletes a group’s label and its members, within the organisation', async () => {
    const members = [membership({ id: 'm1', role: 'caseworker' }), membership({ id: 'm2', role: 'caseworker' })];
    const { admin: organisationAdmin, calls } = admin({
      service: () => SERVICE,
      deleteGroupLabel: () => false,
      groupMembers: () => members,
      revokeTokensUnlessAdmin: () => [],
    });
    await expect(organisationAdmin.deleteGroup(ORG, 'cantine', 'sud', by)).resolves.toEqual({
      key: 'sud',
      deleted: true,
      membersRemoved: 2,
    });
    expect(calls).toContainEqual(['deleteGroupLabel', ORG, SERVICE.id, 'sud']);
    expect(calls).toContainEqual(['groupMembers', ORG, SERVICE.id, 'sud']);
    expect(calls).toContainEqual(['deleteMemberships', ORG, ['m1', 'm2']]);
    for (const [, first] of calls) expect(first).toBe(ORG);
  });

  it('answers « not found » for a group with neither label nor members', async () => {
    const { admin: organisationAdmin } = admin({
      service: () => SERVICE,
      deleteGroupLabel: () => false,
      groupMembers: () => [],
    });
    await expect(organisationAdmin.deleteGroup(ORG, 'cantine', 'sud', by)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads the latest published version’s routing too', async () => {
    const { admin: organisationAdmin, calls } = admin({
      service: () => ({ ...SERVICE, latestVersion: 3 }),
      groupLabels: () => [],
      caseworkersOf: () => [],
      versionDefinition: () => ({
        workflow: { routing: { rules: [{ group: 'est' }] } },
      }),
    });
    const { groups } = await organisationAdmin.listGroups(ORG, 'cantine');
    expect(groups.map((g) => [g.key, g.routed])).toEqual([
      ['est', true],
      ['nord', true],
    ]);
    expect(calls).toContainEqual(['versionDefinition', ORG, SERVICE.id, 3]);
  });
});
