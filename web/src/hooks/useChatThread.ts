// One order's chat, wired to the API and the live stream: loading, sending
// (optimistic, retried with the same message_id), read markers and closing.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';

import { describeError, expectOk, problemType } from '../api/errors.ts';
import { isKnownEvent } from '../api/events.ts';
import { newMessageId, postMessage, walkMessages } from '../api/messages.ts';
import type { Message, Order } from '../api/schema.ts';
import { useLiveEvent, useSyncGeneration } from '../app/liveEvents.tsx';
import { useNotifications } from '../app/notifications.tsx';
import { useApi, useSession } from '../app/session.tsx';
import { chatReducer, initialChatState, unreadCount, newestFromOtherSide, type ChatState } from '../state/chatTimeline.ts';

export interface ChatThread {
  state: ChatState;
  loaded: boolean;
  loadError: string | null;
  send: (text: string, attachment?: File) => void;
  retry: (messageId: string) => void;
  /** Moves the viewer's read marker to the newest message from the other side. */
  markRead: () => void;
  /** Admins only. Rejects with the reason when it fails. */
  closeThread: () => Promise<void>;
}

const warn = (what: string) => (err: unknown) => console.warn(`orderchat: ${what}`, err);

/** `onIncoming` runs when a message from the other side arrives live. */
export function useChatThread(order: Order, onIncoming: () => void): ChatThread {
  const api = useApi();
  const { viewer } = useSession();
  const { ownActions } = useNotifications();
  const syncGeneration = useSyncGeneration();
  const threadId = order.thread_id;
  const [state, dispatch] = useReducer(chatReducer, undefined, () => initialChatState(threadId, viewer.role));
  const [loaded, setLoaded] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const resumeCursor = useRef<string | undefined>(undefined);
  const readRequested = useRef<string | null>(null);

  const refreshThread = useCallback(async () => {
    // SRS 13.2: the thread is looked up by its order.
    const page = await expectOk(api.GET('/threads', { params: { query: { order_id: order.order_id } } }));
    if (page.items[0]) dispatch({ type: 'thread_loaded', thread: page.items[0] });
  }, [api, order.order_id]);

  const refreshMessages = useCallback(async () => {
    const walk = await walkMessages(api, threadId, resumeCursor.current);
    resumeCursor.current = walk.resumeCursor;
    dispatch({ type: 'history_loaded', messages: walk.messages, droppedOlder: walk.droppedOlder });
  }, [api, threadId]);

  useEffect(() => {
    if (syncGeneration === 0) return;
    Promise.all([refreshThread(), refreshMessages()]).then(
      () => {
        setLoaded(true);
        setLoadError(null);
      },
      (err: unknown) => setLoadError(describeError(err)),
    );
  }, [syncGeneration, refreshThread, refreshMessages]);

  useLiveEvent((event) => {
    // The chat shows the spec's types only; one this client does not know is ignored here.
    if (!isKnownEvent(event) || event.data.thread_id !== threadId) return;
    if (event.resource_type !== 'messages.new') {
      dispatch({ type: 'event_received', event });
      return;
    }
    const { meta } = event.data;
    const isNew = !stateRef.current.messages.some((m) => m.message.message_id === meta.message_id);
    dispatch({ type: 'event_received', event });
    // The event carries at most ~2 KB of text and no attachment details.
    if (meta.truncated || meta.has_media) refreshMessages().catch(warn('refreshing messages'));
    if (isNew && meta.owner !== viewer.role) onIncoming();
  });

  const deliver = useCallback(
    async (messageId: string, text: string, attachment?: File) => {
      try {
        const stored = await postMessage(api, { thread_id: threadId, message_content: text, message_id: messageId }, attachment);
        dispatch({ type: 'send_succeeded', message: stored });
      } catch (err) {
        dispatch({ type: 'send_failed', messageId, error: describeError(err) });
        // Closed meanwhile: reload the thread so that the composer locks.
        if (problemType(err) === 'urn:orderchat:problem:thread-closed') refreshThread().catch(warn('refreshing the thread'));
      }
    },
    [api, threadId, refreshThread],
  );

  const send = useCallback(
    (text: string, attachment?: File) => {
      const now = new Date().toISOString();
      const draft: Message = {
        message_id: newMessageId(),
        thread_id: threadId,
        message_content: text,
        owner: viewer.role,
        created_at: now,
        updated_at: now,
        media: null,
        seen: false,
      };
      dispatch({ type: 'send_started', message: draft, ...(attachment ? { attachment } : {}) });
      void deliver(draft.message_id, text, attachment);
    },
    [deliver, threadId, viewer.role],
  );

  const retry = useCallback(
    (messageId: string) => {
      const entry = stateRef.current.messages.find((m) => m.message.message_id === messageId);
      if (entry?.delivery !== 'failed') return;
      dispatch({ type: 'retry_started', messageId });
      // The same message_id: if the first attempt did reach the server, this returns it.
      void deliver(messageId, entry.message.message_content, entry.attachment);
    },
    [deliver],
  );

  const markRead = useCallback(() => {
    const current = stateRef.current;
    const newest = newestFromOtherSide(current);
    if (!newest || unreadCount(current) === 0 || readRequested.current === newest.message_id) return;
    readRequested.current = newest.message_id;
    dispatch({ type: 'own_read_marked', messageId: newest.message_id });
    expectOk(
      api.POST('/threads/{thread_id}/read', {
        params: { path: { thread_id: threadId } },
        body: { message_id: newest.message_id },
      }),
    ).catch(warn('marking the thread read'));
  }, [api, threadId]);

  const closeThread = useCallback(async () => {
    const withdraw = ownActions.expectThreadClose(order.order_id);
    try {
      const thread = await expectOk(
        api.PATCH('/threads/{thread_id}', { params: { path: { thread_id: threadId } }, body: { is_active: false } }),
      );
      dispatch({ type: 'thread_loaded', thread });
    } catch (err) {
      withdraw();
      throw err;
    }
  }, [api, ownActions, order.order_id, threadId]);

  return { state, loaded, loadError, send, retry, markRead, closeThread };
}
