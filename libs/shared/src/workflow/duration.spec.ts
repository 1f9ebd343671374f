import fc from 'fast-check';
import { addDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['P2M', { months: 2, days: 0, seconds: 0 }],
    ['P60D', { months: 0, days: 60, seconds: 0 }],
    ['PT2S', { months: 0, days: 0, seconds: 2 }],
    ['P1Y', { months: 12, days: 0, seconds: 0 }],
    ['P2W', { months: 0, days: 14, seconds: 0 }],
    ['P1Y2M3W4DT5H6M7S', { months: 14, days: 25, seconds: 5 * 3600 + 6 * 60 + 7 }],
    ['PT48H', { months: 0, days: 0, seconds: 48 * 3600 }],
    ['P0DT1M', { months: 0, days: 0, seconds: 60 }],
    ['P10Y', { months: 120, days: 0, seconds: 0 }],
  ])('reads %s', (iso, expected) => {
    expect(parseDuration(iso)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['P', 'no component'],
    ['PT', 'no time component'],
    ['P1DT', 'a dangling T'],
    ['P0D', 'zero'],
    ['PT0S', 'zero'],
    ['P0Y0M0W0DT0H0M0S', 'zero'],
    ['P1.5D', 'a fraction'],
    ['P1,5D', 'a decimal comma'],
    ['P-1D', 'a negative number'],
    ['-P1D', 'a negative duration'],
    ['p1d', 'lower case'],
    ['P1H', 'hours without T'],
    ['PT1D', 'days after T'],
    ['P1D2M', 'components out of order'],
    [' P1D', 'leading space'],
    ['P1D ', 'trailing space'],
    ['P11Y', 'more than ten years'],
    ['P121M', 'more than ten years'],
    ['P3653D', 'more than ten years'],
    ['PT87720H', 'more than ten years'],
    ['P9999999D', 'too many digits'],
    ['P1D'.padEnd(10_000, '1'), 'a huge string'],
    ['2024-01-01', 'a date'],
    ['R5/P1D', 'a repetition'],
  ])('refuses %j (%s)', (iso) => {
    expect(parseDuration(iso)).toBeNull();
  });

  it('refuses what is not a string', () => {
    for (const value of [null, undefined, 3, {}, ['P1D']]) expect(parseDuration(value as never)).toBeNull();
  });

  it('never throws and returns positive whole numbers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^P(\d{1,4}[YMWD]){0,4}(T(\d{1,5}[HMS]){0,3})?$/)), (s) => {
        const d = parseDuration(s);
        if (d === null) return true;
        return (
          [d.months, d.days, d.seconds].every((n) => Number.isInteger(n) && n >= 0) && d.months + d.days + d.seconds > 0
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('addDuration', () => {
  const at = (iso: string) => new Date(iso);

  it('adds calendar months, clamping to the end of a shorter month', () => {
    expect(addDuration(at('2025-01-31T10:00:00Z'), 'P1M').toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(addDuration(at('2024-01-31T10:00:00Z'), 'P1M').toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(addDuration(at('2025-03-31T00:00:00Z'), 'P1M').toISOString()).toBe('2025-04-30T00:00:00.000Z');
    expect(addDuration(at('2025-01-15T08:30:00Z'), 'P2M').toISOString()).toBe('2025-03-15T08:30:00.000Z');
    expect(addDuration(at('2025-11-30T00:00:00Z'), 'P3M').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(addDuration(at('2024-02-29T12:00:00Z'), 'P1Y').toISOString()).toBe('2025-02-28T12:00:00.000Z');
    expect(addDuration(at('2025-12-31T23:59:59Z'), 'P1M').toISOString()).toBe('2026-01-31T23:59:59.000Z');
  });

  it('adds days as 24 hours in UTC, then hours, minutes and seconds', () => {
    expect(addDuration(at('2025-03-29T12:00:00Z'), 'P2D').toISOString()).toBe('2025-03-31T12:00:00.000Z');
    expect(addDuration(at('2025-02-27T00:00:00Z'), 'P60D').toISOString()).toBe('2025-04-28T00:00:00.000Z');
    expect(addDuration(at('2025-01-01T00:00:00Z'), 'P1W').toISOString()).toBe('2025-01-08T00:00:00.000Z');
    expect(addDuration(at('2025-01-01T00:00:00Z'), 'PT2S').toISOString()).toBe('2025-01-01T00:00:02.000Z');
    expect(addDuration(at('2025-01-01T23:00:00Z'), 'PT1H30M').toISOString()).toBe('2025-01-02T00:30:00.000Z');
  });

  it('adds months before days', () => {
    // 31 Jan + 1 month = 28 Feb, + 1 day = 1 Mar (days first would give 1 Mar + 1 month = 1 Apr).
    expect(addDuration(at('2025-01-31T00:00:00Z'), 'P1M1D').toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });

  it('keeps milliseconds and does not touch its argument', () => {
    const from = at('2025-05-05T05:05:05.123Z');
    expect(addDuration(from, 'P1M').toISOString()).toBe('2025-06-05T05:05:05.123Z');
    expect(from.toISOString()).toBe('2025-05-05T05:05:05.123Z');
  });

  it('throws on a duration parseDuration refuses', () => {
    expect(() => addDuration(new Date(), 'P0D')).toThrow(RangeError);
    expect(() => addDuration(new Date(), 'soon')).toThrow(RangeError);
  });

  it('always moves forward, by at most ten years and a day', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.record({
          y: fc.nat(3),
          m: fc.nat(30),
          d: fc.nat(400),
          h: fc.nat(100),
          s: fc.nat(100_000),
        }),
        (from, { y, m, d, h, s }) => {
          const iso = `P${y}Y${m}M${d}DT${h}H${s}S`;
          if (!parseDuration(iso)) return true;
          const to = addDuration(from, iso).getTime();
          return to > from.getTime() && to - from.getTime() <= 3654 * 86_400_000;
        },
      ),
      { numRuns: 1000 },
    );
  });
});
