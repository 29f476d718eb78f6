// Query keys, in openapi-react-query's shape `['get', path, init]`, where
// `init` is exactly what the resource module fetches with. A prefix without
// `init` addresses every query of a path (say, every list of orders).
import type { QueryKey } from '@tanstack/react-query';

import type { InboxFilter, OrderStatus } from './schema.ts';

export const MESSAGE_PAGE_SIZE = 200; // the API's maximum

export const inits = {
  order: (orderId: string) => ({ params: { path: { order_id: orderId } } }),
  orders: (status: OrderStatus | undefined) => ({ params: { query: status ? { status } : {} } }),
  // listThreads with order_id: the thread of that order (openapi.yaml).
  threadOfOrder: (orderId: string) => ({ params: { query: { order_id: orderId } } }),
  // Without `assignee`: every thread (the All tab).
  inbox: (assignee: InboxFilter | undefined) => ({ params: { query: assignee ? { assignee } : {} } }),
  admins: () => ({}),
  messages: (threadId: string) => ({ params: { query: { thread_id: threadId, limit: MESSAGE_PAGE_SIZE } } }),
  notifications: (limit: number) => ({ params: { query: { limit } } }),
};

export const orderKeys = {
  /** Every list of orders, whatever its status filter. */
  lists: () => ['get', '/orders'] as const,
  list: (status: OrderStatus | undefined) => ['get', '/orders', inits.orders(status)] as const,
  detail: (orderId: string) => ['get', '/orders/{order_id}', inits.order(orderId)] as const,
};

/** The query parameters a listThreads key was fetched with. */
function threadListQuery(key: QueryKey): { order_id?: unknown; assignee?: unknown } {
  const init = key[2] as { params?: { query?: { order_id?: unknown; assignee?: unknown } } } | undefined;
  return init?.params?.query ?? {};
}

export const threadKeys = {
  /** Every cached thread: the orders' threads and the inbox lists. */
  all: () => ['get', '/threads'] as const,
  inbox: (assignee: InboxFilter | undefined) => ['get', '/threads', inits.inbox(assignee)] as const,
  /**
   * Query filters for every inbox list (All, Mine, Unassigned), or only the
   * filtered ones (whose members change with an assignment); never an order's thread.
   */
  inboxes: (only?: 'filtered') => ({
    queryKey: threadKeys.all(),
    predicate: ({ queryKey }: { queryKey: QueryKey }) => {
      const query = threadListQuery(queryKey);
      return query.order_id === undefined && (only !== 'filtered' || query.assignee !== undefined);
    },
  }),
  ofOrder: (orderId: string) => ['get', '/threads', inits.threadOfOrder(orderId)] as const,
};

export const adminKeys = {
  list: () => ['get', '/admins', inits.admins()] as const,
};

export const messageKeys = {
  history: (threadId: string) => ['get', '/messages', inits.messages(threadId)] as const,
};

export const notificationKeys = {
  all: () => ['get', '/notifications'] as const,
};
