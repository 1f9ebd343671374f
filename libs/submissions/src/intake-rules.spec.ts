import type { EntityManager } from 'typeorm';
import { assertOpen, isOpen, RecentIntakeRules } from './intake-rules';

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

describe('isOpen and assertOpen', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it.each([
    ['published, no closing date', { status: 'published', closesAt: null }, true],
    ['published, closing later', { status: 'published', closesAt: '2026-12-06T12:00:01Z' }, true],
    ['published, closing date reached', { status: 'published', closesAt: '2026-12-06T12:00:00Z' }, false],
    ['published, closing date passed', { status: 'published', closesAt: '2026-01-01' }, false],
    ['closed', { status: 'closed', closesAt: null }, false],
  ])('%s', (_label, rules, open) => {
    expect(isOpen(rules, now)).toBe(open);
    if (open) expect(() => assertOpen(rules, now)).not.toThrow();
    else expect(() => assertOpen(rules, now)).toThrow(expect.objectContaining({ code: 'SERVICE_CLOSED' }));
  });
});
