import { In, type DataSource, type EntityManager } from 'typeorm';
import { FormVersion, Service, TestSubmission } from '@guichet/persistence';
import { DESIGNER_ROLES, hasRole, hasServiceRole, organisationsReached, type Actor } from '@guichet/identity';
import {
  AppError,
  publishProblems,
  type ErrorItem,
  type PublishPreview,
  type ServiceDefinition,
  type ServiceSummary,
  type ServiceView,
  type VersionSummary,
} from '@guichet/shared';
import { checkDefinition } from '../check-definition';
import { authoredHash, sameAuthoredText } from '../content-hash';
import { diffDefinitions } from './diff';
import { EXPORT_KIND, readImport, type ServiceExport } from './import';
import { readExample } from './example-files';

export type { PublishPreview, ServiceSummary, ServiceView, VersionSummary };

export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The starting point of a new service: one page, one field, the designer takes it from there. */
export function starterDefinition(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { demande: { type: 'string', title: 'Votre demande', minLength: 1, maxLength: 5000 } },
      required: ['demande'],
    },
    uiSchema: { demande: { 'ui:widget': 'textarea' } },
    pages: [{ id: 'demande', title: 'Votre demande', fields: ['demande'] }],
    settings: { signIn: 'optional' },
  };
}

function assertValid(definition: unknown): ServiceDefinition {
  const check = checkDefinition(definition);
  if (!check.ok) throw new AppError('DEFINITION_INVALID', { errors: check.errors });
  return check.definition;
}

/** Valid, and nothing in it would keep a citizen from filling it (a label missing…): what may be published. */
function assertPublishable(definition: unknown): ServiceDefinition {
  const valid = assertValid(definition);
  const problems = publishProblems(valid);
  if (problems.length) throw new AppError('DEFINITION_NOT_PUBLISHABLE', { errors: problems });
  return valid;
}

function summary(v: FormVersion): VersionSummary {
  return {
    version: v.number,
    contentHash: v.contentHash,
    publishedAt: v.publishedAt.toISOString(),
    publishedBy: v.publishedBy,
  };
}

/**
 * The designers' operations on services. Every query is scoped to the
 * organisations where the actor is designer or admin: a service of another
 * organisation, or outside a grant limited to some services, is "not found",
 * never "forbidden", so existence does not leak. A read-only grant reads.
 */
export class ServiceCatalogue {
  constructor(private readonly dataSource: DataSource) {}

  private async find(
    actor: Actor,
    slug: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
    act = lock,
  ): Promise<Service> {
    const organisations = organisationsReached(actor, DESIGNER_ROLES);
    if (!SLUG.test(slug) || organisations.length === 0) throw new AppError('NOT_FOUND');
    const service = await manager.getRepository(Service).findOne({
      where: { slug, organisationId: In(organisations) },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!service || !hasServiceRole(actor, service, DESIGNER_ROLES)) throw new AppError('NOT_FOUND');
    if (act && !hasServiceRole(actor, service, DESIGNER_ROLES, { act: true })) throw new AppError('FORBIDDEN');
    return service;
  }

  /**
   * The service itself, for a use case next to the catalogue (the designer's
   * test mode): same scoping as every other route, 404 outside it; with
   * `act`, a read-only grant is refused.
   */
  reach(actor: Actor, slug: string, options: { act?: boolean } = {}): Promise<Service> {
    return this.find(actor, slug, this.dataSource.manager, false, options.act ?? false);
  }

  private summary(service: Service): ServiceSummary {
    return {
      slug: service.slug,
      title: service.title,
      description: service.description,
      organisationId: service.organisationId,
      status: service.status,
      draftRevision: service.draftRevision,
      latestVersion: service.latestVersion,
      closed: service.closedAt
        ? { message: service.closedMessage, redirectTo: service.closedRedirectTo, at: service.closedAt.toISOString() }
        : null,
    };
  }

  private async view(service: Service): Promise<ServiceView> {
    const versions = await this.dataSource.getRepository(FormVersion).find({
      where: { serviceId: service.id, organisationId: service.organisationId },
      order: { number: 'DESC' },
      select: { number: true, contentHash: true, publishedAt: true, publishedBy: true },
    });
    // A draft is written only once checked (create, saveDraft, import).
    const draft = service.draftDefinition as unknown as ServiceDefinition;
    return { ...this.summary(service), draft, versions: versions.map(summary) };
  }

  async list(actor: Actor): Promise<ServiceSummary[]> {
    const organisations = organisationsReached(actor, DESIGNER_ROLES);
    if (organisations.length === 0) return [];
    const services = await this.dataSource
      .getRepository(Service)
      .find({ where: { organisationId: In(organisations) }, order: { title: 'ASC' } });
    return services.filter((s) => hasServiceRole(actor, s, DESIGNER_ROLES)).map((s) => this.summary(s));
  }

  /** With `act`, for a change made next to the service (its webhook secret): a read-only grant is refused. */
  async get(actor: Actor, slug: string, options: { act?: boolean } = {}): Promise<ServiceView> {
    return this.view(await this.find(actor, slug, this.dataSource.manager, false, options.act ?? false));
  }

  /**
   * Creates a draft service: from the starter definition, from `definition`,
   * or from the example `fromExample` of `examplesDir` (its definition and
   * description; never published here).
   */
  async create(
    actor: Actor,
    input: {
      slug: string;
      title: string;
      organisationId: string;
      description?: string | null;
      definition?: unknown;
      fromExample?: string;
    },
    examplesDir?: string,
  ): Promise<ServiceView> {
    if (!hasRole(actor, input.organisationId, DESIGNER_ROLES, { act: true })) throw new AppError('FORBIDDEN');
    if (input.fromExample !== undefined) {
      if (input.definition !== undefined)
        throw new AppError('INVALID_REQUEST', {
          errors: [
            {
              pointer: '/fromExample',
              code: 'exclusive',
              message: 'Indiquez soit un exemple, soit une définition, pas les deux.',
            },
          ],
        });
      const example = examplesDir ? await readExample(examplesDir, input.fromExample) : null;
      if (!example)
        throw new AppError('INVALID_REQUEST', {
          errors: [{ pointer: '/fromExample', code: 'unknown_example', message: 'Cet exemple n’existe pas.' }],
        });
      const { fromExample: _name, ...rest } = input;
      return this.create(actor, {
        ...rest,
        description: input.description ?? example.summary.description,
        definition: example.definition,
      });
    }
    const definition = input.definition === undefined ? starterDefinition() : assertValid(input.definition);
    const repo = this.dataSource.getRepository(Service);
    try {
      const service = await repo.save(
        repo.create({
          organisationId: input.organisationId,
          slug: input.slug,
          title: input.title,
          description: input.description ?? null,
          status: 'draft',
          draftDefinition: definition as unknown as Record<string, unknown>,
          latestVersion: null,
          closedAt: null,
          closedMessage: null,
          closedRedirectTo: null,
        }),
      );
      return this.view(service);
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new AppError('SLUG_TAKEN', {
          errors: [{ pointer: '/slug', code: 'taken', message: 'Adresse déjà utilisée.' }],
        });
      throw error;
    }
  }

  /** Replaces the draft; with `expectedRevision`, refuses to overwrite a newer save (409). */
  async saveDraft(actor: Actor, slug: string, definition: unknown, expectedRevision?: number): Promise<ServiceView> {
    const valid = assertValid(definition);
    return this.dataSource.transaction(async (manager) => {
      const service = await this.find(actor, slug, manager, true);
      if (expectedRevision !== undefined && expectedRevision !== service.draftRevision) throw new AppError('CONFLICT');
      // The same text again is not an edit: the revision stays (an autosave that changed nothing).
      if (sameAuthoredText(service.draftDefinition, valid)) return this.view(service);
      // update(), not save(): save() compares json columns regardless of key order, so a designer's
      // move of a field (a change of order alone) would be silently dropped. update() bumps the revision.
      const repo = manager.getRepository(Service);
      await repo.update({ id: service.id }, { draftDefinition: valid as never });
      return this.view(await repo.findOneByOrFail({ id: service.id }));
    });
  }

  private async latest(
    service: Service,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<FormVersion | null> {
    if (service.latestVersion === null) return null;
    return manager
      .getRepository(FormVersion)
      .findOneBy({ serviceId: service.id, organisationId: service.organisationId, number: service.latestVersion });
  }

  async previewPublish(actor: Actor, slug: string): Promise<PublishPreview> {
    const service = await this.find(actor, slug);
    const draft = assertPublishable(service.draftDefinition);
    const previous = await this.latest(service);
    return {
      fromVersion: previous?.number ?? null,
      toVersion: (service.latestVersion ?? 0) + 1,
      diff: diffDefinitions(previous?.definition as ServiceDefinition | undefined, draft),
      impact: await this.impact(service),
    };
  }

  /**
   * The requests a new version concerns: drafts (their authors will be asked
   * for what changed when they resume) and requests still being processed.
   */
  private async impact(service: Service): Promise<PublishPreview['impact']> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'draft')::int AS drafts,
              count(*) FILTER (WHERE status IN ('submitted', 'in_review', 'changes_requested'))::int AS open
         FROM submission WHERE organisation_id = $1 AND service_id = $2`,
      [service.organisationId, service.id],
    )) as Array<{ drafts: number; open: number }>;
    return { drafts: row?.drafts ?? 0, openSubmissions: row?.open ?? 0 };
  }

  /** Publishes the draft as the next immutable version. Serialised per service by a row lock. */
  async publish(actor: Actor, slug: string): Promise<{ version: number; contentHash: string }> {
    return this.dataSource.transaction(async (manager) => {
      const service = await this.find(actor, slug, manager, true);
      if (service.status === 'closed') throw new AppError('SERVICE_CLOSED');
      const draft = assertPublishable(service.draftDefinition);
      const previous = await this.latest(service, manager);
      // Compared as text, key order included: a move of a field is a change; a version published
      // before hashes kept the order has a hash of another kind, its text still compares.
      if (previous && sameAuthoredText(previous.definition, draft)) throw new AppError('NOTHING_TO_PUBLISH');
      const contentHash = authoredHash(draft);
      const number = (service.latestVersion ?? 0) + 1;
      const versions = manager.getRepository(FormVersion);
      await versions.save(
        versions.create({
          organisationId: service.organisationId,
          serviceId: service.id,
          number,
          definition: draft as unknown as Record<string, unknown>,
          contentHash,
          publishedBy: actor.id,
        }),
      );
      await manager.getRepository(Service).update({ id: service.id }, { latestVersion: number, status: 'published' });
      // The designers' trials were of the draft that is now live: they go with it.
      await manager
        .getRepository(TestSubmission)
        .delete({ serviceId: service.id, organisationId: service.organisationId });
      return { version: number, contentHash };
    });
  }

  async version(
    actor: Actor,
    slug: string,
    number: number,
  ): Promise<VersionSummary & { definition: Record<string, unknown> }> {
    const service = await this.find(actor, slug);
    const version =
      Number.isSafeInteger(number) && number > 0
        ? await this.dataSource
            .getRepository(FormVersion)
            .findOneBy({ serviceId: service.id, organisationId: service.organisationId, number })
        : null;
    if (!version) throw new AppError('NOT_FOUND');
    return { ...summary(version), definition: version.definition };
  }

  async close(
    actor: Actor,
    slug: string,
    input: { message: string; redirectTo?: string | null },
  ): Promise<ServiceView> {
    return this.dataSource.transaction(async (manager) => {
      const service = await this.find(actor, slug, manager, true);
      const closing = {
        status: 'closed' as const,
        closedMessage: input.message,
        closedRedirectTo: input.redirectTo ?? null,
        closedAt: new Date(),
      };
      // update(), not save(): closing is not an edit of the draft, its revision stays.
      await manager.getRepository(Service).update({ id: service.id }, closing);
      return this.view(Object.assign(service, closing));
    });
  }

  async export(actor: Actor, slug: string): Promise<ServiceExport> {
    const service = await this.find(actor, slug);
    return {
      guichet: EXPORT_KIND,
      formatVersion: 1,
      service: { slug: service.slug, title: service.title, description: service.description },
      definition: service.draftDefinition as unknown as ServiceDefinition,
    };
  }

  /**
   * Creates a service from an export, `{ schema, uiSchema }` or a bare JSON
   * Schema, with the same checks as a save. `warnings`: what the import
   * converted, and what it keeps without effect (annotations, unknown formats
   * and widgets), each with a pointer into the definition (`/definition/…`).
   */
  async import(
    actor: Actor,
    input: { organisationId: string; file: unknown; uiSchema?: unknown; slug?: string; title?: string },
  ): Promise<ServiceView & { warnings: ErrorItem[] }> {
    const read = readImport(input.file, input.uiSchema);
    if (!read) {
      throw new AppError('DEFINITION_INVALID', {
        errors: [
          {
            pointer: '/file',
            code: 'import_format',
            message: 'Fichier non reconnu : attendu un export Guichet ou un schéma JSON (JSON Schema).',
          },
        ],
      });
    }
    const slug = input.slug ?? read.service?.slug;
    const title = input.title ?? read.service?.title;
    const missing = [
      ...(slug && SLUG.test(slug)
        ? []
        : [
            {
              pointer: '/slug',
              code: 'required',
              message: 'Indiquez l’adresse de la démarche (lettres minuscules, chiffres et tirets).',
            },
          ]),
      ...(title ? [] : [{ pointer: '/title', code: 'required', message: 'Indiquez le titre de la démarche.' }]),
    ];
    if (missing.length) throw new AppError('INVALID_REQUEST', { errors: missing });
    const check = checkDefinition(read.definition);
    if (!check.ok)
      throw new AppError('DEFINITION_INVALID', {
        errors: check.errors.map((e) => ({ ...e, pointer: `/definition${e.pointer}` })),
      });
    const view = await this.create(actor, {
      organisationId: input.organisationId,
      slug: slug!,
      title: title!,
      description: read.service?.description ?? null,
      definition: check.definition,
    });
    const kept = check.warnings.map((w) => ({ ...w, pointer: `/definition${w.pointer}` }));
    return { ...view, warnings: [...read.warnings, ...kept] };
  }
}
