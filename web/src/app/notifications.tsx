// The bell's list: loaded from GET /notifications, kept live by the stream.
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';

import { expectOk } from '../api/errors.ts';
import type { Notification } from '../api/events.ts';
import { useNotificationPages } from '../api/notifications.ts';
import { createOwnActionLedger, type OwnActionLedger } from '../state/ownActions.ts';
import {
  BELL_SIZE,
  emptyNotifications,
  notificationFromEvent,
  notifies,
  notificationsReducer,
} from '../state/notifications.ts';
import { useLiveEvent } from './liveEvents.tsx';
import { useApi, useSession } from './session.tsx';

interface NotificationsValue {
  items: Notification[];
  unreadCount: number;
  markRead: (notification: Notification) => void;
  markAllRead: () => void;
  /** The chat was read up to a message sent at `upTo`: POST /threads/{id}/read marked those notifications read. */
  threadRead: (threadId: string, upTo: string) => void;
  /** Where this tab records its own changes (see ownActions.ts). */
  ownActions: OwnActionLedger;
}

const NotificationsContext = createContext<NotificationsValue | null>(null);

function reportFailure(what: string) {
  return (err: unknown) => console.warn(`orderchat: ${what} failed`, err);
}

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const { viewer } = useSession();
  const [state, dispatch] = useReducer(notificationsReducer, emptyNotifications);
  const [ownActions] = useState(createOwnActionLedger);

  // The query is read again after a stream gap (liveEvents.tsx); each answer
  // is merged with the live entries newer than it.
  const pages = useNotificationPages(BELL_SIZE);
  const first = pages.data?.pages[0];
  useEffect(() => {
    if (first) dispatch({ type: 'loaded', items: first.items, unreadCount: first.unreadCount });
  }, [first]);
  useEffect(() => {
    if (pages.error) reportFailure('loading notifications')(pages.error);
  }, [pages.error]);

  useLiveEvent((event) => {
    if (notifies(event, viewer, ownActions)) {
      dispatch({ type: 'received', notification: notificationFromEvent(event) });
    }
  });

  const markRead = useCallback(
    (notification: Notification) => {
      if (notification.is_read) return;
      dispatch({ type: 'marked_read', id: notification.id });
      expectOk(
        api.PATCH('/notifications/{id}', { params: { path: { id: notification.id } }, body: { is_read: true } }),
      ).catch(reportFailure('marking a notification read'));
    },
    [api],
  );

  const markAllRead = useCallback(() => {
    dispatch({ type: 'all_read' });
    expectOk(api.POST('/notifications/read-all')).catch(reportFailure('marking all notifications read'));
  }, [api]);

  const threadRead = useCallback((threadId: string, upTo: string) => dispatch({ type: 'thread_read', threadId, upTo }), []);

  const value = useMemo(
    () => ({ items: state.items, unreadCount: state.unreadCount, markRead, markAllRead, threadRead, ownActions }),
    [state, markRead, markAllRead, threadRead, ownActions],
  );
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): NotificationsValue {
  const value = useContext(NotificationsContext);
  if (!value) throw new Error('useNotifications outside NotificationsProvider');
  return value;
}
