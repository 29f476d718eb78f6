// How long to wait before reconnecting a dropped event stream.

/** Used until the server sends `retry:`. */
export const DEFAULT_RETRY_MS = 2000;
/** Backoff never waits longer than this (before jitter). */
export const MAX_RETRY_MS = 30_000;
/** Up to this fraction of the delay is added at random, so clients spread out. */
export const JITTER = 0.3;

export interface DelayInput {
  /** The server's `retry:` (or DEFAULT_RETRY_MS). */
  retryMs: number;
  /** Failed attempts in a row: 0 after a stream that was open. */
  failures: number;
  /** The server's Retry-After, in ms, when it sent one (429, 503). */
  retryAfterMs?: number | undefined;
  random: () => number;
}

/**
 * The server's `retry:`, doubled for each failure in a row after the first
 * (capped at MAX_RETRY_MS), at least any Retry-After, plus up to JITTER more.
 */
export function reconnectDelay({ retryMs, failures, retryAfterMs = 0, random }: DelayInput): number {
  const backoff = Math.min(MAX_RETRY_MS, retryMs * 2 ** Math.max(0, failures - 1));
  const base = Math.max(backoff, retryAfterMs);
  return Math.round(base * (1 + JITTER * random()));
}
