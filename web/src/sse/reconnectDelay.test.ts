import { describe, expect, it } from 'vitest';

import { JITTER, MAX_RETRY_MS, reconnectDelay } from './reconnectDelay.ts';

describe('reconnectDelay', () => {
  it('waits the server retry: after a stream that was open, plus jitter', () => {
    expect(reconnectDelay({ retryMs: 2000, failures: 0, random: () => 0 })).toBe(2000);
    expect(reconnectDelay({ retryMs: 2000, failures: 0, random: () => 1 })).toBe(2000 * (1 + JITTER));
  });

  it('doubles with each failure after the first, up to the cap', () => {
    const delays = [1, 2, 3, 4, 10, 30].map((failures) =>
      reconnectDelay({ retryMs: 1000, failures, random: () => 0 }),
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, MAX_RETRY_MS, MAX_RETRY_MS]);
  });

  it('never waits less than Retry-After', () => {
    expect(reconnectDelay({ retryMs: 1000, failures: 1, retryAfterMs: 45_000, random: () => 0 })).toBe(45_000);
  });
});
