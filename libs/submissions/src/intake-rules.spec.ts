import type { EntityManager } from 'typeorm';
import { RecentIntakeRules } from './intake-rules';

describe('RecentIntakeRules', () => {
  const row = (status: string) => [{ status, closes_at: null, max_per_user: '2' }];

  it('reads a service once per interval, afresh after it, and each service apart', async () => {
    let now = 1_000;
    const query = jest.fn().mockResolvedValueOnce(row('published')).mockResolvedValueOnce(row('published'));
    const manager = { query } as unknown as EntityManager;
    const recent = new RecentIntakeRules(1000, () => now);

    expect(await recent.get(manager, 'a')).toEqual({ status: 'published', closesAt: null, maxSubmissionsPerUser: 2 });
    now += 999;
    await recent.get(manager, 'a');
    expect(query).toHaveBeenCalledTimes(1);

    await recent.get(manager, 'b');
    expect(query).toHaveBeenCalledTimes(2);

    query.mockResolvedValueOnce(row('closed'));
    now += 1;
    expect((await recent.get(manager, 'a')).status).toBe('closed');
    expect(query).toHaveBeenCalledTimes(3);
  });

  it('keeps no failed read: the next call asks again', async () => {
    const query = jest.fn().mockRejectedValueOnce(new Error('database gone')).mockResolvedValueOnce(row('published'));
    const manager = { query } as unknown as EntityManager;
    const recent = new RecentIntakeRules(1000, () => 0);
    await expect(recent.get(manager, 'a')).rejects.toThrow('database gone');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await recent.get(manager, 'a')).status).toBe('published');
    expect(query).toHaveBeenCalledTimes(2);
  });
});
