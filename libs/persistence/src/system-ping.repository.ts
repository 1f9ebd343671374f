import type { DataSource } from 'typeorm';
import { SystemPing } from './entities';

/** Storage of diagnostic pings. Not tenant data: no organisation owns a ping. */
export class SystemPingRepository {
  constructor(private readonly dataSource: DataSource) {}

  create(backend: string): Promise<SystemPing> {
    const repo = this.dataSource.getRepository(SystemPing);
    return repo.save(repo.create({ backend, completedAt: null, completedBy: null }));
  }

  findById(id: string): Promise<SystemPing | null> {
    return this.dataSource.getRepository(SystemPing).findOneBy({ id });
  }

  /** Marks the ping done once: a second delivery of the same job changes nothing. */
  async complete(id: string, completedBy: string): Promise<'completed' | 'already-completed' | 'missing'> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(SystemPing)
      .set({ completedAt: () => 'now()', completedBy })
      .where('id = :id AND completed_at IS NULL', { id })
      .execute();
    if (result.affected) return 'completed';
    return (await this.findById(id)) ? 'already-completed' : 'missing';
  }
}
