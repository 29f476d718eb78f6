import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';

import {
  ADA,
  assignedEvent,
  asUnknownEvent,
  BO,
  closedEvent,
  createdEvent,
  inventoryEvent,
  message,
  messageEvent,
  ORDER,
  readEvent,
  statusEvent,
  THREAD,
  uuid,
} from '../testing/fixtures.ts';
import { addMessageToCache, applyEventToCache, refetchAfterGap, setAssigneeInCache } from './liveCache.ts';
import { messageKeys, orderKeys, threadKeys } from './queryKeys.ts';
import type { Message, Order, Thread } from './schema.ts';

type Page<T> = { items: T[]; next_cursor: string | null };

const order = { order_id: ORDER, thread_id: THREAD, status: 'pending', status_history: [], updated_at: 'then' } as unknown as Order;
const thread = { thread_id: THREAD, order_id: ORDER, is_active: true, closed_at: null, assignee: null } as unknown as Thread;
const other = { ...thread, thread_id: uuid(77), order_id: uuid(78) };

function cacheWith() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(orderKeys.detail(ORDER), order);
  client.setQueryData(orderKeys.list(undefined), { pages: [{ items: [order], next_cursor: null }], pageParams: [null] });
  client.setQueryData(threadKeys.ofOrder(ORDER), { items: [thread], next_cursor: null });
  client.setQueryData(threadKeys.inbox(undefined), { pages: [{ items: [other, thread], next_cursor: null }], pageParams: [null] });
  client.setQueryData(threadKeys.inbox('nobody'), { pages: [{ items: [thread], next_cursor: null }], pageParams: [null] });
  client.setQueryData(threadKeys.inbox('me'), { pages: [{ items: [], next_cursor: null }], pageParams: [null] });
  client.setQueryData(messageKeys.history(THREAD), { pages: [{ items: [message(1)], next_cursor: null }], pageParams: [null] });
  return client;
}
const stale = (client: QueryClient, key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;
const history = (client: QueryClient) =>
  client.getQueryData<InfiniteData<Page<Message>>>(messageKeys.history(THREAD))!.pages.flatMap((p) => p.items.map((m) => m.message_id));

describe('live events in the query cache', () => {
  it('orders.updated patches the cached order (status and history, once) and marks the lists stale', () => {
    const client = cacheWith();
    applyEventToCache(client, statusEvent(7, 'paid', 'pending'));
    applyEventToCache(client, statusEvent(7, 'paid', 'pending'));
    const cached = client.getQueryData<Order>(orderKeys.detail(ORDER))!;
    expect(cached.status).toBe('paid');
    expect(cached.status_history.map((c) => c.event_id)).toEqual([7]);
    expect(stale(client, orderKeys.list(undefined))).toBe(true);
    expect(stale(client, threadKeys.inbox(undefined))).toBe(false);
  });

  it('orders.created marks every orders list stale', () => {
    const client = cacheWith();
    applyEventToCache(client, createdEvent(3));
    expect(stale(client, orderKeys.list(undefined))).toBe(true);
    expect(stale(client, orderKeys.detail(ORDER))).toBe(false);
  });

  it('messages.new appends to the thread’s history once, and marks the inbox lists stale (not the order’s thread)', () => {
    const client = cacheWith();
    applyEventToCache(client, messageEvent(2));
    applyEventToCache(client, messageEvent(2));
    expect(history(client)).toEqual([uuid(1), uuid(2)]);
    expect(stale(client, threadKeys.inbox(undefined))).toBe(true);
    expect(stale(client, threadKeys.inbox('me'))).toBe(true);
    expect(stale(client, threadKeys.ofOrder(ORDER))).toBe(false);
    addMessageToCache(client, message(2));
    expect(history(client)).toEqual([uuid(1), uuid(2)]);
  });

  it('a truncated message or one with a file refetches the history instead', () => {
    const client = cacheWith();
    applyEventToCache(client, messageEvent(3, { truncated: true }));
    expect(history(client)).toEqual([uuid(1)]);
    expect(stale(client, messageKeys.history(THREAD))).toBe(true);
  });

  it('threads.closed closes the cached thread; threads.read marks the inbox and the chat’s queries stale', () => {
    const client = cacheWith();
    applyEventToCache(client, closedEvent(4));
    expect(client.getQueryData<Page<Thread>>(threadKeys.ofOrder(ORDER))!.items[0]!.is_active).toBe(false);
    const other = cacheWith();
    applyEventToCache(other, readEvent(5, 'admin', uuid(1)));
    expect(stale(other, threadKeys.inbox(undefined))).toBe(true);
    expect(stale(other, messageKeys.history(THREAD))).toBe(true);
    expect(stale(other, orderKeys.detail(ORDER))).toBe(false);
  });

  it('threads.assigned shows the assignee on every cached copy of the thread, and refetches Mine and Unassigned', () => {
    const client = cacheWith();
    applyEventToCache(client, assignedEvent(10, BO, ADA));
    const inbox = client.getQueryData<InfiniteData<Page<Thread>>>(threadKeys.inbox(undefined))!;
    expect(inbox.pages[0]!.items.map((t) => t.assignee)).toEqual([null, { id: BO.id, display_name: 'Bo Diddley' }]);
    expect(client.getQueryData<Page<Thread>>(threadKeys.ofOrder(ORDER))!.items[0]!.assignee?.display_name).toBe('Bo Diddley');
    // Who is in the filtered lists is the server's to say; All keeps its order, unread.
    expect(stale(client, threadKeys.inbox('me'))).toBe(true);
    expect(stale(client, threadKeys.inbox('nobody'))).toBe(true);
    expect(stale(client, threadKeys.inbox(undefined))).toBe(false);
    expect(stale(client, threadKeys.ofOrder(ORDER))).toBe(false);

    applyEventToCache(client, assignedEvent(11, null, BO));
    expect(client.getQueryData<Page<Thread>>(threadKeys.ofOrder(ORDER))!.items[0]!.assignee).toBeNull();
  });

  it('an assignment that changes nothing leaves the cached data as it was', () => {
    const client = cacheWith();
    const before = client.getQueryData(threadKeys.inbox(undefined));
    setAssigneeInCache(client, THREAD, null);
    setAssigneeInCache(client, uuid(99), { id: BO.id, display_name: BO.display_name });
    expect(client.getQueryData(threadKeys.inbox(undefined))).toBe(before);
  });

  it('an event of a type this client does not know changes nothing', () => {
    const client = cacheWith();
    applyEventToCache(client, asUnknownEvent(inventoryEvent(9, { order_id: ORDER })));
    expect(client.getQueryCache().getAll().every((q) => !q.state.isInvalidated)).toBe(true);
  });

  it('a gap in the stream (reset, reconnect) marks every query stale', async () => {
    const client = cacheWith();
    await refetchAfterGap(client);
    expect(client.getQueryCache().getAll().every((q) => q.state.isInvalidated)).toBe(true);
  });
});
