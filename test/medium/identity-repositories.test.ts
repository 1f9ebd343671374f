import { AgentMembership, ApiToken, Organisation } from '@guichet/persistence';
import { ApiTokenRepository, OrganisationRepository } from '@guichet/identity';
import { organisationId, type OrganisationId } from '@guichet/shared';
import { withTestDataSource } from '../support/database';

/**
 * The identity repositories' writes on the real PostgreSQL: each one touches
 * only rows of the organisation it is given, even when handed the id of
 * another organisation's row (the statements that once went by id alone).
 */
describe('identity repositories', () => {
  const { dataSource: ds } = withTestDataSource();
  let organisations: OrganisationRepository;
  let tokens: ApiTokenRepository;

  beforeAll(() => {
    organisations = new OrganisationRepository(ds);
    tokens = new ApiTokenRepository(ds);
  });

  const organisation = async (slug: string): Promise<OrganisationId> =>
    organisationId((await ds.getRepository(Organisation).save({ slug, name: slug })).id);
  const token = (org: OrganisationId, name: string, hash: string) =>
    tokens.insert(org, {
      name,
      role: 'caseworker',
      serviceIds: null,
      readOnly: false,
      expiresAt: null,
      tokenHash: hash.repeat(64),
      createdBy: null,
      createdByEmail: 'admin@mairie.fr',
    });

  it('deletes memberships only within the organisation given', async () => {
    const a = await organisation('memberships-a');
    const b = await organisation('memberships-b');
    const mine = await organisations.addMembership(a, {
      email: 'x@mairie.fr',
      role: 'caseworker',
      serviceId: null,
      groupKey: null,
    });
    const theirs = await organisations.addMembership(b, {
      email: 'x@mairie.fr',
      role: 'caseworker',
      serviceId: null,
      groupKey: null,
    });
    expect(mine && theirs).toBeTruthy();
    // The same membership again: refused, not doubled.
    expect(
      await organisations.addMembership(a, {
        email: 'x@mairie.fr',
        role: 'caseworker',
        serviceId: null,
        groupKey: null,
      }),
    ).toBeNull();

    await organisations.deleteMemberships(a, [mine!.id, theirs!.id]);
    const left = await ds.getRepository(AgentMembership).findBy({ email: 'x@mairie.fr' });
    expect(left.map((m) => m.id)).toEqual([theirs!.id]);
    expect(await organisations.membership(a, theirs!.id)).toBeNull();
    expect(await organisations.membership(b, theirs!.id)).toMatchObject({ id: theirs!.id, organisationId: b });
  });

  it('finds a token by its hash in any organisation, and touches or revokes it only within its own', async () => {
    const a = await organisation('tokens-a');
    const b = await organisation('tokens-b');
    const record = await token(b, 'cantine', 'c');
    expect(await tokens.liveByHash('c'.repeat(64))).toMatchObject({ id: record.id, organisationId: b });

    const used = new Date('2026-12-01T10:00:00Z');
    await tokens.touch(a, record.id, used);
    expect((await ds.getRepository(ApiToken).findOneByOrFail({ id: record.id })).lastUsedAt).toBeNull();
    await tokens.touch(b, record.id, used);
    expect((await ds.getRepository(ApiToken).findOneByOrFail({ id: record.id })).lastUsedAt).toEqual(used);

    expect(await tokens.names([a], [record.id])).toEqual([]);
    expect(await tokens.names([a, b], [record.id])).toEqual([{ id: record.id, name: 'cantine' }]);

    expect(await tokens.revoke(a, record.id, new Date())).toBe(false);
    expect(await tokens.live(b)).toHaveLength(1);
    expect(await tokens.revoke(b, record.id, new Date())).toBe(true);
    expect(await tokens.revoke(b, record.id, new Date())).toBe(false);
    expect(await tokens.live(b)).toEqual([]);
    expect(await tokens.liveByHash('c'.repeat(64))).toBeNull();
  });

  it('revokes the tokens of a former admin, in the transaction that removed their role', async () => {
    const a = await organisation('former-admin');
    const b = await organisation('former-admin-other');
    const mine = await token(a, 'mine', 'd');
    const elsewhere = await token(b, 'elsewhere', 'e');
    const revoked = await organisations.transaction(async (repository) => {
      await repository.lock(a);
      return repository.revokeTokensUnlessAdmin(a, 'admin@mairie.fr');
    });
    expect(revoked).toEqual([{ id: mine.id, name: 'mine' }]);
    expect(await tokens.live(b)).toEqual([expect.objectContaining({ id: elsewhere.id })]);
  });
});
