import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SystemPingRepository, type SystemPing } from '@guichet/persistence';
import { JobTopic, QueueConnection } from '@guichet/queue';
import { AppError } from '@guichet/shared';
import { MetricsService } from '../metrics/metrics.service';

export interface PingView {
  id: string;
  status: 'pending' | 'completed';
  backend: string;
  requestedAt: string;
  completedAt: string | null;
  completedBy: string | null;
}

function view(ping: SystemPing): PingView {
  return {
    id: ping.id,
    status: ping.completedAt ? 'completed' : 'pending',
    backend: ping.backend,
    requestedAt: ping.requestedAt.toISOString(),
    completedAt: ping.completedAt?.toISOString() ?? null,
    completedBy: ping.completedBy,
  };
}

@Injectable()
export class PingService {
  private readonly repository: SystemPingRepository;

  constructor(
    dataSource: DataSource,
    private readonly queue: QueueConnection,
    private readonly metrics: MetricsService,
  ) {
    this.repository = new SystemPingRepository(dataSource);
  }

  async request(): Promise<PingView> {
    const ping = await this.repository.create(this.queue.kind);
    try {
      await this.queue.enqueue(JobTopic.SystemPing, { pingId: ping.id }, ping.id);
    } catch (error) {
      throw new AppError('SERVICE_UNAVAILABLE', { params: { dependencies: 'file de travaux' }, cause: error });
    }
    this.metrics.jobsEnqueued.inc({ job: JobTopic.SystemPing });
    return view(ping);
  }

  async find(id: string): Promise<PingView | null> {
    const ping = await this.repository.findById(id);
    return ping && view(ping);
  }
}
