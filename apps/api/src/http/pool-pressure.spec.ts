import { EventEmitter } from 'node:events';
import { PoolPressure, type ObservedPool } from './pool-pressure';

class FakePool extends EventEmitter {
  waitingCount = 0;
  options = { max: 4 };
}

describe('PoolPressure', () => {
  // A clock of the test's own: the holds last exactly what they say, whatever the machine's load.
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000));

  /** Holds `count` connections for `ms` of the test's clock, then releases them. */
  const holds = (pool: FakePool, ms: number, count = 1) => {
    const clients = Array.from({ length: count }, () => ({}));
    for (const client of clients) pool.emit('acquire', client);
    clock += ms;
    for (const client of clients) pool.emit('release', undefined, client);
  };

  it('expects no wait while nobody queues, whatever the connections cost', () => {
    const pool = new FakePool();
    const pressure = new PoolPressure(pool as unknown as ObservedPool, now);
    holds(pool, 30);
    expect(pressure.expectedWaitMs()).toBe(0);
  });

  it('expects the queue ahead times the average hold, shared by the connections', () => {
    const pool = new FakePool();
    const pressure = new PoolPressure(pool as unknown as ObservedPool, now);
    holds(pool, 40, 4);
    expect(pressure.averageHoldMs).toBe(40);
    pool.waitingCount = 7;
    // (7 ahead + this one) × 40 ms / 4 connections.
    expect(pressure.expectedWaitMs()).toBe(80);
  });

  it('counts connections stuck now at their age, longer than the average says', () => {
    const pool = new FakePool();
    const pressure = new PoolPressure(pool as unknown as ObservedPool, now);
    holds(pool, 1);
    const stuck = [{}, {}, {}, {}];
    for (const client of stuck) pool.emit('acquire', client);
    clock += 100;
    pool.waitingCount = 3;
    // (3 + 1) × 100 ms held so far / 4 connections, not the 1 ms average.
    expect(pressure.expectedWaitMs()).toBe(100);
  });

  it('ignores a release it did not see acquired', () => {
    const pool = new FakePool();
    const pressure = new PoolPressure(pool as unknown as ObservedPool, now);
    pool.emit('release', undefined, {});
    pool.waitingCount = 3;
    expect(pressure.expectedWaitMs()).toBe(0);
  });
});
