import type { DataSource } from 'typeorm';
import { Account, AgentMembership, type AccountKind } from '@guichet/persistence';

/**
 * The account table, and the memberships that give an agent their roles, as
 * `AccountService` and `agentNames` read them.
 *
 * Tenant: none of these take an organisation, and that is their point. An
 * account belongs to no organisation (its memberships do); the roles of a
 * session are read across every organisation, by the email the agent's
 * provider vouches for; names are read for ids that the caller already holds.
 * Each method is one round trip.
 */
export class AccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the provider's subject's account or refreshes it, and records the sign-in (now). */
  async upsertSignIn(account: {
    kind: AccountKind;
    issuer: string;
    subject: string;
    email: string | null;
    displayName: string | null;
  }): Promise<void> {
    await this.dataSource
      .getRepository(Account)
      .createQueryBuilder()
      .insert()
      .values({ ...account, lastLoginAt: () => 'now()' })
      .orUpdate(['last_login_at', 'email', 'display_name'], ['issuer', 'subject'])
      .execute();
  }

  /** The account of a provider's subject (it must exist). */
  byProviderSubject(issuer: string, subject: string): Promise<Account> {
    return this.dataSource.getRepository(Account).findOneByOrFail({ issuer, subject });
  }

  /** Every organisation: the memberships of this email, their scope only (IDX_agent_membership_email). */
  membershipsOf(
    email: string,
  ): Promise<Array<Pick<AgentMembership, 'organisationId' | 'role' | 'serviceId' | 'groupKey'>>> {
    return this.dataSource.getRepository(AgentMembership).find({
      where: { email },
      select: { organisationId: true, role: true, serviceId: true, groupKey: true },
    });
  }

  /** The names of these agents' accounts (their provider's name, else their email); others are absent. */
  async agentNames(ids: string[]): Promise<Array<{ id: string; name: string }>> {
    return (await this.dataSource.query(
      `SELECT id, coalesce(display_name, email) AS name FROM account
        WHERE id = ANY($1::uuid[]) AND kind = 'agent' AND coalesce(display_name, email) IS NOT NULL`,
      [ids],
    )) as Array<{ id: string; name: string }>;
  }
}
