// Query keys, in openapi-react-query's shape `['get', path, init]`, where
// `init` is exactly what the resource module fetches with. A prefix without
// `init` addresses every query of a path (say, every list of orders).
import type { OrderStatus } from './schema.ts';

export const MESSAGE_PAGE_SIZE = 200; // the API's maximum

export const inits = {
  order: (orderId: string) => ({ params: { path: { order_id: orderId } } }),
  orders: (status: OrderStatus | undefined) => ({ params: { query: status ? { status } : {} } }),
  // listThreads with order_id: the thread of that order (openapi.yaml).
  threadOfOrder: (orderId: string) => ({ params: { query: { order_id: orderId } } }),
  inbox: () => ({ params: { query: {} } }),
  messages: (threadId: string) => ({ params: { query: { thread_id: threadId, limit: MESSAGE_PAGE_SIZE } } }),
  notifications: (limit: number) => ({ params: { query: { limit } } }),
};

export const orderKeys = {
  /** Every list of orders, whatever its status filter. */
  lists: () => ['get', '/orders'] as const,
  list: (status: OrderStatus | undefined) => ['get', '/orders', inits.orders(status)] as const,
  detail: (orderId: string) => ['get', '/orders/{order_id}', inits.order(orderId)] as const,
};

export const threadKeys = {
  inbox: () => ['get', '/threads', inits.inbox()] as const,
  ofOrder: (orderId: string) => ['get', '/threads', inits.threadOfOrder(orderId)] as const,
};

export const messageKeys = {
  history: (threadId: string) => ['get', '/messages', inits.messages(threadId)] as const,
};

export const notificationKeys = {
  all: () => ['get', '/notifications'] as const,
};
