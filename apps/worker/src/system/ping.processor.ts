import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { SystemPingRepository } from '@guichet/persistence';
import { workerName, type JobPayloads, type JobTopic } from '@guichet/queue';
import { UnknownJobError } from './unknown-job.error';

/** Completes a diagnostic ping: load, do nothing if already done, then act. */
@Injectable()
export class PingProcessor {
  private readonly repository: SystemPingRepository;

  constructor(dataSource: DataSource) {
    this.repository = new SystemPingRepository(dataSource);
  }

  async handle(job: Job<JobPayloads[typeof JobTopic.SystemPing]>): Promise<string> {
    const outcome = await this.repository.complete(job.data.pingId, workerName());
    // A ping this database does not hold is another installation's (or purged): completing the job would
    // take it from its owner, whose `npm start` then waited 30 s for nothing. Fail it, visibly.
    if (outcome === 'missing') throw new UnknownJobError(`ping ${job.data.pingId}`);
    return outcome;
  }
}
