// One event stream per signed-in tab, shared by every component that listens,
// and the bridge from the stream to the query cache.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useEffectEvent, useRef, useState, type ReactNode } from 'react';

import type { AnyEvent } from '../api/events.ts';
import { applyEventToCache, refetchAfterGap } from '../api/liveCache.ts';
import { eventStreamUrl } from '../api/streams.ts';
import { openEventStream, type StreamState } from '../sse/eventStream.ts';
import { useSessionContext } from './session.tsx';

/** Gets every event, unknown types included: check isKnownEvent() before reading `meta`. */
type Listener = (event: AnyEvent) => void;

interface LiveEventsValue {
  subscribe: (listener: Listener) => () => void;
  state: StreamState;
  /**
   * False until the stream has opened (or failed to open) once. Queries wait
   * for it: reading state only once the stream is live means no event falls
   * between the two. After that, a gap (a reset, a reconnect) refetches the
   * queries on screen instead (see refetchAfterGap).
   */
  ready: boolean;
}

const LiveEventsContext = createContext<LiveEventsValue | null>(null);

export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const { session, expired, markExpired } = useSessionContext();
  const queryClient = useQueryClient();
  const [state, setState] = useState<StreamState>({ status: 'connecting' });
  const [ready, setReady] = useState(false);
  const listeners = useRef(new Set<Listener>());
  const [subscribe] = useState(() => (listener: Listener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  });

  const token = expired ? null : (session?.token ?? null);
  useEffect(() => {
    if (!token || !session) return;
    // Whether queries may already have read: then a (re)opened stream may have
    // missed something between their read and now.
    let queriesStarted = false;
    const stream = openEventStream({
      url: eventStreamUrl(session.viewer),
      getToken: () => token,
      onEvent: (event) => {
        applyEventToCache(queryClient, event);
        listeners.current.forEach((listener) => listener(event));
      },
      onReset: () => void refetchAfterGap(queryClient),
      onTokenExpired: markExpired,
      onStateChange: (next) => {
        setState(next);
        // A reconnect after an outage: what is on screen (and any query that
        // failed meanwhile) is read again. Events the resume replays still
        // arrive; both paths are upserts.
        if (next.status === 'open' && queriesStarted) void refetchAfterGap(queryClient);
        if (next.status !== 'connecting') {
          queriesStarted = true;
          setReady(true);
        }
        if (next.status === 'stopped' && next.reason === 'unauthorized') markExpired();
      },
    });
    return () => stream.close();
  }, [token, session, markExpired, queryClient]);

  return <LiveEventsContext.Provider value={{ subscribe, state, ready }}>{children}</LiveEventsContext.Provider>;
}

function useLiveEventsContext(): LiveEventsValue {
  const value = useContext(LiveEventsContext);
  if (!value) throw new Error('live events used outside LiveEventsProvider');
  return value;
}

/** Calls the latest `handler` for every live event while mounted. */
export function useLiveEvent(handler: Listener): void {
  const { subscribe } = useLiveEventsContext();
  const onEvent = useEffectEvent(handler);
  useEffect(() => subscribe((event) => onEvent(event)), [subscribe]);
}

export function useStreamState(): StreamState {
  return useLiveEventsContext().state;
}

/** Whether queries may load (see LiveEventsValue.ready). */
export function useLiveReady(): boolean {
  return useLiveEventsContext().ready;
}
