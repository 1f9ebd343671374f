import type { DataSource } from 'typeorm';
import type { ServiceCatalogue } from '@guichet/forms';
import type { Actor } from '@guichet/identity';
import { NotificationRepository, webhookSecretOf } from '@guichet/notify';
import { organisationId as parseOrganisationId } from '@guichet/shared';

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
  private readonly repository: NotificationRepository;

  constructor(
    dataSource: DataSource,
    private readonly catalogue: ServiceCatalogue,
  ) {
    this.repository = new NotificationRepository(dataSource);
  }

  async view(actor: Actor, slug: string, options: { rotate?: boolean } = {}): Promise<WebhookView> {
    const rotate = options.rotate ?? false;
    const view = await this.catalogue.get(actor, slug, { act: rotate });
    const organisationId = parseOrganisationId(view.organisationId);
    // The service row (with its secret), within its organisation.
    const service = await this.repository.serviceBySlug(organisationId, view.slug);
    const latest = view.versions[0]?.version;
    const published = latest ? await this.catalogue.version(actor, slug, latest) : undefined;
    const settings = (published?.definition as { settings?: { webhookUrl?: string } } | undefined)?.settings;
    return {
      url: settings?.webhookUrl ?? null,
      secret: await webhookSecretOf(this.repository, organisationId, service, rotate),
    };
  }
}
