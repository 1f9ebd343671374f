import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobTopic, QueueConnection, QueueName } from '@guichet/queue';
import { PingProcessor } from './system/ping.processor';

/** Starts one BullMQ worker per queue and routes each job name to its processor. */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkerHost.name);

  constructor(
    private readonly queue: QueueConnection,
    private readonly ping: PingProcessor,
  ) {}

  onApplicationBootstrap(): void {
    const worker = this.queue.startWorker(QueueName.System, { [JobTopic.SystemPing]: (job) => this.ping.handle(job) });
    worker.on('failed', (job, error) => {
      this.logger.warn({
        queue: QueueName.System,
        job: job?.name,
        jobId: job?.id,
        attempts: job?.attemptsMade,
        err: error.message,
      });
    });
    worker.on('error', (error) => this.logger.error({ queue: QueueName.System, err: error.message }));
    this.logger.log({ msg: 'worker started', queues: [QueueName.System], backend: this.queue.kind });
  }
}
