import { In, IsNull, Not, type DataSource, type EntityManager } from 'typeorm';
import { FormVersion, Service, TestSubmission, type Organisation } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';

/** A new service's row as the studio writes it (its organisation is the method's first argument). */
export type NewService = Pick<
  Service,
  | 'slug'
  | 'title'
  | 'description'
  | 'status'
  | 'draftDefinition'
  | 'latestVersion'
  | 'closedAt'
  | 'closedMessage'
  | 'closedRedirectTo'
>;

/** A new version's row as a publication writes it. */
export type NewVersion = Pick<FormVersion, 'serviceId' | 'number' | 'definition' | 'contentHash' | 'publishedBy'>;

/** What closing a service writes. */
export type Closing = Pick<Service, 'status' | 'closedMessage' | 'closedRedirectTo' | 'closedAt'>;

/** What the public catalogue reads of a shown service (`shownInAnyOrganisation`). */
export type ShownService = Pick<
  Service,
  | 'id'
  | 'organisationId'
  | 'slug'
  | 'title'
  | 'description'
  | 'status'
  | 'latestVersion'
  | 'closedMessage'
  | 'closedRedirectTo'
> & {
  organisation: Pick<
    Organisation,
    'id' | 'slug' | 'name' | 'accentColor' | 'logoHash' | 'contactEmail' | 'contactPhone' | 'contactAddress' | 'website'
  >;
};

/** The columns of a version that the studio lists. */
export type VersionRow = Pick<FormVersion, 'number' | 'contentHash' | 'publishedAt' | 'publishedBy'>;

/**
 * The catalogue's tables (service, form_version, and the designers' trials a
 * publication clears), as `ServiceCatalogue` (the studio) and
 * `PublicCatalogue` (what citizens see) read and write them.
 *
 * Tenant: the studio's methods take the organisation first (or the
 * organisations an actor reaches, for a read by slug or a list) and scope
 * their statement by it; rows written carry it. The public catalogue shows
 * every organisation's published services to anyone: its reads say so in
 * their names (`…InAnyOrganisation`) and read published rows only. Each
 * method is one round trip, as the code before it was.
 *
 * `transaction` hands the work a repository bound to one transaction; outside
 * it, each statement is its own.
 */
export class ServiceRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly manager: EntityManager = dataSource.manager,
  ) {}

  transaction<T>(work: (repository: ServiceRepository) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new ServiceRepository(this.dataSource, manager)));
  }

  /** The service with this slug in one of these organisations (locked FOR UPDATE with `lock`). */
  bySlug(organisationIds: readonly OrganisationId[], slug: string, lock = false): Promise<Service | null> {
    return this.manager.getRepository(Service).findOne({
      where: { slug, organisationId: In(organisationIds as OrganisationId[]) },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  byId(organisationId: OrganisationId, id: string): Promise<Service> {
    return this.manager.getRepository(Service).findOneByOrFail({ id, organisationId });
  }

  /** The services of these organisations, by title. */
  list(organisationIds: readonly OrganisationId[]): Promise<Service[]> {
    return this.manager
      .getRepository(Service)
      .find({ where: { organisationId: In(organisationIds as OrganisationId[]) }, order: { title: 'ASC' } });
  }

  /** A new service; the row comes back with its id, revision and times (a taken slug throws 23505). */
  insert(organisationId: OrganisationId, service: NewService): Promise<Service> {
    const services = this.manager.getRepository(Service);
    return services.save(services.create({ organisationId, ...service }));
  }

  /**
   * Replaces the draft. update(), not save(): save() compares json columns
   * regardless of key order, so a designer's move of a field (a change of
   * order alone) would be silently dropped. update() bumps the revision.
   */
  async updateDraft(organisationId: OrganisationId, id: string, definition: Record<string, unknown>): Promise<void> {
    await this.manager.getRepository(Service).update({ id, organisationId }, { draftDefinition: definition as never });
  }

  async setPublished(organisationId: OrganisationId, id: string, latestVersion: number): Promise<void> {
    await this.manager.getRepository(Service).update({ id, organisationId }, { latestVersion, status: 'published' });
  }

  /** update(), not save(): closing is not an edit of the draft, its revision stays. */
  async close(organisationId: OrganisationId, id: string, closing: Closing): Promise<void> {
    await this.manager.getRepository(Service).update({ id, organisationId }, closing);
  }

  /** The service's published versions, newest first, without their definitions. */
  versions(organisationId: OrganisationId, serviceId: string): Promise<VersionRow[]> {
    return this.manager.getRepository(FormVersion).find({
      where: { serviceId, organisationId },
      order: { number: 'DESC' },
      select: { number: true, contentHash: true, publishedAt: true, publishedBy: true },
    });
  }

  version(organisationId: OrganisationId, serviceId: string, number: number): Promise<FormVersion | null> {
    return this.manager.getRepository(FormVersion).findOneBy({ serviceId, organisationId, number });
  }

  async addVersion(organisationId: OrganisationId, version: NewVersion): Promise<void> {
    const versions = this.manager.getRepository(FormVersion);
    await versions.save(versions.create({ organisationId, ...version }));
  }

  /** The designers' trials of the service (test mode). */
  async deleteTrials(organisationId: OrganisationId, serviceId: string): Promise<void> {
    await this.manager.getRepository(TestSubmission).delete({ serviceId, organisationId });
  }

  /** Drafts, and requests still being processed, of the service: what a new version concerns. */
  async openRequests(organisationId: OrganisationId, serviceId: string): Promise<{ drafts: number; open: number }> {
    const [row] = (await this.manager.query(
      `SELECT count(*) FILTER (WHERE status = 'draft')::int AS drafts,
              count(*) FILTER (WHERE status IN ('submitted', 'in_review', 'changes_requested'))::int AS open
         FROM submission WHERE organisation_id = $1 AND service_id = $2`,
      [organisationId, serviceId],
    )) as Array<{ drafts: number; open: number }>;
    return { drafts: row?.drafts ?? 0, open: row?.open ?? 0 };
  }

  /** How many services the organisation has (the examples are imported into one that has none). */
  count(organisationId: OrganisationId): Promise<number> {
    return this.manager.getRepository(Service).countBy({ organisationId });
  }

  /**
   * Any organisation (the public catalogue): published services with their
   * organisation, by title, at most 1000; with `organisationSlug`, that
   * organisation's only.
   */
  publishedInAnyOrganisation(organisationSlug?: string): Promise<Service[]> {
    return this.manager.getRepository(Service).find({
      where: {
        status: 'published',
        latestVersion: Not(IsNull()),
        ...(organisationSlug ? { organisation: { slug: organisationSlug } } : {}),
      },
      relations: { organisation: true },
      order: { title: 'ASC' },
      take: 1000,
    });
  }

  /**
   * Any organisation (a citizen starting a draft names a service by its slug
   * alone): the service with this slug, whatever its status, or null.
   */
  bySlugInAnyOrganisation(slug: string): Promise<Service | null> {
    return this.manager.getRepository(Service).findOneBy({ slug });
  }

  /** The latest versions' definitions of these services (each in its own organisation). */
  latestDefinitions(
    services: ReadonlyArray<Pick<Service, 'id' | 'organisationId' | 'latestVersion'>>,
  ): Promise<Array<Pick<FormVersion, 'serviceId' | 'definition'>>> {
    return this.manager.getRepository(FormVersion).find({
      where: services.map((s) => ({ serviceId: s.id, organisationId: s.organisationId, number: s.latestVersion! })),
      select: { serviceId: true, definition: true },
    });
  }

  /**
   * Any organisation (the public catalogue): the published or closed service with this slug, with its organisation;
   * only the columns a citizen's page shows (not the studio's draft definition, as large as a version, nor the
   * webhook's secret): every service page reads this row.
   */
  shownInAnyOrganisation(slug: string): Promise<ShownService | null> {
    return this.manager.getRepository(Service).findOne({
      where: { slug, status: In(['published', 'closed']), latestVersion: Not(IsNull()) },
      relations: { organisation: true },
      select: {
        id: true,
        organisationId: true,
        slug: true,
        title: true,
        description: true,
        status: true,
        latestVersion: true,
        closedMessage: true,
        closedRedirectTo: true,
        organisation: {
          id: true,
          slug: true,
          name: true,
          accentColor: true,
          logoHash: true,
          contactEmail: true,
          contactPhone: true,
          contactAddress: true,
          website: true,
        },
      },
    }) as Promise<ShownService | null>;
  }

  /** A version of this organisation's service (a published service always has its latest: throws otherwise). */
  versionOrFail(organisationId: OrganisationId, serviceId: string, number: number): Promise<FormVersion> {
    return this.manager.getRepository(FormVersion).findOneByOrFail({ serviceId, organisationId, number });
  }

  /**
   * Any organisation (the validators' modules, public and named by their
   * content): the definition of a version with this hash.
   */
  definitionByHashInAnyOrganisation(contentHash: string): Promise<Pick<FormVersion, 'definition'> | null> {
    return this.manager.getRepository(FormVersion).findOne({ where: { contentHash }, select: { definition: true } });
  }
}
