import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import {
  AgentMembership,
  CaseworkerGroup,
  FormVersion,
  Organisation,
  Service,
  type OrganisationRole,
} from '@guichet/persistence';
import { organisationId as parseOrganisationId, type OrganisationId } from '@guichet/shared';

/** A membership's scope as written: a role, limited or not to a service and to one of its groups. */
export interface NewMembership {
  email: string;
  role: OrganisationRole;
  serviceId: string | null;
  groupKey: string | null;
}

/** The profile's columns an admin edits. */
export type ProfileColumns = Pick<
  Organisation,
  'name' | 'contactEmail' | 'contactPhone' | 'contactAddress' | 'website' | 'accentColor'
>;

export interface OrganisationSummary {
  id: string;
  slug: string;
  name: string;
  /** Admins of the whole organisation, by email. */
  admins: string[];
}

/**
 * What the organisation's administration (`OrganisationAdmin`) and its record
 * of access changes read and write: the organisation row (profile, logo),
 * agent memberships, caseworker group labels, the services and versions that
 * name groups, `organisation_event`, and the API tokens revoked when their
 * creator's admin role ends.
 *
 * Tenant: every method on an organisation's data takes its `OrganisationId`
 * first and scopes its statement by it. Each method is one round trip, as the
 * code before it was. The few that cannot take one say why: creating an
 * organisation, the operator's list of them all, and the public reads by slug
 * (a citizen's page knows the slug, not the id).
 *
 * `transaction` hands the work a repository bound to one transaction; outside
 * it, each statement is its own.
 */
export class OrganisationRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly manager: EntityManager = dataSource.manager,
  ) {}

  transaction<T>(work: (repository: OrganisationRepository) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new OrganisationRepository(this.dataSource, manager)));
  }

  // --- organisations ---

  /** No organisation yet: a new one, or null when the slug is taken. */
  async insertOrganisation(slug: string, name: string): Promise<OrganisationId | null> {
    const inserted = await this.manager
      .createQueryBuilder()
      .insert()
      .into(Organisation)
      .values({ slug, name })
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (inserted.raw as Array<{ id: string }>)[0]?.id;
    return id ? parseOrganisationId(id) : null;
  }

  find(organisationId: OrganisationId): Promise<Organisation | null> {
    return this.manager.getRepository(Organisation).findOneBy({ id: organisationId });
  }

  /** Any organisation, by its public short name: how the operator and citizens' pages name one. */
  findBySlug(slug: string): Promise<Organisation | null> {
    return this.manager.getRepository(Organisation).findOneBy({ slug });
  }

  /** Every organisation and its admins: the operator's command line, which works across them. */
  async listWithAdmins(): Promise<OrganisationSummary[]> {
    return (await this.manager.query(
      `SELECT o.id, o.slug, o.name,
              coalesce(array_agg(m.email ORDER BY m.email) FILTER (WHERE m.id IS NOT NULL), '{}') AS admins
         FROM organisation o
         LEFT JOIN agent_membership m
           ON m.organisation_id = o.id AND m.role = 'admin' AND m.service_id IS NULL AND m.group_key IS NULL
        GROUP BY o.id ORDER BY o.slug`,
    )) as OrganisationSummary[];
  }

  /** Whether the organisation exists (and so was updated). */
  async updateProfile(organisationId: OrganisationId, columns: ProfileColumns): Promise<boolean> {
    const result = await this.manager.getRepository(Organisation).update({ id: organisationId }, columns);
    return Boolean(result.affected);
  }

  /** Sets the logo, or removes it with nulls. */
  async setLogo(
    organisationId: OrganisationId,
    logo: Pick<Organisation, 'logo' | 'logoType' | 'logoHash'>,
  ): Promise<void> {
    await this.manager.getRepository(Organisation).update({ id: organisationId }, logo);
  }

  /** Any organisation, by its public short name: the logo citizens' pages show (the bytes are not read otherwise). */
  logoBySlug(slug: string): Promise<Organisation | null> {
    return this.manager
      .getRepository(Organisation)
      .createQueryBuilder('o')
      .select(['o.id', 'o.logoType', 'o.logoHash'])
      .addSelect('o.logo')
      .where('o.slug = :slug', { slug })
      .getOne();
  }

  /** Locks the organisation's row until the transaction ends: two admins removing each other take turns. */
  async lock(organisationId: OrganisationId): Promise<void> {
    await this.manager.query(`SELECT 1 FROM organisation WHERE id = $1 FOR UPDATE`, [organisationId]);
  }

  // --- services (what groups and memberships are limited to) ---

  service(organisationId: OrganisationId, slug: string): Promise<Service | null> {
    return this.manager.getRepository(Service).findOneBy({ organisationId, slug });
  }

  /** The organisation's services, their id, short name and title only. */
  services(organisationId: OrganisationId): Promise<Array<Pick<Service, 'id' | 'slug' | 'title'>>> {
    return this.manager
      .getRepository(Service)
      .find({ where: { organisationId }, select: { id: true, slug: true, title: true } });
  }

  /** The definition of one published version of the service (undefined: no such version). */
  async versionDefinition(organisationId: OrganisationId, serviceId: string, number: number): Promise<unknown> {
    const version = await this.manager.getRepository(FormVersion).findOne({
      where: { serviceId, organisationId, number },
      select: { definition: true },
    });
    return version ? version.definition : undefined;
  }

  // --- memberships ---

  /** Every membership of the organisation, by email, role, then age. */
  memberships(organisationId: OrganisationId): Promise<AgentMembership[]> {
    return this.manager
      .getRepository(AgentMembership)
      .find({ where: { organisationId }, order: { email: 'ASC', role: 'ASC', createdAt: 'ASC' } });
  }

  /** The caseworkers limited to this service, by email. */
  caseworkersOf(organisationId: OrganisationId, serviceId: string): Promise<AgentMembership[]> {
    return this.manager
      .getRepository(AgentMembership)
      .find({ where: { organisationId, serviceId, role: 'caseworker' }, order: { email: 'ASC' } });
  }

  /** The members of one group of a service. */
  groupMembers(organisationId: OrganisationId, serviceId: string, groupKey: string): Promise<AgentMembership[]> {
    return this.manager.getRepository(AgentMembership).findBy({ organisationId, serviceId, groupKey });
  }

  /** One membership, optionally only within this service and group. */
  membership(
    organisationId: OrganisationId,
    id: string,
    within?: { serviceId: string; groupKey: string },
  ): Promise<AgentMembership | null> {
    return this.manager.getRepository(AgentMembership).findOneBy({ id, organisationId, ...within });
  }

  /** How many admins of the whole organisation (not limited to a service or group) it has. */
  countWholeAdmins(organisationId: OrganisationId): Promise<number> {
    return this.manager
      .getRepository(AgentMembership)
      .countBy({ organisationId, role: 'admin', serviceId: IsNull(), groupKey: IsNull() });
  }

  /** Saves a membership and returns it as stored (the organisation's first admin). */
  saveMembership(organisationId: OrganisationId, membership: NewMembership): Promise<AgentMembership> {
    return this.manager.getRepository(AgentMembership).save({ organisationId, ...membership });
  }

  /** Adds a membership; null when the same one exists already. */
  async addMembership(
    organisationId: OrganisationId,
    membership: NewMembership,
  ): Promise<{ id: string; createdAt: Date } | null> {
    const inserted = await this.manager
      .createQueryBuilder()
      .insert()
      .into(AgentMembership)
      .values({ organisationId, ...membership })
      .orIgnore()
      .returning(['id', 'created_at'])
      .execute();
    const added = (inserted.raw as Array<{ id: string; created_at: Date }>)[0];
    return added ? { id: added.id, createdAt: added.created_at } : null;
  }

  async deleteMemberships(organisationId: OrganisationId, ids: string[]): Promise<void> {
    await this.manager.getRepository(AgentMembership).delete({ id: In(ids), organisationId });
  }

  // --- caseworker groups' labels ---

  groupLabels(organisationId: OrganisationId, serviceId: string): Promise<CaseworkerGroup[]> {
    return this.manager
      .getRepository(CaseworkerGroup)
      .find({ where: { organisationId, serviceId }, order: { key: 'ASC' } });
  }

  /** Declares a group; false when it was declared already. */
  async addGroupLabel(organisationId: OrganisationId, serviceId: string, key: string, label: string): Promise<boolean> {
    const inserted = await this.manager
      .createQueryBuilder()
      .insert()
      .into(CaseworkerGroup)
      .values({ organisationId, serviceId, key, label })
      .orIgnore()
      .returning(['id'])
      .execute();
    return (inserted.raw as unknown[]).length > 0;
  }

  /** Whether there was a label to delete. */
  async deleteGroupLabel(organisationId: OrganisationId, serviceId: string, key: string): Promise<boolean> {
    const result = await this.manager.getRepository(CaseworkerGroup).delete({ organisationId, serviceId, key });
    return Boolean(result.affected);
  }

  // --- the record of access changes ---

  async addAccessEvent(
    organisationId: OrganisationId,
    event: { actor: string; type: string; subject: string; details: Record<string, unknown> },
  ): Promise<void> {
    await this.manager.query(
      `INSERT INTO organisation_event (organisation_id, actor, type, subject, details) VALUES ($1, $2, $3, $4, $5)`,
      [organisationId, event.actor, event.type, event.subject, JSON.stringify(event.details)],
    );
  }

  /**
   * Revokes the organisation's live tokens created on behalf of `email` unless
   * `email` is still an admin of the whole organisation (checked in the same
   * statement), and returns them.
   */
  async revokeTokensUnlessAdmin(
    organisationId: OrganisationId,
    email: string,
  ): Promise<Array<{ id: string; name: string }>> {
    const revoked = (await this.manager.query(
      `UPDATE api_token t SET revoked_at = now()
        WHERE t.organisation_id = $1 AND t.created_by_email = $2 AND t.revoked_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM agent_membership m
                           WHERE m.organisation_id = $1 AND m.email = $2 AND m.role = 'admin'
                             AND m.service_id IS NULL AND m.group_key IS NULL)
        RETURNING t.id, t.name`,
      [organisationId, email],
    )) as [Array<{ id: string; name: string }>, number];
    return revoked[0];
  }
}
