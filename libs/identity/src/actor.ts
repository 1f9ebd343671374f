import type { OrganisationRole } from '@guichet/persistence';

export interface OrganisationGrant {
  organisationId: string;
  role: OrganisationRole;
  /** Only these services of the organisation (absent or null: all of them). */
  serviceIds?: readonly string[] | null;
  /** Only requests routed to these groups (absent or null: all groups). */
  groups?: readonly string[] | null;
  /** May read and export, not act. */
  readOnly?: boolean;
}

/** Who is calling: a signed-in agent or citizen, or an organisation's API token. */
export interface Actor {
  kind: 'agent' | 'citizen' | 'token';
  /** Stable id, recorded as the author of what the actor does. */
  id: string;
  /** Read at each request from the memberships (sessions) or the token's row (tokens), never kept from sign-in. */
  roles: readonly OrganisationGrant[];
  /**
   * The agent answerable for what this actor does: a session's own
   * professional email, or the email of whoever created the token (null for
   * the operator's tokens). A token minted by a token inherits it, so the
   * tokens of an admin whose role ends are all found and revoked.
   */
  onBehalfOf?: string | null;
}

/** Designers build services; admins do everything a designer does. */
export const DESIGNER_ROLES: readonly OrganisationRole[] = ['designer', 'admin'];

/** `act`: the grant must allow changes (a read-only grant only reads). */
export interface GrantOptions {
  act?: boolean;
}

const usable = (g: OrganisationGrant, roles: readonly OrganisationRole[], options: GrantOptions) =>
  roles.includes(g.role) && !(options.act && g.readOnly);

/** Not limited to some services or routing groups. */
const wholeOrganisation = (g: OrganisationGrant) => !g.serviceIds?.length && !g.groups?.length;

/**
 * One of `roles` over the whole organisation. A grant limited to some
 * services or groups does not count: what concerns the organisation as a
 * whole (creating services, API tokens, the job queues) is not within it.
 */
export function hasRole(
  actor: Actor | undefined,
  organisationId: string,
  roles: readonly OrganisationRole[],
  options: GrantOptions = {},
): boolean {
  return (
    !!actor &&
    actor.roles.some((g) => g.organisationId === organisationId && wholeOrganisation(g) && usable(g, roles, options))
  );
}

/** The organisations where the actor has one of `roles` over the whole organisation (see `hasRole`). */
export function organisationsWhere(
  actor: Actor | undefined,
  roles: readonly OrganisationRole[],
  options: GrantOptions = {},
): string[] {
  return actor
    ? [
        ...new Set(
          actor.roles.filter((g) => wholeOrganisation(g) && usable(g, roles, options)).map((g) => g.organisationId),
        ),
      ]
    : [];
}

/** The organisations where some grant of `roles`, limited to some services or not, reaches services. */
export function organisationsReached(actor: Actor | undefined, roles: readonly OrganisationRole[]): string[] {
  return actor ? [...new Set(actor.roles.filter((g) => roles.includes(g.role)).map((g) => g.organisationId))] : [];
}

/** One of `roles` on this service: over its whole organisation, or limited to services that include it. */
export function hasServiceRole(
  actor: Actor | undefined,
  service: { id: string; organisationId: string },
  roles: readonly OrganisationRole[],
  options: GrantOptions = {},
): boolean {
  return (
    !!actor &&
    actor.roles.some(
      (g) =>
        g.organisationId === service.organisationId &&
        (!g.serviceIds?.length || g.serviceIds.includes(service.id)) &&
        usable(g, roles, options),
    )
  );
}
