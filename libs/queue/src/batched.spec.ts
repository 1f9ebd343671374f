import { Batched } from './batched';

describe('Batched', () => {
  it('answers one call alone with one run', async () => {
    const runs: string[][] = [];
    const batched = new Batched<string, number>(async (keys) => {
      runs.push(keys);
      return new Map(keys.map((k) => [k, k.length]));
    }, -1);
    await expect(batched.load('abc')).resolves.toBe(3);
    expect(runs).toEqual([['abc']]);
  });

  it('groups the calls of one turn, and those made during a run into the next one', async () => {
    const runs: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batched = new Batched<string, string>(async (keys) => {
      runs.push(keys);
      if (runs.length === 1) await gate;
      return new Map(keys.map((k) => [k, k.toUpperCase()]));
    }, '');
    const first = [batched.load('a'), batched.load('b'), batched.load('a')];
    await new Promise((resolve) => setImmediate(resolve));
    // The first run is in flight: these wait for the next one, together.
    const second = [batched.load('c'), batched.load('d')];
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual([['a', 'b']]);
    release();
    await expect(Promise.all(first)).resolves.toEqual(['A', 'B', 'A']);
    await expect(Promise.all(second)).resolves.toEqual(['C', 'D']);
    expect(runs).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('gives the fallback for a key the run did not answer', async () => {
    const batched = new Batched<string, boolean>(async () => new Map([['known', true]]), false);
    await expect(Promise.all([batched.load('known'), batched.load('gone')])).resolves.toEqual([true, false]);
  });

  it('rejects every call of a failed run, and the next calls get a run of their own', async () => {
    let fail = true;
    const batched = new Batched<string, number>(async (keys) => {
      if (fail) throw new Error('database down');
      return new Map(keys.map((k) => [k, 1]));
    }, 0);
    const failed = [batched.load('a'), batched.load('b')];
    await expect(Promise.allSettled(failed)).resolves.toEqual([
      { status: 'rejected', reason: new Error('database down') },
      { status: 'rejected', reason: new Error('database down') },
    ]);
    fail = false;
    await expect(batched.load('a')).resolves.toBe(1);
  });

  it('runs at most `max` keys at once and then the rest', async () => {
    const runs: number[][] = [];
    const batched = new Batched<number, number>(
      async (keys) => {
        runs.push(keys);
        return new Map(keys.map((k) => [k, k * 2]));
      },
      0,
      2,
    );
    await expect(Promise.all([1, 2, 3, 4, 5].map((k) => batched.load(k)))).resolves.toEqual([2, 4, 6, 8, 10]);
    expect(runs).toEqual([[1, 2], [3, 4], [5]]);
  });
});
