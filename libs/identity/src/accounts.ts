import type { DataSource } from 'typeorm';
import type { Account, AccountKind } from '@guichet/persistence';
import { AccountRepository } from './account-repository';
import type { OrganisationGrant } from './actor';

/**
 * Who signed in, as kept in the session: identity from the provider, and when.
 * Roles are not kept here: they are read from the memberships at each
 * request (`AccountService.rolesOf`), so a role taken back ends at once.
 */
export interface SessionUser {
  accountId: string;
  kind: AccountKind;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  /** The provider's claims used to prefill forms (citizens). */
  claims: Record<string, string>;
  /** Epoch milliseconds of the sign-in: the session ends SESSION_ABSOLUTE_SECONDS later, however active. */
  signedInAt: number;
  /** Kept for RP-initiated logout. */
  idToken: string;
  issuer: string;
}

/**
 * What a session may still do, given when it was signed in: end now
 * (`expired`), or live at most `maxAgeMs` more (the idle timeout, cut short by
 * the absolute lifetime). A session from before `signedInAt` was kept has none
 * and ends: its rights would be unbounded otherwise.
 */
export function sessionLifetime(
  signedInAt: number | undefined,
  now: number,
  limits: { idleMs: number; absoluteMs: number },
): { expired: true } | { expired: false; maxAgeMs: number } {
  if (typeof signedInAt !== 'number' || !Number.isFinite(signedInAt)) return { expired: true };
  const left = signedInAt + limits.absoluteMs - now;
  if (left <= 0) return { expired: true };
  return { expired: false, maxAgeMs: Math.min(limits.idleMs, left) };
}

/** Sign-ins and an agent's roles; the statements are `AccountRepository`'s. */
export class AccountService {
  constructor(
    dataSource: DataSource,
    private readonly repository: AccountRepository = new AccountRepository(dataSource),
  ) {}

  /**
   * Finds or creates the account of a provider's subject and records the
   * sign-in. An agent's professional email is kept (their memberships' key, so
   * that a request is assigned only to someone who may work on it); a citizen's
   * never is. So for names: an agent's (how the desk and the exports name
   * them) is kept and refreshed at each sign-in; a citizen's never is.
   */
  async signIn(input: {
    kind: AccountKind;
    issuer: string;
    subject: string;
    email?: string | null;
    displayName?: string | null;
  }): Promise<Account> {
    const agent = input.kind === 'agent';
    const email = agent && input.email ? input.email.trim().toLowerCase() : null;
    const displayName = agent && input.displayName ? input.displayName.trim().slice(0, 200) || null : null;
    await this.repository.upsertSignIn({
      kind: input.kind,
      issuer: input.issuer,
      subject: input.subject,
      email,
      displayName,
    });
    return this.repository.byProviderSubject(input.issuer, input.subject);
  }

  /**
   * An agent's roles as the memberships say now, by the professional email
   * their provider vouches for: one indexed query (IDX_agent_membership_email),
   * run at each request of an agent's session.
   */
  async rolesOf(email: string | null): Promise<OrganisationGrant[]> {
    if (!email) return [];
    const memberships = await this.repository.membershipsOf(email.toLowerCase());
    return memberships.map((m) => ({
      organisationId: m.organisationId,
      role: m.role,
      ...(m.serviceId ? { serviceIds: [m.serviceId] } : {}),
      ...(m.groupKey ? { groups: [m.groupKey] } : {}),
    }));
  }
}
