import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { SystemPingRepository } from '@guichet/persistence';
import { workerName, type JobPayloads } from '@guichet/queue';

/** Completes a diagnostic ping: load, do nothing if already done, then act. */
@Injectable()
export class PingProcessor {
  private readonly repository: SystemPingRepository;

  constructor(dataSource: DataSource) {
    this.repository = new SystemPingRepository(dataSource);
  }

  async handle(job: Job<JobPayloads['system.ping']>): Promise<string> {
    const outcome = await this.repository.complete(job.data.pingId, workerName());
    // A ping deleted meanwhile has nothing left to do; retrying would not help.
    return outcome;
  }
}
