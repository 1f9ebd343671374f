import { LruCache } from './lru';

describe('LruCache', () => {
  it('forgets the least recently used entry, not the first inserted', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.size).toBe(2);
  });

  it('counts a new value for a known key as a use', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2).set('a', 10).set('c', 3);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.get('a')).toBe(10);
  });

  it('keeps falsy values and answers undefined for a miss', () => {
    const cache = new LruCache<string, number>(1);
    cache.set('zero', 0);
    expect(cache.get('zero')).toBe(0);
    expect(cache.get('other')).toBeUndefined();
    expect(cache.keys()).toEqual(['zero']);
  });

  it('refuses a capacity that could hold nothing', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });
});
