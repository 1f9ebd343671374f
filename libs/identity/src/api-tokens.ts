import { createHash, randomBytes } from 'node:crypto';
import { In, IsNull, type DataSource } from 'typeorm';
import { ApiToken, Service, type OrganisationRole } from '@guichet/persistence';
import type { Actor } from './actor';

const PREFIX = 'gch_';
const TOKEN_SHAPE = /^gch_[A-Za-z0-9_-]{43}$/;
/** last_used_at is informative; writing it on every request would turn reads into writes. */
const TOUCH_EVERY_MS = 60_000;

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Organisation API tokens, for integrations and for services kept in git.
 * The token is shown once at creation; only its sha256 is stored, so a
 * database leak does not leak credentials.
 */
export class ApiTokenService {
  constructor(private readonly dataSource: DataSource) {}

  async issue(input: {
    organisationId: string;
    name: string;
    role: OrganisationRole;
    /** Limit to these services of the organisation. */
    serviceIds?: string[] | null;
    readOnly?: boolean;
    expiresAt?: Date | null;
    /** Who asks (absent: the operator's command line): the token is revoked when their admin role ends. */
    createdBy?: Pick<Actor, 'id' | 'onBehalfOf'>;
  }): Promise<{ token: string; record: ApiToken }> {
    const token = PREFIX + randomBytes(32).toString('base64url');
    const repo = this.dataSource.getRepository(ApiToken);
    const record = await repo.save(
      repo.create({
        organisationId: input.organisationId,
        name: input.name,
        role: input.role,
        // null means the whole organisation; an empty list never gets here (the caller refuses it).
        serviceIds: input.serviceIds?.length ? input.serviceIds : null,
        readOnly: input.readOnly ?? false,
        expiresAt: input.expiresAt ?? null,
        tokenHash: hash(token),
        lastUsedAt: null,
        revokedAt: null,
        createdBy: input.createdBy?.id ?? null,
        createdByEmail: input.createdBy?.onBehalfOf ?? null,
      }),
    );
    return { token, record };
  }

  /**
   * The actor behind a token, or undefined when it is malformed, unknown,
   * revoked or expired. Read at each request: a token revoked with its
   * creator's role fails at once.
   */
  async authenticate(token: string): Promise<Actor | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const repo = this.dataSource.getRepository(ApiToken);
    const record = await repo.findOneBy({ tokenHash: hash(token), revokedAt: IsNull() });
    if (!record) return undefined;
    if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) return undefined;
    if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await repo.update({ id: record.id }, { lastUsedAt: new Date() });
    }
    return {
      kind: 'token',
      id: `token:${record.id}`,
      onBehalfOf: record.createdByEmail,
      roles: [
        {
          organisationId: record.organisationId,
          role: record.role,
          serviceIds: record.serviceIds,
          readOnly: record.readOnly,
        },
      ],
    };
  }

  /** The organisation's tokens not revoked, newest first. */
  list(organisationId: string): Promise<ApiToken[]> {
    return this.dataSource
      .getRepository(ApiToken)
      .find({ where: { organisationId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /**
   * A token by id, revoked or not, in whichever organisation holds it: the
   * one read that spans organisations, and says so. The caller learns the
   * organisation from the record and checks the actor's role on it before
   * anything else (a token of another organisation is "not found").
   */
  findInAnyOrganisation(id: string): Promise<ApiToken | null> {
    return this.dataSource.getRepository(ApiToken).findOneBy({ id });
  }

  /** The organisation's services among these short names, to limit a token to them (unknown ones are absent). */
  servicesBySlug(organisationId: string, slugs: string[]): Promise<Service[]> {
    return this.dataSource.getRepository(Service).findBy({ organisationId, slug: In(slugs) });
  }

  async revoke(organisationId: string, id: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiToken)
      .update({ id, organisationId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}
