// The query cache's defaults: what is retried, how long to wait, and the
// openapi-react-query binding every resource module (orders.ts, threads.ts,
// messages.ts, notifications.ts) builds its queries with.
import { QueryClient } from '@tanstack/react-query';
import createQueryHooks, { type OpenapiQueryClient } from 'openapi-react-query';

import type { ApiClient } from './client.ts';
import { retryDelayMs, shouldRetryQuery } from './errors.ts';
import type { paths } from './schema.ts';

export type QueryApi = OpenapiQueryClient<paths>;

/**
 * Query keys are openapi-react-query's: `['get', path, init]`, e.g.
 * `['get', '/orders/{order_id}', { params: { path: { order_id } } }]`. The
 * resource modules build them with the same `init` they fetch with, so a live
 * event can address a query (or, by prefix, every list of a path).
 */
export function queryApiOf(client: ApiClient): QueryApi {
  return createQueryHooks(client);
}

export function createAppQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Transient failures (network, 408, 429, 5xx) retry with backoff, honouring
        // Retry-After; permanent ones (400, 403, 404, 409…) fail at once.
        retry: (failureCount, err) => shouldRetryQuery(failureCount, err),
        retryDelay: (failureCount, err) => retryDelayMs(failureCount, err),
        // The stream keeps what is shown current; a remount still refetches
        // in the background, showing the cached data meanwhile.
        staleTime: 0,
        gcTime: 10 * 60_000,
      },
      mutations: { retry: false },
    },
  });
}
