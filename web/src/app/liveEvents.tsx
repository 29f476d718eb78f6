// One event stream per signed-in tab, shared by every component that listens.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

import type { AnyEvent } from '../api/events.ts';
import { eventStreamUrl } from '../api/streams.ts';
import { openEventStream, type StreamState } from '../sse/eventStream.ts';
import { useSessionContext } from './session.tsx';

/** Gets every event, unknown types included: check isKnownEvent() before reading `meta`. */
type Listener = (event: AnyEvent) => void;

interface LiveEventsValue {
  subscribe: (listener: Listener) => () => void;
  state: StreamState;
  /**
   * 0 until the stream is open (or failed to open); then bumped whenever the
   * stream says held state may be stale (see onReset). Loaders wait for it and
   * reload when it changes: reading state only once the stream is live means
   * no event falls between the two.
   */
  syncGeneration: number;
}

const LiveEventsContext = createContext<LiveEventsValue | null>(null);

export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const { session, expired, markExpired } = useSessionContext();
  const [state, setState] = useState<StreamState>({ status: 'connecting' });
  const [syncGeneration, setSyncGeneration] = useState(0);
  const listeners = useRef(new Set<Listener>());
  const [subscribe] = useState(() => (listener: Listener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  });

  const token = expired ? null : (session?.token ?? null);
  useEffect(() => {
    if (!token || !session) return;
    const stream = openEventStream({
      url: eventStreamUrl(session.viewer),
      getToken: () => token,
      onEvent: (event) => listeners.current.forEach((listener) => listener(event)),
      onReset: () => setSyncGeneration((g) => g + 1),
      onTokenExpired: markExpired,
      onStateChange: (next) => {
        setState(next);
        if (next.status !== 'connecting') setSyncGeneration((g) => Math.max(g, 1));
        if (next.status === 'stopped' && next.reason === 'unauthorized') markExpired();
      },
    });
    return () => stream.close();
  }, [token, session, markExpired]);

  return (
    <LiveEventsContext.Provider value={{ subscribe, state, syncGeneration }}>{children}</LiveEventsContext.Provider>
  );
}

function useLiveEventsContext(): LiveEventsValue {
  const value = useContext(LiveEventsContext);
  if (!value) throw new Error('live events used outside LiveEventsProvider');
  return value;
}

/** Calls the latest `handler` for every live event while mounted. */
export function useLiveEvent(handler: Listener): void {
  const { subscribe } = useLiveEventsContext();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => subscribe((event) => latest.current(event)), [subscribe]);
}

export function useStreamState(): StreamState {
  return useLiveEventsContext().state;
}

export function useSyncGeneration(): number {
  return useLiveEventsContext().syncGeneration;
}
