// Threads in the query cache: an order's thread, and the admins' inbox. Keys: queryKeys.ts.
import { useQuery, type InfiniteData } from '@tanstack/react-query';

import { useLiveReady } from '../app/liveEvents.tsx';
import { useQueryApi } from '../app/queries.tsx';
import { inits } from './queryKeys.ts';
import type { Page, Thread } from './schema.ts';

type ThreadsPage = Page<Thread>;

export type ThreadsData = InfiniteData<ThreadsPage, unknown>;

/** The thread of an order (GET /threads?order_id=), or null when it has none. */
export function useThreadOfOrder(orderId: string) {
  const queryApi = useQueryApi();
  const ready = useLiveReady();
  return useQuery({
    ...queryApi.queryOptions('get', '/threads', inits.threadOfOrder(orderId)),
    enabled: ready,
    select: (page: ThreadsPage) => page.items[0] ?? null,
  });
}

/** The inbox: every thread, newest activity first, page by page. */
export function useInbox(enabled: boolean) {
  const queryApi = useQueryApi();
  const ready = useLiveReady();
  return queryApi.useInfiniteQuery('get', '/threads', inits.inbox(), {
    enabled: ready && enabled,
    initialPageParam: null,
    getNextPageParam: (page: ThreadsPage) => page.next_cursor,
  });
}
