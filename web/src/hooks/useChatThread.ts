// One order's chat: the pure timeline reducer (state/chatTimeline.ts) seeded
// from the query cache (the thread, the message history, the order's status
// history) and fed by the live stream; sending (optimistic, retried with the
// same message_id), what was not sent kept per order (state/chatDrafts.ts),
// read markers and closing.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'react';

import { describeError, expectOk, isTransient, problemType, retryAfterMs } from '../api/errors.ts';
import { isKnownEvent } from '../api/events.ts';
import { addMessageToCache } from '../api/liveCache.ts';
import { newMessageId, postMessage, useMessageHistory } from '../api/messages.ts';
import { threadKeys } from '../api/queryKeys.ts';
import type { Message, MessageVisibility, Order, Person, Thread } from '../api/schema.ts';
import { useThreadOfOrder } from '../api/threads.ts';
import { useLiveEvent } from '../app/liveEvents.tsx';
import { useNotifications } from '../app/notifications.tsx';
import { useApi, useSession } from '../app/session.tsx';
import { viewerAsPerson } from '../lib/people.ts';
import { forgetUnsent, keepUnsent, loadUnsent, unsentAsMessage } from '../state/chatDrafts.ts';
import {
  chatReducer,
  initialChatState,
  isVisibleTo,
  newestFromOtherSide,
  unreadCount,
  type ChatAction,
  type ChatState,
} from '../state/chatTimeline.ts';
import { hasUnreadMessagesOf } from '../state/notifications.ts';

export interface ChatThread {
  state: ChatState;
  /** The thread as the server last described it (its customer, its assignee), once loaded. */
  thread: Thread | null | undefined;
  loaded: boolean;
  /** Why the chat could not be loaded (after the automatic retries), or null. */
  loadError: string | null;
  /** Loading failed for now and is being retried. */
  retrying: boolean;
  /** Loads the chat again (after loadError). */
  reload: () => void;
  /** `internal` posts a note (admins only). */
  send: (text: string, attachment?: File, visibility?: MessageVisibility) => void;
  retry: (messageId: string) => void;
  /** Gives up on a message that was not sent. */
  discard: (messageId: string) => void;
  /** Moves the viewer's read marker to the newest message from the other side. */
  markRead: () => void;
  /** Admins only. Rejects with the reason when it fails. */
  closeThread: () => Promise<void>;
}

const warn = (what: string) => (err: unknown) => console.warn(`orderchat: ${what}`, err);

/** How often a send that got 429/503 with Retry-After is retried by itself. */
const AUTO_RETRIES = 3;
/** The note of a message restored from storage whose send never finished. */
const INTERRUPTED = 'The page was left before the server answered.';

/** The chat as this tab left it: messages that were not sent come back as "Not sent". */
function restoredState(orderId: string, threadId: string, author: Person): ChatState {
  const actions: ChatAction[] = loadUnsent(orderId)
    .filter((unsent) => unsent.thread_id === threadId)
    .flatMap((unsent) => [
      { type: 'send_started', message: unsentAsMessage(unsent, author) },
      { type: 'send_failed', messageId: unsent.message_id, error: unsent.error, ...(unsent.permanent ? { permanent: true } : {}) },
    ]);
  return actions.reduce(chatReducer, initialChatState(threadId, author.role, author.id));
}

/** `onIncoming` runs when a message from the other side arrives live. */
export function useChatThread(order: Order, onIncoming: () => void): ChatThread {
  const api = useApi();
  const queryClient = useQueryClient();
  const { viewer } = useSession();
  const author = useMemo(() => viewerAsPerson(viewer), [viewer]);
  const { ownActions, items: bellItems, threadRead } = useNotifications();
  const threadId = order.thread_id;
  const orderId = order.order_id;
  const [state, dispatch] = useReducer(chatReducer, undefined, () => restoredState(orderId, threadId, author));
  const stateRef = useRef(state);
  useLayoutEffect(() => {
    stateRef.current = state;
  }, [state]);
  const readRequested = useRef<string | null>(null);
  const autoRetries = useRef(new Map<string, number>());
  const timers = useRef(new Set<number>());
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => window.clearTimeout(timer));
  }, []);

  const thread = useThreadOfOrder(orderId);
  const history = useMessageHistory(threadId);

  useEffect(() => {
    if (thread.data) dispatch({ type: 'thread_loaded', thread: thread.data });
  }, [thread.data]);

  const { messages, droppedOlder, complete } = history;
  useEffect(() => {
    if (messages && complete) dispatch({ type: 'history_loaded', messages, droppedOlder });
  }, [messages, droppedOlder, complete]);

  // The order's status changes so far: the status lines a reload would otherwise lose.
  const statusHistory = order.status_history;
  useEffect(() => {
    dispatch({ type: 'status_history_loaded', history: statusHistory });
  }, [statusHistory]);

  useLiveEvent((event) => {
    // The chat shows the spec's types only; one this client does not know is ignored here.
    // (The query cache follows the same events: liveCache.ts.)
    if (!isKnownEvent(event) || event.data.thread_id !== threadId) return;
    if (event.resource_type !== 'messages.new') {
      dispatch({ type: 'event_received', event });
      return;
    }
    const { meta } = event.data;
    const isNew = !stateRef.current.messages.some((m) => m.message.message_id === meta.message_id);
    dispatch({ type: 'event_received', event });
    if (isNew && meta.owner !== viewer.role && isVisibleTo(viewer.role, meta.visibility)) onIncoming();
  });

  // The latest retry, for the timers deliver sets (retry itself is built on deliver).
  const retryRef = useRef<(messageId: string) => void>(() => undefined);
  const deliver = useCallback(
    async (message: Message, attachment?: File) => {
      const { message_id: messageId, message_content: text, visibility } = message;
      const note = visibility === 'internal' ? { visibility } : {};
      const kept = {
        message_id: messageId,
        thread_id: threadId,
        message_content: text,
        created_at: message.created_at,
        ...note,
      };
      // Kept until the server answers, so that leaving the page loses nothing
      // (a message with a file is not: the file cannot be stored).
      if (!attachment) keepUnsent(orderId, { ...kept, error: INTERRUPTED });
      try {
        const stored = await postMessage(api, { thread_id: threadId, message_content: text, message_id: messageId, ...note }, attachment);
        forgetUnsent(orderId, messageId);
        addMessageToCache(queryClient, stored);
        autoRetries.current.delete(messageId);
        dispatch({ type: 'send_succeeded', message: stored });
      } catch (err) {
        const permanent = !isTransient(err);
        const error = describeError(err);
        if (!attachment) keepUnsent(orderId, { ...kept, error, ...(permanent ? { permanent: true } : {}) });
        dispatch({ type: 'send_failed', messageId, error, ...(permanent ? { permanent: true } : {}) });
        // Closed meanwhile: read the thread again so that the composer locks.
        if (problemType(err) === 'urn:orderchat:problem:thread-closed') {
          void queryClient.invalidateQueries({ queryKey: threadKeys.ofOrder(orderId) });
        }
        // The server said when to come back (429, 503): do so, a few times.
        const wait = retryAfterMs(err);
        const tries = autoRetries.current.get(messageId) ?? 0;
        if (!permanent && wait !== undefined && tries < AUTO_RETRIES) {
          autoRetries.current.set(messageId, tries + 1);
          const timer = window.setTimeout(() => {
            timers.current.delete(timer);
            retryRef.current(messageId);
          }, wait);
          timers.current.add(timer);
        }
      }
    },
    [api, queryClient, threadId, orderId],
  );

  const send = useCallback(
    (text: string, attachment?: File, visibility: MessageVisibility = 'public') => {
      const now = new Date().toISOString();
      const draft: Message = {
        message_id: newMessageId(),
        thread_id: threadId,
        message_content: text,
        owner: author.role,
        author,
        visibility,
        created_at: now,
        updated_at: now,
        media: null,
        seen: false,
      };
      dispatch({ type: 'send_started', message: draft, ...(attachment ? { attachment } : {}) });
      void deliver(draft, attachment);
    },
    [deliver, threadId, author],
  );

  const retry = useCallback(
    (messageId: string) => {
      const entry = stateRef.current.messages.find((m) => m.message.message_id === messageId);
      if (entry?.delivery !== 'failed' || entry.permanent) return;
      dispatch({ type: 'retry_started', messageId });
      // The same message_id: if an earlier attempt did reach the server, this returns it.
      void deliver(entry.message, entry.attachment);
    },
    [deliver],
  );
  useLayoutEffect(() => {
    retryRef.current = retry;
  }, [retry]);

  const discard = useCallback(
    (messageId: string) => {
      forgetUnsent(orderId, messageId);
      dispatch({ type: 'send_discarded', messageId });
    },
    [orderId],
  );

  // The bell's entries are the viewer's own: read them even when the side's
  // marker is already there (a colleague, or another tab, read the chat first).
  const bellUnread = hasUnreadMessagesOf(bellItems, threadId);
  const markRead = useCallback(() => {
    const current = stateRef.current;
    const newest = newestFromOtherSide(current);
    if (!newest) return;
    if (readRequested.current === newest.message_id) {
      // Already asked; a bell snapshot older than that answer may still show them unread.
      if (bellUnread) threadRead(threadId, newest.created_at);
      return;
    }
    if (unreadCount(current) === 0 && !bellUnread) return;
    readRequested.current = newest.message_id;
    dispatch({ type: 'own_read_marked', messageId: newest.message_id });
    // The server marks the viewer's notifications of these messages read with the marker.
    threadRead(threadId, newest.created_at);
    expectOk(
      api.POST('/threads/{thread_id}/read', {
        params: { path: { thread_id: threadId } },
        body: { message_id: newest.message_id },
      }),
    ).catch(warn('marking the thread read'));
  }, [api, threadId, bellUnread, threadRead]);

  const closeThread = useCallback(async () => {
    const withdraw = ownActions.expectThreadClose(order.order_id);
    try {
      const closed = await expectOk(
        api.PATCH('/threads/{thread_id}', { params: { path: { thread_id: threadId } }, body: { is_active: false } }),
      );
      dispatch({ type: 'thread_loaded', thread: closed });
      void queryClient.invalidateQueries({ queryKey: threadKeys.ofOrder(orderId) });
    } catch (err) {
      withdraw();
      throw err;
    }
  }, [api, ownActions, order.order_id, orderId, queryClient, threadId]);

  const failed = thread.error ?? history.error;
  const reloadThread = thread.refetch;
  const reloadHistory = history.refetch;
  const reload = useCallback(() => {
    void reloadThread();
    reloadHistory();
  }, [reloadThread, reloadHistory]);

  return {
    state,
    thread: thread.data,
    loaded: thread.data !== undefined && complete,
    loadError: failed ? describeError(failed) : null,
    retrying: !failed && Boolean(thread.failureReason ?? history.failureReason),
    reload,
    send,
    retry,
    discard,
    markRead,
    closeThread,
  };
}
