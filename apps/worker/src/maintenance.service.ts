import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Attachments, Retention, Submissions } from '@guichet/submissions';
import { Digests } from '@guichet/notify';
import { DeskExports, OrganisationArchives } from '@guichet/desk';
import { SystemPingRepository } from '@guichet/persistence';
import { QueueConnection, purgeDoneOutbox } from '@guichet/queue';
import { DataSource } from 'typeorm';
import { Housekeeping, type HousekeepingTask } from './housekeeping';

const HOUR_MS = 3600_000;

/** Overrides every task's period (tests); production runs them hourly. */
export const HOUSEKEEPING_PERIOD_MS = Symbol('HOUSEKEEPING_PERIOD_MS');

/**
 * The worker's housekeeping, each task a scheduled job of its own (see
 * Housekeeping): files no answer refers to any more, diagnostic pings an hour
 * after completion (a day at most), caseworkers' exports and organisations' archives past their 24 hours,
 * drafts untouched for three months, outbox rows done a week ago, retention notices (two weeks before),
 * agents' digests, and decided requests at the end of their retention.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceService.name);
  private readonly housekeeping: Housekeeping;

  constructor(
    attachments: Attachments,
    submissions: Submissions,
    retention: Retention,
    digests: Digests,
    exports: DeskExports,
    archives: OrganisationArchives,
    dataSource: DataSource,
    queue: QueueConnection,
    @Optional() @Inject(HOUSEKEEPING_PERIOD_MS) periodMs?: number,
  ) {
    const everyMs = periodMs ?? HOUR_MS;
    const pings = new SystemPingRepository(dataSource);
    const tasks: HousekeepingTask[] = [
      { name: 'orphan-files', everyMs, run: () => attachments.cleanOrphans(), did: 'orphaned attachments removed' },
      { name: 'pings', everyMs, run: () => pings.purge(), did: 'diagnostic pings deleted' },
      { name: 'outbox', everyMs, run: () => purgeDoneOutbox(dataSource), did: 'outbox rows done a week ago deleted' },
      {
        name: 'exports',
        everyMs,
        run: async () => (await exports.cleanExpired()) + (await archives.cleanExpired()),
        did: 'expired exports and organisation archives deleted',
      },
      { name: 'stale-drafts', everyMs, run: () => submissions.purgeStaleDrafts(), did: 'stale drafts deleted' },
      {
        name: 'retention-notices',
        everyMs,
        run: () => retention.sendNotices(),
        did: 'retention notices queued',
      },
      { name: 'digests', everyMs, run: () => digests.sendDue(), did: 'agents digests sent' },
      {
        name: 'retention-purge',
        everyMs,
        run: () => retention.purgeExpired(),
        did: 'decided requests deleted at the end of their retention',
      },
    ];
    this.housekeeping = new Housekeeping(queue, tasks, {
      info: (entry) => this.logger.log(entry),
      warn: (entry) => this.logger.warn(entry),
      error: (entry) => this.logger.error(entry),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The queue may be down at boot: the schedulers are upserted when it answers, the rest of the worker runs meanwhile.
    void this.startWhenQueueAnswers();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.housekeeping.stop();
  }

  /** Runs every task now, each on its own: one failing does not stop the others. */
  async run(): Promise<void> {
    await this.housekeeping.runAll();
  }

  private stopped = false;

  private async startWhenQueueAnswers(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.housekeeping.start();
        return;
      } catch (error) {
        if (attempt === 0)
          this.logger.warn({ msg: 'housekeeping schedulers waiting for the queue', err: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 30_000)).unref());
      }
    }
  }
}
