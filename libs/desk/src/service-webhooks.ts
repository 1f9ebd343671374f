import type { DataSource } from 'typeorm';
import { Service } from '@guichet/persistence';
import type { ServiceCatalogue } from '@guichet/forms';
import type { Actor } from '@guichet/identity';
import { webhookSecretOf } from '@guichet/notify';

export interface WebhookView {
  /** The published definition's `settings.webhookUrl`, null when none (or nothing published yet). */
  url: string | null;
  /** The Standard Webhooks signing secret (`whsec_…`), made on first use. */
  secret: string;
}

/**
 * A service's webhook as its designers see it: the address the published
 * definition gives and the signing secret, which `rotate` replaces. Here,
 * above libs/forms (the catalogue decides who may see or change the
 * service) and libs/notify (which owns the secret).
 */
export class ServiceWebhooks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalogue: ServiceCatalogue,
  ) {}

  async view(actor: Actor, slug: string, options: { rotate?: boolean } = {}): Promise<WebhookView> {
    const rotate = options.rotate ?? false;
    const view = await this.catalogue.get(actor, slug, { act: rotate });
    const service = await this.service(view.organisationId, view.slug);
    const latest = view.versions[0]?.version;
    const published = latest ? await this.catalogue.version(actor, slug, latest) : undefined;
    const settings = (published?.definition as { settings?: { webhookUrl?: string } } | undefined)?.settings;
    return {
      url: settings?.webhookUrl ?? null,
      secret: await webhookSecretOf(this.dataSource, service, rotate),
    };
  }

  /** The service row (with its secret), within its organisation. */
  private service(organisationId: string, slug: string): Promise<Service> {
    return this.dataSource.getRepository(Service).findOneByOrFail({ slug, organisationId });
  }
}
