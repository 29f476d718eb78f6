// The bell's list: loaded from GET /notifications, kept live by the stream.
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';

import { expectOk } from '../api/errors.ts';
import type { Notification } from '../api/events.ts';
import { fetchNotifications } from '../api/notifications.ts';
import { createOwnActionLedger, type OwnActionLedger } from '../state/ownActions.ts';
import {
  BELL_SIZE,
  emptyNotifications,
  isOwnEvent,
  notificationFromEvent,
  notificationsReducer,
} from '../state/notifications.ts';
import { useLiveEvent, useSyncGeneration } from './liveEvents.tsx';
import { useApi, useSession } from './session.tsx';

interface NotificationsValue {
  items: Notification[];
  unreadCount: number;
  markRead: (notification: Notification) => void;
  markAllRead: () => void;
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
  const syncGeneration = useSyncGeneration();
  const [state, dispatch] = useReducer(notificationsReducer, emptyNotifications);
  const [ownActions] = useState(createOwnActionLedger);

  useEffect(() => {
    if (syncGeneration === 0) return;
    let current = true;
    fetchNotifications(api, BELL_SIZE).then((page) => {
      if (current) dispatch({ type: 'loaded', items: page.items, unreadCount: page.unreadCount });
    }, reportFailure('loading notifications'));
    return () => {
      current = false;
    };
  }, [api, syncGeneration]);

  useLiveEvent((event) => {
    if (!isOwnEvent(event, viewer.role, ownActions)) {
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

  const value = useMemo(
    () => ({ items: state.items, unreadCount: state.unreadCount, markRead, markAllRead, ownActions }),
    [state, markRead, markAllRead, ownActions],
  );
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): NotificationsValue {
  const value = useContext(NotificationsContext);
  if (!value) throw new Error('useNotifications outside NotificationsProvider');
  return value;
}
