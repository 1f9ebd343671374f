import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ApiToken, OrganisationRole, Service } from '@guichet/persistence';
import { organisationId as parseOrganisationId, type OrganisationId } from '@guichet/shared';
import type { Actor } from './actor';
import { ApiTokenRepository } from './api-token-repository';

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
 * database leak does not leak credentials. The statements are
 * `ApiTokenRepository`'s.
 */
export class ApiTokenService {
  constructor(
    dataSource: DataSource,
    private readonly repository: ApiTokenRepository = new ApiTokenRepository(dataSource),
  ) {}

  async issue(input: {
    organisationId: OrganisationId;
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
    const record = await this.repository.insert(input.organisationId, {
      name: input.name,
      role: input.role,
      // null means the whole organisation; an empty list never gets here (the caller refuses it).
      serviceIds: input.serviceIds?.length ? input.serviceIds : null,
      readOnly: input.readOnly ?? false,
      expiresAt: input.expiresAt ?? null,
      tokenHash: hash(token),
      createdBy: input.createdBy?.id ?? null,
      createdByEmail: input.createdBy?.onBehalfOf ?? null,
    });
    return { token, record };
  }

  /**
   * The actor behind a token, or undefined when it is malformed, unknown,
   * revoked or expired. Read at each request: a token revoked with its
   * creator's role fails at once.
   */
  async authenticate(token: string): Promise<Actor | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const record = await this.repository.liveByHash(hash(token));
    if (!record) return undefined;
    if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) return undefined;
    if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await this.repository.touch(parseOrganisationId(record.organisationId), record.id, new Date());
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
  list(organisationId: OrganisationId): Promise<ApiToken[]> {
    return this.repository.live(organisationId);
  }

  /**
   * A token by id, revoked or not, in whichever organisation holds it: the
   * one read that spans organisations, and says so. The caller learns the
   * organisation from the record and checks the actor's role on it before
   * anything else (a token of another organisation is "not found").
   */
  findInAnyOrganisation(id: string): Promise<ApiToken | null> {
    return this.repository.findInAnyOrganisation(id);
  }

  /** The organisation's services among these short names, to limit a token to them (unknown ones are absent). */
  servicesBySlug(organisationId: OrganisationId, slugs: string[]): Promise<Service[]> {
    return this.repository.servicesBySlug(organisationId, slugs);
  }

  revoke(organisationId: OrganisationId, id: string): Promise<boolean> {
    return this.repository.revoke(organisationId, id, new Date());
  }
}
