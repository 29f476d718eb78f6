// The typed HTTP client: openapi-fetch over the generated `paths`, with the
// bearer token added to every request.
import createClient, { type Client } from 'openapi-fetch';

import { apiErrorOf } from './errors.ts';
import type { paths } from './schema.ts';

export const API_BASE = '/api';

export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** The current bearer token (null: send the request without one). */
  getToken: () => string | null;
  /** Called when the server rejects the token (401): the session is over. */
  onUnauthorized: () => void;
  fetch?: typeof globalThis.fetch;
  /** Defaults to API_BASE on this origin; tests outside a browser need an absolute URL. */
  baseUrl?: string;
  /**
   * Reject a failed call with an ApiError (status, problem+json, Retry-After)
   * instead of returning `{ error }`: what the query cache (openapi-react-query)
   * needs, since it throws whatever `error` is.
   */
  throwOnError?: boolean;
}

export function createApiClient({
  getToken,
  onUnauthorized,
  fetch,
  baseUrl = API_BASE,
  throwOnError = false,
}: ApiClientOptions): ApiClient {
  const client = createClient<paths>({
    baseUrl,
    // Resolved at call time so that tests (and polyfills) can replace fetch.
    fetch: (request) => (fetch ?? globalThis.fetch)(request),
  });
  client.use({
    onRequest({ request }) {
      const token = getToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    async onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      if (throwOnError && !response.ok) throw await apiErrorOf(response);
      return response;
    },
  });
  return client;
}
