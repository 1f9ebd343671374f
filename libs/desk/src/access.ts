import type { DataSource } from 'typeorm';
import type { OrganisationGrant } from '@guichet/identity';
import { AppError, isUuid, organisationId, type OrganisationId } from '@guichet/shared';
import { DeskRepository } from './desk-repository';

/** What one grant allows on the desk. */
export interface DeskGrant {
  organisationId: string;
  /** null: every service of the organisation. */
  serviceIds: readonly string[] | null;
  /** null: every routing group. */
  groups: readonly string[] | null;
  readOnly: boolean;
}

/** An agent (session or API token) as the desk sees them. */
export interface DeskActor {
  id: string;
  organisationIds: readonly string[];
  grants: readonly DeskGrant[];
}

/** What an actor may do on one service: which groups they see (null: all), and whether they may act. */
export interface Scope {
  groups: readonly string[] | null;
  readOnly: boolean;
}

const DESK_ROLES = new Set(['caseworker', 'admin']);

/** The desk's view of an actor's grants: caseworker and admin roles only. */
export function deskActorOf(actor: { id: string; roles: readonly OrganisationGrant[] }): DeskActor {
  const grants = actor.roles
    .filter((g) => DESK_ROLES.has(g.role))
    .map((g) => ({
      organisationId: g.organisationId,
      serviceIds: g.serviceIds?.length ? g.serviceIds : null,
      groups: g.groups?.length ? g.groups : null,
      readOnly: !!g.readOnly,
    }));
  return { id: actor.id, organisationIds: [...new Set(grants.map((g) => g.organisationId))], grants };
}

/** The union of the grants that cover this service; null when none does (the service is "not found"). */
export function scopeFor(actor: DeskActor, service: { id: string; organisationId: string }): Scope | null {
  const matching = actor.grants.filter(
    (g) => g.organisationId === service.organisationId && (g.serviceIds === null || g.serviceIds.includes(service.id)),
  );
  if (matching.length === 0) return null;
  const groups = matching.some((g) => g.groups === null) ? null : [...new Set(matching.flatMap((g) => g.groups!))];
  return { groups, readOnly: matching.every((g) => g.readOnly) };
}

export interface Located {
  id: string;
  /** The request's organisation: what every repository method of the desk takes first. */
  organisationId: OrganisationId;
  serviceId: string;
  slug: string;
  status: string;
  groupKey: string | null;
  contactEmail: string | null;
  scope: Scope;
}

/**
 * Finds a submitted request the actor may see — right organisation, a
 * service and a group they work on — or answers "not found", whatever the
 * reason. With `act`, a read-only grant is refused (403).
 */
export async function locate(
  repository: Pick<DeskRepository, 'locateInAnyOrganisation'>,
  actor: DeskActor,
  id: string,
  options: { slug?: string; act?: boolean } = {},
): Promise<Located> {
  if (!isUuid(id)) throw new AppError('NOT_FOUND');
  const row = await repository.locateInAnyOrganisation(id);
  const scope = row ? scopeFor(actor, { id: row.service_id, organisationId: row.organisation_id }) : null;
  if (
    !row ||
    !scope ||
    row.status === 'draft' ||
    (options.slug !== undefined && options.slug !== row.slug) ||
    (scope.groups !== null && (row.group_key === null || !scope.groups.includes(row.group_key)))
  ) {
    throw new AppError('NOT_FOUND');
  }
  if (options.act && scope.readOnly) throw new AppError('FORBIDDEN');
  return {
    id: row.id,
    organisationId: organisationId(row.organisation_id),
    serviceId: row.service_id,
    slug: row.slug,
    status: row.status,
    groupKey: row.group_key,
    contactEmail: row.contact_email,
    scope,
  };
}

/**
 * `locate` as an injectable class, for the controllers: the request an
 * agent's route is about (service, group, organisation, not read-only with
 * `act`), in the same one statement. No `organisationId` parameter: the
 * organisation is the request's, checked against the actor's grants.
 */
export class DeskAccess {
  private readonly repository: DeskRepository;

  constructor(dataSource: DataSource) {
    this.repository = new DeskRepository(dataSource);
  }

  locate(actor: DeskActor, id: string, options: { slug?: string; act?: boolean } = {}): Promise<Located> {
    return locate(this.repository, actor, id, options);
  }
}
