// The query cache of one signed-in session (a new cache for every sign-in, so
// nothing of one account is shown to the next), and the typed query hooks.
import { QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

import { createApiClient } from '../api/client.ts';
import { createAppQueryClient, queryApiOf, type QueryApi } from '../api/queryClient.ts';
import { useSessionContext } from './session.tsx';

const QueryApiContext = createContext<QueryApi | null>(null);

export function QueryProvider({ children }: { children: ReactNode }) {
  const { session, markExpired } = useSessionContext();
  const token = useRef<string | null>(session?.token ?? null);
  useLayoutEffect(() => {
    token.current = session?.token ?? null;
  }, [session]);
  const [queryClient] = useState(createAppQueryClient);
  // Its own client: one that rejects failures with an ApiError (see client.ts).
  // eslint-disable-next-line react-hooks/refs -- getToken runs when a request is made, never during render
  const [queryApi] = useState(() =>
    queryApiOf(createApiClient({ getToken: () => token.current, onUnauthorized: markExpired, throwOnError: true })),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <QueryApiContext.Provider value={queryApi}>{children}</QueryApiContext.Provider>
    </QueryClientProvider>
  );
}

/** openapi-react-query's hooks over this session's client. */
export function useQueryApi(): QueryApi {
  const value = useContext(QueryApiContext);
  if (!value) throw new Error('useQueryApi outside QueryProvider');
  return value;
}
