import { sessionLifetime } from './accounts';

describe('sessionLifetime', () => {
  const limits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
  const signedInAt = Date.UTC(2026, 0, 5, 8, 0);

  it('lives the idle timeout while the absolute end is further away', () => {
    expect(sessionLifetime(signedInAt, signedInAt + 60_000, limits)).toEqual({ expired: false, maxAgeMs: 30 * 60_000 });
  });

  it('is cut short by the absolute end, then ends however active', () => {
    const tenMinutesBefore = signedInAt + limits.absoluteMs - 10 * 60_000;
    expect(sessionLifetime(signedInAt, tenMinutesBefore, limits)).toEqual({ expired: false, maxAgeMs: 10 * 60_000 });
    expect(sessionLifetime(signedInAt, signedInAt + limits.absoluteMs, limits)).toEqual({ expired: true });
  });

  it('ends a session that has no sign-in time (opened before it was kept)', () => {
    expect(sessionLifetime(undefined, signedInAt, limits)).toEqual({ expired: true });
    expect(sessionLifetime(Number.NaN, signedInAt, limits)).toEqual({ expired: true });
  });
});
