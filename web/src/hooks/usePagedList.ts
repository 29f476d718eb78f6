// A list the API pages with next_cursor: the first page (reloadable), and
// "Load more" for the next ones.
import { useState, type DependencyList } from 'react';

import { describeError } from '../api/errors.ts';
import { useLoad } from './useLoad.ts';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export function usePagedList<T>(
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
  deps: DependencyList,
) {
  const first = useLoad((signal) => fetchPage(undefined, signal), deps);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const cursor = first.data?.next_cursor;

  const loadMore = () => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    fetchPage(cursor, new AbortController().signal)
      .then((page) => {
        setMoreError(null);
        first.setData((data) => data && { items: [...data.items, ...page.items], next_cursor: page.next_cursor });
      }, (err: unknown) => setMoreError(describeError(err)))
      .finally(() => setLoadingMore(false));
  };

  return {
    items: first.data?.items,
    error: first.error ?? moreError,
    hasMore: Boolean(cursor),
    loadingMore,
    loadMore,
    reload: first.reload,
  };
}
