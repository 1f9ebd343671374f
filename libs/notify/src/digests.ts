import type { DataSource } from 'typeorm';
import { DigestRepository } from './digest-repository';
import type { Mailer } from './mailer';

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
  private readonly repository: DigestRepository;

  constructor(
    dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly publicUrl: string,
    private readonly fromHour = DIGEST_HOUR,
  ) {
    this.repository = new DigestRepository(dataSource);
  }

  async sendDue(now = new Date()): Promise<number> {
    if (parisHour(now) < this.fromHour) return 0;
    // Every caseworker or admin who chose the digest, or chose nothing (the default): by their professional email.
    const due = await this.repository.dueInAnyOrganisation(now);
    let sent = 0;
    for (const agent of due) {
      if (!(await this.claim(agent.email, now, agent.digest_sent_at))) continue;
      const since = new Date(Math.max(agent.digest_sent_at?.getTime() ?? 0, now.getTime() - 24 * 3600_000));
      const lines = await this.repository.linesInAnyOrganisation(agent.email, since, now);
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
        await this.repository.release(agent.email, agent.digest_sent_at);
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
    if (await this.repository.claimNew(email, now)) return true;
    return this.repository.claim(email, now, seen);
  }
}
