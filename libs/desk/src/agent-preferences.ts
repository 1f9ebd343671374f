import type { DataSource } from 'typeorm';
import { AgentPreference, type AgentNotify } from '@guichet/persistence';
import { DEFAULT_NOTIFY } from '@guichet/notify';
import { AppError, fieldPointers } from '@guichet/shared';
import type { DeskActor } from './access';
import type { Inbox } from './inbox';

/**
 * An agent's own preferences: how they hear of new requests, and which
 * answers their inbox shows as columns, per service.
 *
 * Tenant: a preference row is the agent's, keyed by their professional
 * email (like their roles), not an organisation's, so these methods take the
 * email rather than an `organisationId`. The columns of a service are read
 * or written only once the actor may see that service (`Inbox.service`).
 */
export class AgentPreferences {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
  ) {}

  async notify(email: string): Promise<AgentNotify> {
    const saved = await this.dataSource.getRepository(AgentPreference).findOneBy({ email });
    // Never chosen: the daily digest, so that nobody gets one email per request without asking for it.
    return saved?.notify ?? DEFAULT_NOTIFY;
  }

  async setNotify(email: string, notify: AgentNotify): Promise<AgentNotify> {
    await this.dataSource.getRepository(AgentPreference).upsert({ email, notify }, ['email']);
    return notify;
  }

  /** The answers shown as columns in this service's inbox (404 when the actor may not see the service). */
  async columns(email: string, slug: string, actor: DeskActor): Promise<string[]> {
    await this.inbox.service(slug, actor);
    const saved = await this.dataSource.getRepository(AgentPreference).findOneBy({ email });
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
    // One statement, so that two tabs saving columns of two services do not overwrite each other.
    await this.dataSource.query(
      `INSERT INTO agent_preference (email, inbox_columns) VALUES ($1, jsonb_build_object($2::text, $3::jsonb))
       ON CONFLICT (email) DO UPDATE
         SET inbox_columns = coalesce(agent_preference.inbox_columns, '{}'::jsonb) || excluded.inbox_columns, updated_at = now()`,
      [email, slug, JSON.stringify(columns)],
    );
    return columns;
  }
}
