import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Attachments, Submissions } from '@guichet/submissions';

const EVERY_MS = 3600_000;

/**
 * Housekeeping that needs no queue: every hour, files no answer refers to any
 * more are deleted, and drafts untouched for three months. Idempotent, so several workers may run it at once; the
 * workflow issue moves such tasks to scheduled jobs.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly attachments: Attachments,
    private readonly submissions: Submissions,
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
      const drafts = await this.submissions.purgeStaleDrafts();
      if (drafts) this.logger.log({ msg: 'stale drafts deleted', count: drafts });
    } catch (error) {
      this.logger.warn({ msg: 'attachment cleanup failed', err: (error as Error).message });
    }
  }
}
