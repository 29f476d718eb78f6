// Human-friendly relative times ("just now", "5 minutes ago", "yesterday").

type Unit = Intl.RelativeTimeFormatUnit;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

// Each step: below `limit` (ms, absolute), express the difference in `unit`.
const STEPS: ReadonlyArray<{ limit: number; unit: Unit; size: number }> = [
  { limit: 45 * MINUTE, unit: 'minute', size: MINUTE },
  { limit: 22 * HOUR, unit: 'hour', size: HOUR },
  { limit: 26 * DAY, unit: 'day', size: DAY },
  { limit: 320 * DAY, unit: 'month', size: MONTH },
  { limit: Infinity, unit: 'year', size: YEAR },
];

/** Differences smaller than this (either direction) read as "just now". */
const JUST_NOW = 45 * SECOND;

const formatters = new Map<string, Intl.RelativeTimeFormat>();

function formatterFor(locale: string): Intl.RelativeTimeFormat {
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    formatters.set(locale, f);
  }
  return f;
}

/**
 * Formats `time` relative to `now`, e.g. "3 minutes ago", "in 2 hours",
 * "yesterday". Accepts a Date, epoch milliseconds or an ISO-8601 string.
 * Throws RangeError for a time that is not a valid date.
 */
export function formatRelativeTime(
  time: Date | number | string,
  now: Date | number = Date.now(),
  locale = 'en',
): string {
  const t = time instanceof Date ? time.getTime() : new Date(time).getTime();
  const n = now instanceof Date ? now.getTime() : now;
  if (!Number.isFinite(t) || !Number.isFinite(n)) {
    throw new RangeError(`formatRelativeTime: invalid date ${String(time)}`);
  }

  const diff = t - n; // negative: in the past
  const abs = Math.abs(diff);
  if (abs < JUST_NOW) {
    return 'just now';
  }
  for (const step of STEPS) {
    if (abs < step.limit) {
      // Never round down to 0 units: 50 s is "1 minute ago", not "this minute".
      const value = Math.max(1, Math.round(abs / step.size));
      return formatterFor(locale).format(diff < 0 ? -value : value, step.unit);
    }
  }
  // Unreachable: the last step's limit is Infinity.
  throw new Error('formatRelativeTime: no unit matched');
}
