// Orders in the query cache: one order, and the (cursor-paged) lists. Keys: queryKeys.ts.
import { useQuery, type InfiniteData } from '@tanstack/react-query';

import { useLiveReady } from '../app/liveEvents.tsx';
import { useQueryApi } from '../app/queries.tsx';
import { inits } from './queryKeys.ts';
import type { Order, OrderStatus, Page } from './schema.ts';

type OrdersPage = Page<Order>;

export type OrdersData = InfiniteData<OrdersPage, unknown>;

/** GET /orders/{order_id}. */
export function useOrder(orderId: string) {
  const queryApi = useQueryApi();
  const ready = useLiveReady();
  return useQuery({ ...queryApi.queryOptions('get', '/orders/{order_id}', inits.order(orderId)), enabled: ready });
}

/** GET /orders, newest first, page by page ("Load more"). */
export function useOrdersList(status: OrderStatus | undefined) {
  const queryApi = useQueryApi();
  const ready = useLiveReady();
  return queryApi.useInfiniteQuery('get', '/orders', inits.orders(status), {
    enabled: ready,
    initialPageParam: null,
    getNextPageParam: (page: OrdersPage) => page.next_cursor,
  });
}
