import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Attachments, Retention, Submissions } from '@guichet/submissions';
import { Digests } from '@guichet/notify';
import { DeskExports } from '@guichet/desk';
import { SystemPingRepository } from '@guichet/persistence';
import { DataSource } from 'typeorm';

const EVERY_MS = 3600_000;

/**
 * Housekeeping that needs no queue: every hour, files no answer refers to any
 * more are deleted, diagnostic pings an hour after completion (a day at most), caseworkers' exports past their 24 hours, drafts untouched for three months, and decided requests
 * at the end of their retention (the citizen is emailed two weeks before). Idempotent, so several workers may run it at once; the
 * workflow issue moves such tasks to scheduled jobs.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly attachments: Attachments,
    private readonly submissions: Submissions,
    private readonly retention: Retention,
    private readonly digests: Digests,
    private readonly exports: DeskExports,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      const removed = await this.attachments.cleanOrphans();
      if (removed) this.logger.log({ msg: 'orphaned attachments removed', count: removed });
      const pings = await new SystemPingRepository(this.dataSource).purge();
      if (pings) this.logger.log({ msg: 'diagnostic pings deleted', count: pings });
      const exports = await this.exports.cleanExpired();
      if (exports) this.logger.log({ msg: 'expired exports deleted', count: exports });
      const drafts = await this.submissions.purgeStaleDrafts();
      if (drafts) this.logger.log({ msg: 'stale drafts deleted', count: drafts });
      const notices = await this.retention.sendNotices();
      if (notices) this.logger.log({ msg: 'retention notices queued', count: notices });
      const digests = await this.digests.sendDue();
      if (digests) this.logger.log({ msg: 'agents digests sent', count: digests });
      const purged = await this.retention.purgeExpired();
      if (purged) this.logger.log({ msg: 'decided requests deleted at the end of their retention', count: purged });
    } catch (error) {
      this.logger.warn({ msg: 'housekeeping failed', err: (error as Error).message });
    }
  }
}
