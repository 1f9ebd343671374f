import type { DataSource } from 'typeorm';
import { AgentPreference, type AgentNotify } from '@guichet/persistence';

/**
 * The agent_preference table: one row per agent, keyed by their professional
 * email (like their roles), not by an organisation, so these methods take the
 * email rather than an `OrganisationId`. Each is one statement.
 */
export class AgentPreferenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The agent's saved preferences, null when they never chose any. */
  find(email: string): Promise<AgentPreference | null> {
    return this.dataSource.getRepository(AgentPreference).findOneBy({ email });
  }

  async setNotify(email: string, notify: AgentNotify): Promise<void> {
    await this.dataSource.getRepository(AgentPreference).upsert({ email, notify }, ['email']);
  }

  /**
   * Sets one service's inbox columns, leaving the other services' as they are:
   * one statement, so that two tabs saving columns of two services do not
   * overwrite each other.
   */
  async setColumns(email: string, slug: string, columns: readonly string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO agent_preference (email, inbox_columns) VALUES ($1, jsonb_build_object($2::text, $3::jsonb))
       ON CONFLICT (email) DO UPDATE
         SET inbox_columns = coalesce(agent_preference.inbox_columns, '{}'::jsonb) || excluded.inbox_columns, updated_at = now()`,
      [email, slug, JSON.stringify(columns)],
    );
  }
}
