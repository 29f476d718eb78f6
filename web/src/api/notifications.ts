// GET /notifications, through the event parsing boundary (events.ts), and the
// bell's infinite query over it.
import { useInfiniteQuery } from '@tanstack/react-query';

import { useLiveReady } from '../app/liveEvents.tsx';
import { useApi } from '../app/session.tsx';
import type { ApiClient } from './client.ts';
import { expectOk } from './errors.ts';
import { toNotification, type Notification } from './events.ts';
import { inits, notificationKeys } from './queryKeys.ts';

export interface NotificationPage {
  /** Newest first; types this client does not know are kept (generic bell entries), malformed items left out. */
  items: Notification[];
  /** All of the caller's unread notifications, not only this page's. */
  unreadCount: number;
  nextCursor: string | null;
}

export async function fetchNotifications(
  api: ApiClient,
  limit: number,
  cursor?: string | null,
  signal?: AbortSignal,
): Promise<NotificationPage> {
  const query = { ...inits.notifications(limit).params.query, ...(cursor ? { cursor } : {}) };
  const page = await expectOk(api.GET('/notifications', { params: { query }, ...(signal ? { signal } : {}) }));
  // Each item is checked like a stream event: the generated item type cannot
  // describe a type added to the spec after this build (nor, see schema.ts,
  // narrow on resource_type).
  const items: readonly unknown[] = page.items;
  return {
    items: items.flatMap((item) => toNotification(item) ?? []),
    unreadCount: page.unread_count,
    nextCursor: page.next_cursor,
  };
}

/**
 * The caller's notifications, newest first, `limit` a page. Its own queryFn
 * (not openapi-react-query's) because every item goes through toNotification.
 */
export function useNotificationPages(limit: number) {
  const api = useApi();
  const ready = useLiveReady();
  return useInfiniteQuery({
    queryKey: [...notificationKeys.all(), inits.notifications(limit)],
    queryFn: ({ pageParam, signal }) => fetchNotifications(api, limit, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    enabled: ready,
  });
}
