import type { DataSource } from 'typeorm';
import type { FormVersion, Service } from '@guichet/persistence';
import { DESIGNER_ROLES, hasRole, hasServiceRole, organisationsReached, type Actor } from '@guichet/identity';
import {
  AppError,
  organisationId,
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
import { ServiceRepository, type VersionRow } from './service-repository';

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

function summary(v: VersionRow): VersionSummary {
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
  private readonly services: ServiceRepository;

  constructor(dataSource: DataSource) {
    this.services = new ServiceRepository(dataSource);
  }

  private async find(
    actor: Actor,
    slug: string,
    services: ServiceRepository = this.services,
    lock = false,
    act = lock,
  ): Promise<Service> {
    const organisations = organisationsReached(actor, DESIGNER_ROLES);
    if (!SLUG.test(slug) || organisations.length === 0) throw new AppError('NOT_FOUND');
    const service = await services.bySlug(organisations.map(organisationId), slug, lock);
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
    return this.find(actor, slug, this.services, false, options.act ?? false);
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
    const versions = await this.services.versions(organisationId(service.organisationId), service.id);
    // A draft is written only once checked (create, saveDraft, import).
    const draft = service.draftDefinition as unknown as ServiceDefinition;
    return { ...this.summary(service), draft, versions: versions.map(summary) };
  }

  async list(actor: Actor): Promise<ServiceSummary[]> {
    const organisations = organisationsReached(actor, DESIGNER_ROLES);
    if (organisations.length === 0) return [];
    const services = await this.services.list(organisations.map(organisationId));
    return services.filter((s) => hasServiceRole(actor, s, DESIGNER_ROLES)).map((s) => this.summary(s));
  }

  /** With `act`, for a change made next to the service (its webhook secret): a read-only grant is refused. */
  async get(actor: Actor, slug: string, options: { act?: boolean } = {}): Promise<ServiceView> {
    return this.view(await this.find(actor, slug, this.services, false, options.act ?? false));
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
    try {
      // The actor is a designer there (checked above): an organisation's id as the database wrote it.
      const service = await this.services.insert(organisationId(input.organisationId), {
        slug: input.slug,
        title: input.title,
        description: input.description ?? null,
        status: 'draft',
        draftDefinition: definition as unknown as Record<string, unknown>,
        latestVersion: null,
        closedAt: null,
        closedMessage: null,
        closedRedirectTo: null,
      });
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
    return this.services.transaction(async (services) => {
      const service = await this.find(actor, slug, services, true);
      if (expectedRevision !== undefined && expectedRevision !== service.draftRevision) throw new AppError('CONFLICT');
      // The same text again is not an edit: the revision stays (an autosave that changed nothing).
      if (sameAuthoredText(service.draftDefinition, valid)) return this.view(service);
      // An update that bumps the revision, key order kept (see updateDraft).
      const organisation = organisationId(service.organisationId);
      await services.updateDraft(organisation, service.id, valid as unknown as Record<string, unknown>);
      return this.view(await services.byId(organisation, service.id));
    });
  }

  private async latest(service: Service, services: ServiceRepository = this.services): Promise<FormVersion | null> {
    if (service.latestVersion === null) return null;
    return services.version(organisationId(service.organisationId), service.id, service.latestVersion);
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
    const { drafts, open } = await this.services.openRequests(organisationId(service.organisationId), service.id);
    return { drafts, openSubmissions: open };
  }

  /** Publishes the draft as the next immutable version. Serialised per service by a row lock. */
  async publish(actor: Actor, slug: string): Promise<{ version: number; contentHash: string }> {
    return this.services.transaction(async (services) => {
      const service = await this.find(actor, slug, services, true);
      if (service.status === 'closed') throw new AppError('SERVICE_CLOSED');
      const draft = assertPublishable(service.draftDefinition);
      const previous = await this.latest(service, services);
      // Compared as text, key order included: a move of a field is a change; a version published
      // before hashes kept the order has a hash of another kind, its text still compares.
      if (previous && sameAuthoredText(previous.definition, draft)) throw new AppError('NOTHING_TO_PUBLISH');
      const contentHash = authoredHash(draft);
      const number = (service.latestVersion ?? 0) + 1;
      const organisation = organisationId(service.organisationId);
      await services.addVersion(organisation, {
        serviceId: service.id,
        number,
        definition: draft as unknown as Record<string, unknown>,
        contentHash,
        publishedBy: actor.id,
      });
      await services.setPublished(organisation, service.id, number);
      // The designers' trials were of the draft that is now live: they go with it.
      await services.deleteTrials(organisation, service.id);
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
        ? await this.services.version(organisationId(service.organisationId), service.id, number)
        : null;
    if (!version) throw new AppError('NOT_FOUND');
    return { ...summary(version), definition: version.definition };
  }

  async close(
    actor: Actor,
    slug: string,
    input: { message: string; redirectTo?: string | null },
  ): Promise<ServiceView> {
    return this.services.transaction(async (services) => {
      const service = await this.find(actor, slug, services, true);
      const closing = {
        status: 'closed' as const,
        closedMessage: input.message,
        closedRedirectTo: input.redirectTo ?? null,
        closedAt: new Date(),
      };
      // Not an edit of the draft: its revision stays (see close).
      await services.close(organisationId(service.organisationId), service.id, closing);
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
   * converted, what it keeps without effect (annotations, unknown formats
   * and widgets), and what publishing will refuse until it is fixed (a label
   * missing: `missing_label`…), each with a pointer into the definition
   * (`/definition/…`).
   */
  async import(
    actor: Actor,
    input: { organisationId: string; file: unknown; uiSchema?: unknown; slug?: string; title?: string },
  ): Promise<ServiceView & { warnings: ErrorItem[] }> {
    const read = readImport(input.file, input.uiSchema, input.title);
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
    // What publishing will ask for (a label RJSF would have taken from a key such as « nombre_postes »…), said
    // now: a form written elsewhere imports as it is, and the designer learns at once what to add before publishing.
    const beforePublishing = publishProblems(check.definition).map((p) => ({
      ...p,
      pointer: `/definition${p.pointer}`,
    }));
    return { ...view, warnings: [...read.warnings, ...kept, ...beforePublishing] };
  }
}
