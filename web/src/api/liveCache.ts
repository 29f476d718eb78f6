// How live events change the query cache: each known event either patches the
// cached data it describes (setQueryData) or marks the queries it affects
// stale (invalidateQueries: those on screen refetch at once, the others when
// next shown). A gap in the stream (a reset, a reconnect) refetches everything
// on screen. Pure of React, so unit-tested with a bare QueryClient.
import type { InfiniteData, QueryClient } from '@tanstack/react-query';

import { isKnownEvent, messageOfEvent, type AnyEvent } from './events.ts';
import { messageKeys, notificationKeys, orderKeys, threadKeys } from './queryKeys.ts';
import type { Assignee, EventOf, Message, Order, Page, Thread } from './schema.ts';

/**
 * The stream missed something, or may have (a `stream.reset`, a reconnect
 * after an outage): every query is marked stale, and the active ones (what is
 * on screen, failed ones included) refetch now.
 */
export function refetchAfterGap(client: QueryClient): Promise<void> {
  return client.invalidateQueries();
}

export function applyEventToCache(client: QueryClient, event: AnyEvent): void {
  // A type this client does not know changes nothing it caches.
  if (!isKnownEvent(event)) return;
  switch (event.resource_type) {
    case 'orders.created':
      void client.invalidateQueries({ queryKey: orderKeys.lists() });
      return;
    case 'orders.updated':
      client.setQueryData<Order>(orderKeys.detail(event.data.order_id), (order) => order && withStatusChange(order, event));
      void client.invalidateQueries({ queryKey: orderKeys.lists() });
      return;
    case 'messages.new': {
      const { meta } = event.data;
      const key = messageKeys.history(event.data.thread_id);
      // The event carries at most ~2 KB of text and no attachment details: read the page again.
      if (meta.truncated || meta.has_media) void client.invalidateQueries({ queryKey: key });
      else client.setQueryData<InfiniteData<Page<Message>>>(key, (data) => data && withMessage(data, messageOfEvent(event)));
      void client.invalidateQueries(threadKeys.inboxes());
      return;
    }
    case 'threads.closed': {
      const { closed_at: closedAt } = event.data.meta;
      client.setQueryData<Page<Thread>>(threadKeys.ofOrder(event.data.order_id), (page) =>
        page && { ...page, items: page.items.map((t) => ({ ...t, is_active: false, closed_at: t.closed_at ?? closedAt })) },
      );
      void client.invalidateQueries(threadKeys.inboxes());
      return;
    }
    case 'threads.read':
      // Unread counts and "seen" ticks: the open chat applies the event itself,
      // so its queries are only marked stale (read again when next shown).
      void client.invalidateQueries(threadKeys.inboxes());
      void client.invalidateQueries({ queryKey: threadKeys.ofOrder(event.data.order_id), refetchType: 'none' });
      void client.invalidateQueries({ queryKey: messageKeys.history(event.data.thread_id), refetchType: 'none' });
      return;
    case 'threads.assigned':
      // Every admin's stream carries it (openapi.yaml: ThreadAssignedEvent): the inbox row and
      // the chat header show the new assignee; "Mine" and "Unassigned" gain or lose the thread.
      setAssigneeInCache(client, event.data.thread_id, event.data.meta.assignee);
      void client.invalidateQueries(threadKeys.inboxes('filtered'));
      return;
  }
}

/** Sets a thread's assignee wherever it is cached: its order's thread and every inbox list. */
export function setAssigneeInCache(client: QueryClient, threadId: string, assignee: Assignee): void {
  const patch = (thread: Thread): Thread =>
    thread.thread_id === threadId && thread.assignee?.id !== assignee?.id ? { ...thread, assignee } : thread;
  const patchPage = (page: Page<Thread>): Page<Thread> =>
    page.items.some((t) => patch(t) !== t) ? { ...page, items: page.items.map(patch) } : page;
  // An order's thread is one page (useQuery); an inbox list is an infinite query.
  client.setQueriesData<Page<Thread> | InfiniteData<Page<Thread>>>({ queryKey: threadKeys.all() }, (data) => {
    if (!data || !('pages' in data)) return data && patchPage(data);
    const pages = data.pages.map(patchPage);
    return pages.some((page, i) => page !== data.pages[i]) ? { ...data, pages } : data;
  });
}

/** Puts a message the server confirmed (a send's answer) into its thread's cached history. */
export function addMessageToCache(client: QueryClient, message: Message): void {
  client.setQueryData<InfiniteData<Page<Message>>>(messageKeys.history(message.thread_id), (data) => data && withMessage(data, message));
}

/** Invalidates the bell's list (after marking read elsewhere, say). */
export function invalidateNotifications(client: QueryClient): Promise<void> {
  return client.invalidateQueries({ queryKey: notificationKeys.all() });
}

function withStatusChange(order: Order, event: EventOf<'orders.updated'>): Order {
  const { status, previous_status: previous } = event.data.meta;
  const history = Array.isArray(order.status_history) ? order.status_history : [];
  const known = history.some((change) => change.event_id === event.id);
  return {
    ...order,
    status,
    updated_at: event.created_at,
    status_history: known
      ? history
      : [...history, { status, previous_status: previous, changed_at: event.created_at, event_id: event.id }],
  };
}


/** Appends `message` to the last page unless a page has it already. */
function withMessage(data: InfiniteData<Page<Message>>, message: Message): InfiniteData<Page<Message>> {
  if (data.pages.some((page) => page.items.some((m) => m.message_id === message.message_id))) return data;
  const last = data.pages.at(-1);
  // Pages after the last one loaded will bring it (the walk is under way).
  if (!last || last.next_cursor !== null) return data;
  return { ...data, pages: [...data.pages.slice(0, -1), { ...last, items: [...last.items, message] }] };
}
