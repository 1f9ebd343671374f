import type { DataSource } from 'typeorm';
import { DEFAULT_NOTIFY } from '@guichet/persistence';

/** An agent whose digest is due, by professional email. */
export interface DueAgent {
  email: string;
  digest_sent_at: Date | null;
}

/** One service's line of a digest. */
export interface DigestLine {
  title: string;
  slug: string;
  requests: number;
  corrected: number;
  replies: number;
}

/**
 * What `Digests` reads and writes. An agent's digest spans every
 * organisation the agent works for, and its claim is the agent's
 * preference row (agent_preference, keyed by email, has no organisation):
 * the two reads go through every organisation and say so
 * (`…InAnyOrganisation`), the lines through the agent's memberships only.
 * Each method is one round trip, the statement the code before it ran.
 */
export class DigestRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Any organisation: every caseworker or admin who chose the digest, or
   * chose nothing (the default), and has had none for 20 hours; at most 500.
   */
  dueInAnyOrganisation(now: Date): Promise<DueAgent[]> {
    return this.dataSource.query(
      `SELECT m.email, p.digest_sent_at
         FROM (SELECT DISTINCT email FROM agent_membership WHERE role IN ('caseworker', 'admin')) m
         LEFT JOIN agent_preference p ON p.email = m.email
        WHERE coalesce(p.notify, '${DEFAULT_NOTIFY}') = 'digest'
          AND (p.digest_sent_at IS NULL OR p.digest_sent_at < $1::timestamptz - interval '20 hours')
        ORDER BY m.email LIMIT 500`,
      [now],
    ) as Promise<DueAgent[]>;
  }

  /**
   * Any organisation the agent works for (each line within the agent's
   * memberships: organisation, service, group): per service, the requests
   * submitted or resubmitted and the citizens' replies in [since, until).
   */
  linesInAnyOrganisation(email: string, since: Date, until: Date): Promise<DigestLine[]> {
    return this.dataSource.query(
      `SELECT v.title, v.slug,
              count(*) FILTER (WHERE e.to_status = 'submitted')::int AS requests,
              count(*) FILTER (WHERE e.to_status = 'submitted' AND e.type = 'transition')::int AS corrected,
              count(*) FILTER (WHERE e.type = 'message_sent')::int AS replies
         FROM submission_event e
         JOIN submission s ON s.id = e.submission_id
         JOIN service v ON v.id = s.service_id
        WHERE e.at >= $2 AND e.at < $3
          AND (e.to_status = 'submitted' OR e.type = 'message_sent')
          AND EXISTS (SELECT 1 FROM agent_membership m
                       WHERE m.email = $1 AND m.role IN ('caseworker', 'admin')
                         AND m.organisation_id = s.organisation_id
                         AND (m.service_id IS NULL OR m.service_id = s.service_id)
                         AND (m.group_key IS NULL OR m.group_key = s.group_key))
        GROUP BY v.title, v.slug ORDER BY v.title`,
      [email, since, until],
    ) as Promise<DigestLine[]>;
  }

  /** Makes the agent's preference row with this digest time, unless there is one: answers whether it did. */
  async claimNew(email: string, now: Date): Promise<boolean> {
    const made = (await this.dataSource.query(
      `INSERT INTO agent_preference (email, digest_sent_at) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING email`,
      [email, now],
    )) as unknown[];
    return made.length > 0;
  }

  /** Moves the agent's digest time from `seen` to `now`, if it still is `seen`: answers whether it did. */
  async claim(email: string, now: Date, seen: Date | null): Promise<boolean> {
    const claimed = (await this.dataSource.query(
      `UPDATE agent_preference SET digest_sent_at = $2
        WHERE email = $1 AND coalesce(notify, '${DEFAULT_NOTIFY}') = 'digest'
          AND digest_sent_at IS NOT DISTINCT FROM $3 RETURNING email`,
      [email, now, seen],
    )) as [unknown[], number];
    return claimed[1] > 0;
  }

  /** Puts the agent's digest time back to `seen` (a send failed). */
  async release(email: string, seen: Date | null): Promise<void> {
    await this.dataSource.query(`UPDATE agent_preference SET digest_sent_at = $2 WHERE email = $1`, [email, seen]);
  }
}
