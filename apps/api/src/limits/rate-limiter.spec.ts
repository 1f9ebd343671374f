import { loadConfig } from '@guichet/config';
import type { CounterStore, WindowCount } from './counter-store';
import { LARGE_BODY_ROUTES, bodyLimits } from './body-limits';
import { rateLimitRules, type RateLimitRule } from './rate-limit-rules';
import { RateLimiter, clientKey } from './rate-limiter';
import { routePattern } from './route-pattern';

/** The stores' semantics (a fixed window opened by the first hit), in memory, on a clock the test moves. */
class FakeStore implements CounterStore {
  readonly kind = 'redis' as const;
  readonly windows = new Map<string, { count: number; endsAt: number }>();
  now = 1_000_000;
  failing = false;

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    if (this.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    let window = this.windows.get(key);
    if (!window || window.endsAt <= this.now) {
      window = { count: 0, endsAt: this.now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return { count: window.count, resetInMs: window.endsAt - this.now };
  }

  async close(): Promise<void> {}
}

const DRAFTS: RateLimitRule = {
  name: 'drafts',
  routes: [routePattern('POST /api/v1/public/services/:slug/submissions')],
  perIp: 5,
  perAccount: 2,
};

function limiter(store: FakeStore, rules: RateLimitRule[] = [DRAFTS]) {
  const warnings: unknown[] = [];
  const refused: unknown[] = [];
  const storeErrors: unknown[] = [];
  const instance = new RateLimiter(rules, store, {
    windowSeconds: 600,
    keySecret: 'test-secret',
    logger: { warn: (...args: unknown[]) => warnings.push(args) } as never,
    refused: { inc: (labels: unknown) => refused.push(labels) } as never,
    storeErrors: { inc: (labels: unknown) => storeErrors.push(labels) } as never,
  });
  return { instance, warnings, refused, storeErrors };
}

const draft = (ip: string, accountId: string | null = null) => ({
  method: 'POST',
  path: '/api/v1/public/services/cantine/submissions',
  ip,
  accountId,
});

describe('RateLimiter', () => {
  it('lets the first N requests of an address through, refuses the next with the time left in the window', async () => {
    const store = new FakeStore();
    const { instance, refused } = limiter(store);
    for (let i = 0; i < 5; i++) expect((await instance.check(draft('203.0.113.7'))).allowed).toBe(true);
    store.now += 60_500;
    expect(await instance.check(draft('203.0.113.7'))).toEqual({
      allowed: false,
      retryAfterSeconds: 540, // 600 s window opened 60.5 s ago: 539.5 s left, rounded up
      route: '/api/v1/public/services/:slug/submissions',
    });
    expect(refused).toEqual([{ route: '/api/v1/public/services/:slug/submissions' }]);
    // Another address has its own counter; the window's end starts the count again.
    expect((await instance.check(draft('203.0.113.8'))).allowed).toBe(true);
    store.now += 540_000;
    expect((await instance.check(draft('203.0.113.7'))).allowed).toBe(true);
  });

  it('counts a signed-in account wherever it comes from, and its address too', async () => {
    const store = new FakeStore();
    const { instance } = limiter(store);
    expect((await instance.check(draft('198.51.100.1', 'acc-1'))).allowed).toBe(true);
    expect((await instance.check(draft('198.51.100.2', 'acc-1'))).allowed).toBe(true);
    expect((await instance.check(draft('198.51.100.3', 'acc-1'))).allowed).toBe(false);
    // The same address, anonymous or another account: not blocked by acc-1's limit.
    expect((await instance.check(draft('198.51.100.3'))).allowed).toBe(true);
    expect((await instance.check(draft('198.51.100.3', 'acc-2'))).allowed).toBe(true);
  });

  it('keeps neither addresses nor account ids in clear in its keys', async () => {
    const store = new FakeStore();
    await limiter(store).instance.check(draft('192.0.2.44', '6f1c0d2e-0000-4000-8000-000000000001'));
    const keys = [...store.windows.keys()];
    expect(keys).toHaveLength(2);
    expect(keys.join(' ')).not.toMatch(/192\.0\.2\.44|6f1c0d2e/);
    expect(keys.every((k) => k.startsWith('rate:drafts:'))).toBe(true);
  });

  it('leaves routes outside the table alone, and matches the table as Express routes', async () => {
    const store = new FakeStore();
    const { instance } = limiter(store);
    for (const [method, path] of [
      ['GET', '/api/v1/public/services/cantine/submissions'],
      ['POST', '/api/v1/public/services/cantine'],
      ['POST', '/api/v1/public/services/a/b/submissions'],
    ])
      expect(await instance.check({ method: method!, path: path!, ip: '192.0.2.1' })).toEqual({ allowed: true });
    expect(store.windows.size).toBe(0);
    // Written differently, the same route: counted.
    await instance.check({ method: 'POST', path: '/API/v1/public/services/x/Submissions/', ip: '192.0.2.1' });
    expect(store.windows.size).toBe(1);
  });

  it('fails open when the store does not answer, with one warning a minute and no personal data', async () => {
    const store = new FakeStore();
    const { instance, warnings, storeErrors } = limiter(store);
    store.failing = true;
    for (let i = 0; i < 20; i++) expect((await instance.check(draft('192.0.2.99', 'acc-9'))).allowed).toBe(true);
    expect(storeErrors).toHaveLength(20);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toMatch(/192\.0\.2\.99|acc-9/);
    expect(JSON.stringify(warnings)).toContain('ECONNREFUSED');
  });
});

describe('clientKey', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});

describe('the tables', () => {
  it('take their figures from the environment; 0 turns a counter off, RATE_LIMITS=off all of them', () => {
    const rules = rateLimitRules(
      loadConfig({ RATE_LIMIT_DRAFTS_PER_IP: '7', RATE_LIMIT_DRAFTS_PER_ACCOUNT: '0', RATE_LIMIT_SIGN_IN_PER_IP: '0' }),
    );
    expect(rules.map((r) => r.name)).toEqual([
      'drafts',
      'submits',
      'uploads',
      'messages',
      'follow',
      'lookups',
      'quotient',
    ]);
    expect(rules[0]).toMatchObject({ perIp: 7, perAccount: 0 });
    expect(rateLimitRules(loadConfig({ RATE_LIMITS: 'off' }))).toEqual([]);
    const defaults = rateLimitRules(loadConfig({}));
    expect(defaults.find((r) => r.name === 'drafts')).toMatchObject({ perIp: 300, perAccount: 30 });
    // The follow links of requests filed without an account: per address only (there is no account).
    expect(defaults.find((r) => r.name === 'follow')).toMatchObject({ perIp: 300 });
    expect(rateLimitRules(loadConfig({ RATE_LIMIT_FOLLOW_PER_IP: '0' })).map((r) => r.name)).not.toContain('follow');
    // The family quotient (personal data, API Particulier): per address and per account.
    expect(defaults.find((r) => r.name === 'quotient')).toMatchObject({ perIp: 300, perAccount: 20 });
  });

  it('give large bodies to answers and definitions only, and never more than BODY_LIMIT_KB', () => {
    const large = (method: string, path: string) => LARGE_BODY_ROUTES.some((r) => r.matches(method, path));
    expect(large('PATCH', '/api/v1/submissions/0b9c')).toBe(true);
    expect(large('PUT', '/api/v1/services/cantine/draft')).toBe(true);
    expect(large('POST', '/api/v1/submissions/0b9c/messages')).toBe(false);
    expect(large('POST', '/api/v1/submissions/0b9c/notes')).toBe(false);
    expect(bodyLimits(loadConfig({}))).toEqual({ largeKb: 1024, smallKb: 64 });
    expect(bodyLimits(loadConfig({ BODY_LIMIT_KB: '16' }))).toEqual({ largeKb: 16, smallKb: 16 });
  });
});

describe('routePattern', () => {
  it('agrees with Express: any case, optional trailing slash, one segment per parameter, HEAD with GET', () => {
    const login = routePattern('GET /auth/login');
    expect(login.matches('GET', '/auth/login')).toBe(true);
    expect(login.matches('HEAD', '/Auth/Login/')).toBe(true);
    expect(login.matches('POST', '/auth/login')).toBe(false);
    expect(login.matches('GET', '/auth/login/x')).toBe(false);
    const submit = routePattern('POST /api/v1/submissions/:id/submit');
    expect(submit.matches('POST', '/api/v1/submissions/abc/submit')).toBe(true);
    expect(submit.matches('POST', '/api/v1/submissions//submit')).toBe(false);
    expect(submit.path).toBe('/api/v1/submissions/:id/submit');
    expect(() => routePattern('/no/method')).toThrow('bad route pattern');
  });
});
