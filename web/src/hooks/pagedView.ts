// What a page shows of a cursor list (an infinite query): its items so far,
// the failure, "Load more".
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';

import type { Page } from '../api/schema.ts';

export interface PagedView<T> {
  items: T[] | undefined;
  /** Why loading failed (after the automatic retries), or null. */
  error: unknown;
  /** A transient failure is being retried. */
  retrying: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  retry: () => void;
}

export function pagedView<T>(query: UseInfiniteQueryResult<InfiniteData<Page<T>, unknown>, unknown>): PagedView<T> {
  return {
    items: query.data?.pages.flatMap((page) => page.items),
    error: query.error ?? null,
    retrying: query.failureReason !== null && query.error === null,
    hasMore: query.hasNextPage,
    loadingMore: query.isFetchingNextPage,
    loadMore: () => {
      if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
    },
    retry: () => void query.refetch(),
  };
}
