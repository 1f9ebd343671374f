/**
 * ISO 8601 durations for deadlines (`P2M`, `P60D`, `PT2S`), and the
 * arithmetic that turns one into a due date.
 */

export interface Duration {
  /** Years count as 12 months. */
  months: number;
  /** Weeks count as 7 days. */
  days: number;
  /** Hours, minutes and seconds. */
  seconds: number;
}

const DURATION =
  /^P(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;

/** Ten years, in days: a longer deadline is a typing mistake, not a procedure. */
const MAX_DAYS = 3652.5;
const DAYS_PER_MONTH = 365.25 / 12;

/**
 * Parses `P[nY][nM][nW][nD][T[nH][nM][nS]]` with whole numbers only.
 * Returns null for anything else, for a zero duration, and for one longer
 * than ten years.
 */
export function parseDuration(iso: string): Duration | null {
  if (typeof iso !== 'string' || iso.length > 40) return null;
  const m = DURATION.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return null;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  const duration = {
    months: n(1) * 12 + n(2),
    days: n(3) * 7 + n(4),
    seconds: n(5) * 3600 + n(6) * 60 + n(7),
  };
  const totalDays = duration.months * DAYS_PER_MONTH + duration.days + duration.seconds / 86_400;
  if (totalDays === 0 || totalDays > MAX_DAYS) return null;
  return duration;
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month + 1, 0); // day 0 of the next month: the last of this one
  return d.getUTCDate();
}

/**
 * `from` plus an ISO 8601 duration, in UTC: calendar months first (the day
 * is clamped to the end of a shorter month: 31 January + P1M = 28 or 29
 * February), then days of 24 hours, then seconds. Computing in UTC rather
 * than in Europe/Paris can move a due date by the hour of a daylight-saving
 * change, and by a day for an instant between midnight and 2 a.m. Paris time;
 * a deadline is a period after which the system acts, so this is accepted.
 * Throws a RangeError on a duration `parseDuration` refuses.
 */
export function addDuration(from: Date, iso: string): Date {
  const duration = parseDuration(iso);
  if (!duration) throw new RangeError(`Invalid ISO 8601 duration: ${String(iso).slice(0, 40)}`);
  const t = from.getTime();
  if (Number.isNaN(t)) return new Date(NaN);
  const date = new Date(t);
  if (duration.months) {
    const monthIndex = date.getUTCMonth() + duration.months;
    const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
    const month = monthIndex % 12;
    const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
    date.setUTCFullYear(year, month, day);
  }
  return new Date(date.getTime() + duration.days * 86_400_000 + duration.seconds * 1000);
}
