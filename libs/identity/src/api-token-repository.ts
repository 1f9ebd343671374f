import { In, IsNull, type DataSource } from 'typeorm';
import { ApiToken, Service } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';

/** A token's row as `ApiTokenService.issue` writes it. */
export type NewApiToken = Pick<
  ApiToken,
  'name' | 'role' | 'serviceIds' | 'readOnly' | 'expiresAt' | 'tokenHash' | 'createdBy' | 'createdByEmail'
>;

/**
 * The api_token table (and the services a token is limited to), as
 * `ApiTokenService` reads and writes it.
 *
 * Tenant: every method on an organisation's tokens takes its `OrganisationId`
 * first and scopes its statement by it. Two reads cannot, and say so in their
 * names: `liveByHash`, which finds the organisation of the token a request
 * carries, and `findInAnyOrganisation`, whose caller checks the actor's role
 * on the organisation the record names. Each method is one round trip.
 */
export class ApiTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  insert(organisationId: OrganisationId, token: NewApiToken): Promise<ApiToken> {
    const repo = this.dataSource.getRepository(ApiToken);
    return repo.save(repo.create({ organisationId, ...token, lastUsedAt: null, revokedAt: null }));
  }

  /**
   * Any organisation: the token, not revoked, whose hash this is (the request
   * carries the token, the record says whose it is). On every request that
   * carries a token: one indexed read by the unique hash.
   */
  liveByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.dataSource.getRepository(ApiToken).findOneBy({ tokenHash, revokedAt: IsNull() });
  }

  /** Writes when the token was last used. */
  async touch(organisationId: OrganisationId, id: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(ApiToken).update({ id, organisationId }, { lastUsedAt: at });
  }

  /** The organisation's tokens not revoked, newest first. */
  live(organisationId: OrganisationId): Promise<ApiToken[]> {
    return this.dataSource
      .getRepository(ApiToken)
      .find({ where: { organisationId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /**
   * A token by id, revoked or not, in whichever organisation holds it: the
   * caller learns the organisation from the record and checks the actor's
   * role on it before anything else.
   */
  findInAnyOrganisation(id: string): Promise<ApiToken | null> {
    return this.dataSource.getRepository(ApiToken).findOneBy({ id });
  }

  /** The organisation's services among these short names (unknown ones are absent). */
  servicesBySlug(organisationId: OrganisationId, slugs: string[]): Promise<Service[]> {
    return this.dataSource.getRepository(Service).findBy({ organisationId, slug: In(slugs) });
  }

  /** Whether a live token of the organisation was revoked. */
  async revoke(organisationId: OrganisationId, id: string, at: Date): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiToken)
      .update({ id, organisationId, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }

  /** The names of these tokens, only among those of these organisations (a token's name is its organisation's business). */
  async names(organisationIds: readonly OrganisationId[], ids: string[]): Promise<Array<{ id: string; name: string }>> {
    return (await this.dataSource.query(
      `SELECT id, name FROM api_token WHERE id = ANY($1::uuid[]) AND organisation_id = ANY($2::uuid[])`,
      [ids, organisationIds],
    )) as Array<{ id: string; name: string }>;
  }
}
