import { describe, expect, it } from 'vitest';

import { formatRelativeTime } from './relativeTime.ts';

const now = Date.UTC(2025, 5, 15, 12, 0, 0);
const ago = (ms: number) => now - ms;
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('formatRelativeTime', () => {
  it('says "just now" for differences under 45 seconds, either way', () => {
    expect(formatRelativeTime(now, now)).toBe('just now');
    expect(formatRelativeTime(ago(44 * SEC), now)).toBe('just now');
    expect(formatRelativeTime(now + 30 * SEC, now)).toBe('just now');
  });

  it('rounds to minutes, never to zero', () => {
    expect(formatRelativeTime(ago(50 * SEC), now)).toBe('1 minute ago');
    expect(formatRelativeTime(ago(5 * MIN), now)).toBe('5 minutes ago');
    expect(formatRelativeTime(ago(44 * MIN), now)).toBe('44 minutes ago');
  });

  it('switches to hours, days, months and years', () => {
    expect(formatRelativeTime(ago(45 * MIN), now)).toBe('1 hour ago');
    expect(formatRelativeTime(ago(3 * HOUR), now)).toBe('3 hours ago');
    expect(formatRelativeTime(ago(DAY), now)).toBe('yesterday');
    expect(formatRelativeTime(ago(3 * DAY), now)).toBe('3 days ago');
    expect(formatRelativeTime(ago(60 * DAY), now)).toBe('2 months ago');
    expect(formatRelativeTime(ago(400 * DAY), now)).toBe('last year');
    expect(formatRelativeTime(ago(3 * 365 * DAY), now)).toBe('3 years ago');
  });

  it('formats future times', () => {
    expect(formatRelativeTime(now + 2 * HOUR, now)).toBe('in 2 hours');
    expect(formatRelativeTime(now + DAY, now)).toBe('tomorrow');
  });

  it('accepts Date objects and ISO strings', () => {
    const t = new Date(ago(10 * MIN));
    expect(formatRelativeTime(t, new Date(now))).toBe('10 minutes ago');
    expect(formatRelativeTime(t.toISOString(), now)).toBe('10 minutes ago');
  });

  it('honours the locale', () => {
    expect(formatRelativeTime(ago(2 * DAY), now, 'de')).toBe('vorgestern');
  });

  it('rejects invalid dates', () => {
    expect(() => formatRelativeTime('not a date', now)).toThrow(RangeError);
  });
});
