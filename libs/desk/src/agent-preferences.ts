import type { DataSource } from 'typeorm';
import type { AgentNotify } from '@guichet/persistence';
import { DEFAULT_NOTIFY } from '@guichet/notify';
import { AppError, fieldPointers } from '@guichet/shared';
import type { DeskActor } from './access';
import { AgentPreferenceRepository } from './agent-preference-repository';
import type { Inbox } from './inbox';

/**
 * An agent's own preferences: how they hear of new requests, and which
 * answers their inbox shows as columns, per service.
 *
 * Tenant: a preference row is the agent's, keyed by their professional
 * email (like their roles), not an organisation's, so these methods take the
 * email rather than an `organisationId`. The columns of a service are read
 * or written only once the actor may see that service (`Inbox.service`).
 * The statements are AgentPreferenceRepository's.
 */
export class AgentPreferences {
  constructor(
    dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly repository: AgentPreferenceRepository = new AgentPreferenceRepository(dataSource),
  ) {}

  async notify(email: string): Promise<AgentNotify> {
    const saved = await this.repository.find(email);
    // Never chosen: the daily digest, so that nobody gets one email per request without asking for it.
    return saved?.notify ?? DEFAULT_NOTIFY;
  }

  async setNotify(email: string, notify: AgentNotify): Promise<AgentNotify> {
    await this.repository.setNotify(email, notify);
    return notify;
  }

  /** The answers shown as columns in this service's inbox (404 when the actor may not see the service). */
  async columns(email: string, slug: string, actor: DeskActor): Promise<string[]> {
    await this.inbox.service(slug, actor);
    const saved = await this.repository.find(email);
    return saved?.inboxColumns?.[slug] ?? [];
  }

  /** Chooses them: each a field of the published definition (400 names the first that is not). */
  async setColumns(email: string, slug: string, actor: DeskActor, requested: string[]): Promise<string[]> {
    const { definition } = await this.inbox.service(slug, actor);
    const known = fieldPointers(definition.schema);
    const unknown = requested.find((p) => !known.has(p) || p.includes('*'));
    if (unknown !== undefined)
      throw new AppError('INVALID_REQUEST', {
        errors: [
          { pointer: '/columns', code: 'unknown_field', message: `Champ inconnu : « ${unknown.slice(0, 80)} ».` },
        ],
      });
    const columns = [...new Set(requested)];
    await this.repository.setColumns(email, slug, columns);
    return columns;
  }
}
