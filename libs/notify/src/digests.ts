import type { DataSource } from 'typeorm';
import type { Mailer } from './mailer';
import { DEFAULT_NOTIFY } from './notifications';

/** The hour (Europe/Paris) from which the day's digest goes out. */
const DIGEST_HOUR = 7;

function parisHour(now: Date): number {
  return Number(
    new Intl.DateTimeFormat('fr-FR', { hour: 'numeric', hourCycle: 'h23', timeZone: 'Europe/Paris' }).format(now),
  );
}

/**
 * The daily digest of agents who chose it, or chose nothing (the default):
 * from 7 a.m. (Paris), one email
 * listing, per service, the requests submitted or resubmitted and the
 * citizens' replies since the previous digest (at most a day). An agent with
 * nothing new gets nothing. Each agent is claimed before sending, so several
 * workers never send the same digest twice; a failed send releases the claim.
 */
export class Digests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly publicUrl: string,
    private readonly fromHour = DIGEST_HOUR,
  ) {}

  async sendDue(now = new Date()): Promise<number> {
    if (parisHour(now) < this.fromHour) return 0;
    // Every caseworker or admin who chose the digest, or chose nothing (the default): by their professional email.
    const due = (await this.dataSource.query(
      `SELECT m.email, p.digest_sent_at
         FROM (SELECT DISTINCT email FROM agent_membership WHERE role IN ('caseworker', 'admin')) m
         LEFT JOIN agent_preference p ON p.email = m.email
        WHERE coalesce(p.notify, '${DEFAULT_NOTIFY}') = 'digest'
          AND (p.digest_sent_at IS NULL OR p.digest_sent_at < $1::timestamptz - interval '20 hours')
        ORDER BY m.email LIMIT 500`,
      [now],
    )) as Array<{ email: string; digest_sent_at: Date | null }>;
    let sent = 0;
    for (const agent of due) {
      if (!(await this.claim(agent.email, now, agent.digest_sent_at))) continue;
      const since = new Date(Math.max(agent.digest_sent_at?.getTime() ?? 0, now.getTime() - 24 * 3600_000));
      const lines = (await this.dataSource.query(
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
        [agent.email, since, now],
      )) as Array<{ title: string; slug: string; requests: number; corrected: number; replies: number }>;
      if (lines.length === 0) continue;
      const text =
        `Bonjour,\n\nDepuis votre dernier résumé :\n\n` +
        lines
          .map(
            (l) =>
              `- ${l.title} : ${l.requests} demande${l.requests > 1 ? 's' : ''} à traiter` +
              (l.corrected ? ` (dont ${l.corrected} corrigée${l.corrected > 1 ? 's' : ''})` : '') +
              ', ' +
              `${l.replies} réponse${l.replies > 1 ? 's' : ''} d’usagers — ${this.publicUrl}/instruction/${l.slug}`,
          )
          .join('\n') +
        `\n\nVous recevez ce résumé quotidien parce que vous instruisez ces démarches ; vous pouvez choisir un ` +
        `courriel à chaque demande, ou rien, dans vos préférences.\n`;
      try {
        await this.mailer.send({
          to: agent.email,
          subject: 'Résumé quotidien de vos démarches',
          text,
          messageId: `<digest.${now.toISOString().slice(0, 10)}.${Buffer.from(agent.email).toString('hex').slice(0, 40)}@${new URL(this.publicUrl).hostname}>`,
        });
        sent++;
      } catch (error) {
        await this.dataSource.query(`UPDATE agent_preference SET digest_sent_at = $2 WHERE email = $1`, [
          agent.email,
          agent.digest_sent_at,
        ]);
        throw error;
      }
    }
    return sent;
  }

  /**
   * Takes the agent's digest for this run, so that two workers never both
   * send it: the row moves from the time seen to `now` only once. An agent
   * who never chose has no row yet: it is made, its `notify` left unchosen.
   */
  private async claim(email: string, now: Date, seen: Date | null): Promise<boolean> {
    const made = (await this.dataSource.query(
      `INSERT INTO agent_preference (email, digest_sent_at) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING email`,
      [email, now],
    )) as unknown[];
    if (made.length) return true;
    const claimed = (await this.dataSource.query(
      `UPDATE agent_preference SET digest_sent_at = $2
        WHERE email = $1 AND coalesce(notify, '${DEFAULT_NOTIFY}') = 'digest'
          AND digest_sent_at IS NOT DISTINCT FROM $3 RETURNING email`,
      [email, now, seen],
    )) as [unknown[], number];
    return claimed[1] > 0;
  }
}
