// Remembers changes this tab is making, so that their echo on the live stream
// is not shown to the viewer as a notification. Events do not name their
// actor; the server leaves the caller's own actions out of GET /notifications,
// and the live list must agree with it.
import type { KnownEvent } from '../api/schema.ts';

/** An expectation older than this is forgotten (its event will not come). */
const TTL_MS = 60_000;

export interface OwnActionLedger {
  /** Before PATCH /orders/{id}; returns a function that withdraws it on failure. */
  expectStatusChange(orderId: string, status: string): () => void;
  /** Before closing a thread. */
  expectThreadClose(orderId: string): () => void;
  /** True (once) when `event` is the echo of an expected change. */
  claims(event: KnownEvent): boolean;
}

export function createOwnActionLedger(now: () => number = Date.now): OwnActionLedger {
  const expected = new Map<string, number>();

  const expect = (key: string) => {
    expected.set(key, now());
    return () => void expected.delete(key);
  };
  const keyOf = (event: KnownEvent): string | null => {
    switch (event.resource_type) {
      case 'orders.updated':
        return `status:${event.data.order_id}:${event.data.meta.status}`;
      case 'threads.closed':
        return `close:${event.data.order_id}`;
      default:
        return null;
    }
  };

  return {
    expectStatusChange: (orderId, status) => expect(`status:${orderId}:${status}`),
    expectThreadClose: (orderId) => expect(`close:${orderId}`),
    claims(event) {
      const key = keyOf(event);
      const at = key === null ? undefined : expected.get(key);
      if (key === null || at === undefined) return false;
      expected.delete(key);
      return now() - at <= TTL_MS;
    },
  };
}
