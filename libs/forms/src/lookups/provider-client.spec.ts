import { perProcess } from './provider-client';

describe('perProcess', () => {
  it('gives every caller the same provider for the same settings, and a new one when they change', () => {
    let built = 0;
    const provider = perProcess((options: { baseUrl: string; token?: string }) => ({ options, n: ++built }));
    const first = provider({ baseUrl: 'http://a', token: 'secret-1' });
    expect(provider({ baseUrl: 'http://a', token: 'secret-1' })).toBe(first);
    const changed = provider({ baseUrl: 'http://a', token: 'secret-2' });
    expect(changed).not.toBe(first);
    expect(built).toBe(2);
  });
});
