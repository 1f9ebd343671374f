import { EventEmitter } from 'node:events';
import { PoolPressure, type ObservedPool } from './pool-pressure';

class FakePool extends EventEmitter {
  waitingCount = 0;
  options = { max: 4 };
}

describe('PoolPressure', () => {
  const hold = async (pool: FakePool, ms: number) => {
    const client = {};
    pool.emit('acquire', client);
    await new Promise((resolve) => setTimeout(resolve, ms));
    pool.emit('release', undefined, client);
  };

  it('expects no wait while nobody queues, whatever the connections cost', async () => {
    const pool = new FakePool();
    const pressure = new PoolPressure(pool as unknown as ObservedPool);
    await hold(pool, 30);
    expect(pressure.expectedWaitMs()).toBe(0);
  });

  it('expects the queue ahead times the average hold, shared by the connections', async () => {
    const pool = new FakePool();
    const pressure = new PoolPressure(pool as unknown as ObservedPool);
    await Promise.all([hold(pool, 40), hold(pool, 40), hold(pool, 40), hold(pool, 40)]);
    expect(pressure.averageHoldMs).toBeGreaterThanOrEqual(35);
    expect(pressure.averageHoldMs).toBeLessThan(200);
    pool.waitingCount = 7;
    // (7 ahead + this one) × ~40 ms / 4 connections ≈ 80 ms.
    expect(pressure.expectedWaitMs()).toBeCloseTo((8 * pressure.averageHoldMs) / 4, 5);
  });

  it('counts connections stuck now at their age, longer than the average says', async () => {
    const pool = new FakePool();
    const pressure = new PoolPressure(pool as unknown as ObservedPool);
    await hold(pool, 1);
    const stuck = [{}, {}, {}, {}];
    for (const client of stuck) pool.emit('acquire', client);
    await new Promise((resolve) => setTimeout(resolve, 100));
    pool.waitingCount = 3;
    // (3 + 1) × ≥ 100 ms / 4 connections.
    expect(pressure.expectedWaitMs()).toBeGreaterThanOrEqual(95);
  });

  it('ignores a release it did not see acquired', () => {
    const pool = new FakePool();
    const pressure = new PoolPressure(pool as unknown as ObservedPool);
    pool.emit('release', undefined, {});
    pool.waitingCount = 3;
    expect(pressure.expectedWaitMs()).toBe(0);
  });
});
