// Who is signed in, and the API client acting for them.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';

import { createApiClient, type ApiClient } from '../api/client.ts';
import { forgetToken, loadToken, saveToken } from '../auth/sessionStore.ts';
import { isExpired, readToken, type Session } from '../auth/token.ts';

interface SessionContextValue {
  session: Session | null;
  /** The token expired (by the clock, a 401, or the stream saying so). */
  expired: boolean;
  markExpired: () => void;
  /** Stores `token` when it is a usable JWT; returns the session or null. */
  signIn: (token: string) => Session | null;
  signOut: () => void;
  api: ApiClient;
}

const SessionContext = createContext<SessionContextValue | null>(null);

function storedSession(): Session | null {
  const token = loadToken();
  const session = token ? readToken(token) : null;
  if (token && (!session || isExpired(session.viewer))) forgetToken();
  return session && !isExpired(session.viewer) ? session : null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState(storedSession);
  const [expired, setExpired] = useState(false);
  const tokenRef = useRef(session?.token ?? null);
  useLayoutEffect(() => {
    tokenRef.current = session?.token ?? null;
  }, [session]);

  const markExpired = useCallback(() => setExpired(true), []);
  const api = useMemo(
    // eslint-disable-next-line react-hooks/refs -- getToken runs when a request is made, never during render
    () => createApiClient({ getToken: () => tokenRef.current, onUnauthorized: markExpired }),
    [markExpired],
  );

  const signIn = useCallback((token: string) => {
    const next = readToken(token);
    if (!next || isExpired(next.viewer)) return null;
    saveToken(next.token);
    tokenRef.current = next.token;
    setSession(next);
    setExpired(false);
    return next;
  }, []);

  const signOut = useCallback(() => {
    forgetToken();
    tokenRef.current = null;
    setSession(null);
    setExpired(false);
  }, []);

  // The clock may end the session before any request notices.
  useEffect(() => {
    if (!session) return;
    const timer = window.setTimeout(markExpired, Math.max(0, session.viewer.expiresAt - Date.now()));
    return () => window.clearTimeout(timer);
  }, [session, markExpired]);

  const value = useMemo(
    () => ({ session, expired, markExpired, signIn, signOut, api }),
    [session, expired, markExpired, signIn, signOut, api],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSessionContext outside SessionProvider');
  return value;
}

/** The signed-in session; only for components under SignedInLayout. */
export function useSession(): Session {
  const { session } = useSessionContext();
  if (!session) throw new Error('useSession without a session');
  return session;
}

export function useApi(): ApiClient {
  return useSessionContext().api;
}
