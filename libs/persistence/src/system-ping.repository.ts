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

  /**
   * Deletes pings nobody needs any more: completed ones after `completedMs`
   * (their answer has been read, or never will be), any after `anyMs`.
   * Returns how many; meant for the worker's hourly housekeeping.
   */
  async purge(completedMs = 3600_000, anyMs = 24 * 3600_000): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(SystemPing)
      .where(
        `(completed_at IS NOT NULL AND completed_at < now() - make_interval(secs => :completed))
          OR requested_at < now() - make_interval(secs => :any)`,
        { completed: completedMs / 1000, any: anyMs / 1000 },
      )
      .execute();
    return result.affected ?? 0;
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
