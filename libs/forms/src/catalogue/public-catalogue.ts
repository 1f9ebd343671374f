import type { DataSource } from 'typeorm';
import {
  AppError,
  deepFreeze,
  LruCache,
  organisationId,
  type PublicOrganisation,
  type PublicService,
  type PublicServiceSummary,
  type ServiceDefinition,
} from '@guichet/shared';
import { browserValidatorModule } from '../standalone';
import { SLUG } from './service-catalogue';
import { ServiceRepository, type ShownService } from './service-repository';

export type { PublicOrganisation, PublicService, PublicServiceSummary };

export const HASH = /^[0-9a-f]{64}$/;

function publicOrganisation(o: ShownService['organisation']): PublicOrganisation {
  return {
    slug: o.slug,
    name: o.name,
    accentColor: o.accentColor,
    // Versioned by the logo's hash: served with a long cache (apps/api/src/organisations).
    logoUrl: o.logoHash ? `/api/v1/public/organisations/${o.slug}/logo?v=${o.logoHash.slice(0, 16)}` : null,
    contact: { email: o.contactEmail, phone: o.contactPhone, address: o.contactAddress, website: o.website },
  };
}

/** Versions kept by `PublicCatalogue` (a 300-field definition is some 35 kB of JSON). */
const VERSIONS_KEPT = 64;

/** What the public catalogue keeps of a published version. */
interface PublishedVersion {
  number: number;
  contentHash: string;
  definition: Record<string, unknown>;
}

/** What citizens may see: published services only, never drafts, never another version than the latest. */
export class PublicCatalogue {
  private readonly modules = new Map<string, string>();

  /**
   * Published versions by service and number: a version never changes once published, so every page of a service
   * reads its row (small) and not its definition again. Frozen: callers share it.
   */
  private readonly versions = new LruCache<string, Readonly<PublishedVersion>>(VERSIONS_KEPT);

  private readonly services: ServiceRepository;

  constructor(dataSource: DataSource) {
    this.services = new ServiceRepository(dataSource);
  }

  async listOpen(organisationSlug?: string): Promise<PublicServiceSummary[]> {
    const services = await this.services.publishedInAnyOrganisation(organisationSlug);
    if (services.length === 0) return [];
    const versions = await this.services.latestDefinitions(services);
    const signIn = new Map(
      versions.map((v) => [v.serviceId, (v.definition as unknown as ServiceDefinition).settings.signIn]),
    );
    return services.map((s) => ({
      slug: s.slug,
      title: s.title,
      organisation: { slug: s.organisation!.slug, name: s.organisation!.name },
      signIn: signIn.get(s.id) ?? 'required',
    }));
  }

  async get(slug: string): Promise<PublicService> {
    if (!SLUG.test(slug)) throw new AppError('NOT_FOUND');
    const service = await this.services.shownInAnyOrganisation(slug);
    if (!service) throw new AppError('NOT_FOUND');
    const version = await this.version(service.organisationId, service.id, service.latestVersion!);
    const closed = service.status === 'closed';
    return {
      slug: service.slug,
      title: service.title,
      description: service.description,
      organisation: publicOrganisation(service.organisation),
      closed: closed ? { message: service.closedMessage, redirectTo: service.closedRedirectTo } : null,
      version: version.number,
      contentHash: version.contentHash,
      definition: closed ? null : (version.definition as unknown as ServiceDefinition),
      validator: closed ? null : `/api/v1/public/validators/${version.contentHash}.js`,
    };
  }

  private async version(organisation: string, serviceId: string, number: number): Promise<Readonly<PublishedVersion>> {
    const key = `${serviceId}\u0000${number}`;
    const kept = this.versions.get(key);
    if (kept) return kept;
    const row = await this.services.versionOrFail(organisationId(organisation), serviceId, number);
    const version = deepFreeze({ number: row.number, contentHash: row.contentHash, definition: row.definition });
    this.versions.set(key, version);
    return version;
  }

  /**
   * The browser module of a published version, by content hash. Generated on
   * first request (tens of milliseconds), then kept: a hash never changes meaning.
   */
  async validatorModule(hash: string): Promise<string> {
    if (!HASH.test(hash)) throw new AppError('NOT_FOUND');
    const cached = this.modules.get(hash);
    if (cached) return cached;
    const version = await this.services.definitionByHashInAnyOrganisation(hash);
    if (!version) throw new AppError('NOT_FOUND');
    const source = browserValidatorModule(version.definition as unknown as ServiceDefinition, hash);
    if (this.modules.size >= 200) this.modules.delete(this.modules.keys().next().value!);
    this.modules.set(hash, source);
    return source;
  }
}
