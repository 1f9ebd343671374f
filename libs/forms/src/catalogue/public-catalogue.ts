import { In, IsNull, Not, type DataSource } from 'typeorm';
import { FormVersion, Organisation, Service } from '@guichet/persistence';
import { AppError, type ServiceDefinition } from '@guichet/shared';
import { SLUG } from './service-catalogue';

export interface PublicServiceSummary {
  slug: string;
  title: string;
  organisation: { slug: string; name: string };
  signIn: ServiceDefinition['settings']['signIn'];
}

export interface PublicService {
  slug: string;
  title: string;
  description: string | null;
  organisation: { slug: string; name: string };
  /** Present while the service is closed: the message (and where to go instead), no form. */
  closed: { message: string | null; redirectTo: string | null } | null;
  version: number;
  contentHash: string;
  definition: ServiceDefinition | null;
}

/** What citizens may see: published services only, never drafts, never another version than the latest. */
export class PublicCatalogue {
  constructor(private readonly dataSource: DataSource) {}

  async listOpen(organisationSlug?: string): Promise<PublicServiceSummary[]> {
    const services = await this.dataSource.getRepository(Service).find({
      where: {
        status: 'published',
        latestVersion: Not(IsNull()),
        ...(organisationSlug ? { organisation: { slug: organisationSlug } } : {}),
      },
      relations: { organisation: true },
      order: { title: 'ASC' },
      take: 1000,
    });
    if (services.length === 0) return [];
    const versions = await this.dataSource.getRepository(FormVersion).find({
      where: services.map((s) => ({ serviceId: s.id, number: s.latestVersion! })),
      select: { serviceId: true, definition: true },
    });
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
    const service = await this.dataSource.getRepository(Service).findOne({
      where: { slug, status: In(['published', 'closed']), latestVersion: Not(IsNull()) },
      relations: { organisation: true },
    });
    if (!service) throw new AppError('NOT_FOUND');
    const version = await this.dataSource.getRepository(FormVersion).findOneByOrFail({
      serviceId: service.id,
      organisationId: service.organisationId,
      number: service.latestVersion!,
    });
    const closed = service.status === 'closed';
    return {
      slug: service.slug,
      title: service.title,
      description: service.description,
      organisation: {
        slug: (service.organisation as Organisation).slug,
        name: (service.organisation as Organisation).name,
      },
      closed: closed ? { message: service.closedMessage, redirectTo: service.closedRedirectTo } : null,
      version: version.number,
      contentHash: version.contentHash,
      definition: closed ? null : (version.definition as unknown as ServiceDefinition),
    };
  }
}
