import type { EntityManager } from 'typeorm';

/** A submitted request's columns that its search vector is built from. */
export interface IndexedRequest {
  id: string;
  reference: string | null;
  contactEmail: string | null;
  contactName: string | null;
  data: Record<string, unknown>;
}

/**
 * The statements of the desk's search reindexing (`reindexSearch`, an
 * operator's command): it rebuilds the vectors of the whole installation, so
 * every method spans every organisation and says so. The rows are read and
 * written by id, in batches in id order; one statement per method, as before.
 */
export class SearchIndexRepository {
  constructor(private readonly manager: EntityManager) {}

  transaction<T>(work: (repository: SearchIndexRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new SearchIndexRepository(manager)));
  }

  /** How many requests were submitted (drafts have no vector). */
  async submittedInAnyOrganisation(): Promise<number> {
    const [{ count }] = (await this.manager.query(
      `SELECT count(*)::int AS count FROM submission WHERE status <> 'draft'`,
    )) as [{ count: number }];
    return count;
  }

  /** Whether a submitted request comes after `after` in id order (all of them when null). */
  async anySubmittedAfterInAnyOrganisation(after: string | null): Promise<boolean> {
    const rest = (await this.manager.query(
      `SELECT 1 FROM submission WHERE status <> 'draft' ${after ? 'AND id > $1' : ''} LIMIT 1`,
      after ? [after] : [],
    )) as unknown[];
    return rest.length > 0;
  }

  /**
   * The next `size` submitted requests after `after` in id order, locked FOR NO KEY UPDATE (events and messages
   * can still be added to them): in a transaction, until their vectors are written.
   */
  async batchInAnyOrganisation(size: number, after: string | null): Promise<IndexedRequest[]> {
    const rows = (await this.manager.query(
      `SELECT id, reference, contact_email, contact_name, data FROM submission
        WHERE status <> 'draft' ${after ? 'AND id > $2' : ''}
        ORDER BY id LIMIT $1 FOR NO KEY UPDATE`,
      after ? [size, after] : [size],
    )) as Array<{
      id: string;
      reference: string | null;
      contact_email: string | null;
      contact_name: string | null;
      data: Record<string, unknown> | null;
    }>;
    return rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      contactEmail: row.contact_email,
      contactName: row.contact_name,
      data: row.data ?? {},
    }));
  }

  /** Writes the vectors of these texts where they differ from the stored ones; answers how many it wrote. */
  async rewriteInAnyOrganisation(ids: readonly string[], texts: readonly string[]): Promise<number> {
    const changed = (await this.manager.query(
      `UPDATE submission s SET search = to_tsvector('simple', v.text)
         FROM unnest($1::uuid[], $2::text[]) AS v(id, text)
        WHERE s.id = v.id AND s.search IS DISTINCT FROM to_tsvector('simple', v.text)
        RETURNING s.id`,
      [ids, texts],
    )) as [unknown[], number] | unknown[];
    // TypeORM gives an UPDATE … RETURNING as [rows, count] on PostgreSQL.
    return Array.isArray(changed[0]) ? (changed[0] as unknown[]).length : changed.length;
  }
}
