import type { DataSource } from 'typeorm';
import { Account, AgentMembership, type AccountKind } from '@guichet/persistence';
import type { OrganisationGrant } from './actor';

/** Who signed in, as kept in the session: identity from the provider, roles from Guichet. */
export interface SessionUser {
  accountId: string;
  kind: AccountKind;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  /** The provider's claims used to prefill forms (citizens). */
  claims: Record<string, string>;
  roles: OrganisationGrant[];
  /** Kept for RP-initiated logout. */
  idToken: string;
  issuer: string;
}

export class AccountService {
  constructor(private readonly dataSource: DataSource) {}

  /** Finds or creates the account of a provider's subject and records the sign-in. */
  async signIn(input: { kind: AccountKind; issuer: string; subject: string }): Promise<Account> {
    const repo = this.dataSource.getRepository(Account);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ kind: input.kind, issuer: input.issuer, subject: input.subject, lastLoginAt: () => 'now()' })
      .orUpdate(['last_login_at'], ['issuer', 'subject'])
      .execute();
    return repo.findOneByOrFail({ issuer: input.issuer, subject: input.subject });
  }

  /** An agent's roles, by the professional email their provider vouches for. */
  async rolesOf(email: string | null): Promise<OrganisationGrant[]> {
    if (!email) return [];
    const memberships = await this.dataSource.getRepository(AgentMembership).findBy({ email: email.toLowerCase() });
    return memberships.map((m) => ({
      organisationId: m.organisationId,
      role: m.role,
      ...(m.serviceId ? { serviceIds: [m.serviceId] } : {}),
      ...(m.groupKey ? { groups: [m.groupKey] } : {}),
    }));
  }
}
