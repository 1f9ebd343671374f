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
  roles: readonly OrganisationGrant[];
}

/** Designers build services; admins do everything a designer does. */
export const DESIGNER_ROLES: readonly OrganisationRole[] = ['designer', 'admin'];

export function hasRole(actor: Actor | undefined, organisationId: string, roles: readonly OrganisationRole[]): boolean {
  return !!actor && actor.roles.some((g) => g.organisationId === organisationId && roles.includes(g.role));
}

export function organisationsWhere(actor: Actor | undefined, roles: readonly OrganisationRole[]): string[] {
  return actor ? [...new Set(actor.roles.filter((g) => roles.includes(g.role)).map((g) => g.organisationId))] : [];
}
