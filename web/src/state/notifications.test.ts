import { describe, expect, it } from 'vitest';

import { toNotification, type AnyEvent, type Notification } from '../api/events.ts';
import {
  ADA,
  assignedEvent,
  asUnknownEvent,
  BO,
  closedEvent,
  CUSTOMER,
  createdEvent,
  inventoryEvent,
  messageEvent,
  ORDER,
  readEvent,
  statusEvent,
  THREAD,
  uuid,
} from '../testing/fixtures.ts';
import {
  BELL_SIZE,
  bellEntries,
  bellEntryLabel,
  emptyNotifications,
  hasUnreadMessagesOf,
  isOwnEvent,
  notifies,
  notificationDetail,
  notificationFromEvent,
  notificationLabel,
  notificationReference,
  notificationsReducer,
  notificationTarget,
  type BellViewer,
} from './notifications.ts';
import { createOwnActionLedger } from './ownActions.ts';

const customer: BellViewer = { id: CUSTOMER.id, role: 'user' };
const ada: BellViewer = { id: ADA.id, role: 'admin' };
const bo: BellViewer = { id: BO.id, role: 'admin' };

describe('labels and deep links', () => {
  const examples: Record<string, AnyEvent> = {
    'messages.new': messageEvent(1),
    'threads.read': readEvent(2, 'admin', uuid(1)),
    'orders.updated': statusEvent(3, 'shipped', 'paid'),
    'threads.closed': closedEvent(4),
    'orders.created': createdEvent(5),
    'threads.assigned': assignedEvent(6, BO),
    'inventory.updated': asUnknownEvent(inventoryEvent(6)),
  };

  it.each([
    ['messages.new', 'New Message', `/orders/${ORDER}/chat`],
    ['threads.read', 'Message Seen', `/orders/${ORDER}/chat`],
    ['orders.updated', 'Order Updated', `/orders/${ORDER}`],
    ['threads.closed', 'Thread Closed', `/orders/${ORDER}`],
    ['threads.assigned', 'Thread Assigned', `/orders/${ORDER}/chat`],
    ['orders.created', 'Order Created', `/orders/${ORDER}`],
    ['inventory.updated', 'Inventory Updated', `/orders/${ORDER}`],
  ])('%s reads "%s" and opens %s', (type, label, target) => {
    const event = examples[type]!;
    expect(event.resource_type).toBe(type);
    expect(notificationLabel(type)).toBe(label);
    expect(notificationTarget(event)).toBe(target);
  });

  it('has nowhere to go without an order', () => {
    const noOrder = asUnknownEvent(inventoryEvent(7, { meta: { sku: 'MUG-BLUE' } }));
    expect(notificationTarget(noOrder)).toBeNull();
    expect(notificationReference(noOrder)).toBe('');
    // An order_id that is not a string is no link either.
    expect(notificationTarget(asUnknownEvent(inventoryEvent(8, { order_id: 42 })))).toBeNull();
  });

  it('makes a readable label of any type', () => {
    expect(notificationLabel('inventory.low_stock')).toBe('Inventory Low Stock');
    expect(notificationLabel('refunds.issued-partially')).toBe('Refunds Issued Partially');
    expect(notificationLabel('...')).toBe('Notification');
  });

  it('describes a live event like a stored notification', () => {
    const n = notificationFromEvent(messageEvent(7, { message_content: 'Your parcel left' }));
    expect(n).toMatchObject({ id: 7, resource: 'messages', resource_type: 'messages.new', is_read: false });
    expect(notificationDetail(n, customer)).toBe('Ada Lovelace (Support): Your parcel left');
    expect(notificationReference(n)).toBe('Order 0b6f5c1e');
    expect(notificationDetail(notificationFromEvent(statusEvent(8, 'shipped', 'paid')), customer)).toBe('Status: paid → shipped');
    expect(notificationDetail(notificationFromEvent(messageEvent(9, { message_content: '', has_media: true })), customer)).toBe(
      'Ada Lovelace (Support): sent an attachment',
    );
  });
});

describe('which live events notify', () => {
  it("leaves out the viewer's own messages (by author, as the server does) and read markers", () => {
    const ledger = createOwnActionLedger();
    expect(isOwnEvent(messageEvent(1, { owner: 'user' }), customer, ledger)).toBe(true);
    expect(isOwnEvent(messageEvent(1, { owner: 'admin' }), customer, ledger)).toBe(false);
    expect(isOwnEvent(messageEvent(1, { owner: 'admin' }), ada, ledger)).toBe(true);
    // A colleague's reply or note is news to the other admins.
    expect(isOwnEvent(messageEvent(1, { owner: 'admin' }), bo, ledger)).toBe(false);
    expect(isOwnEvent(readEvent(2, 'admin', uuid(1)), ada, ledger)).toBe(true);
    expect(isOwnEvent(readEvent(2, 'admin', uuid(1)), customer, ledger)).toBe(false);
  });

  it('an assignment rings the new assignee’s bell only, unless they assigned themself', () => {
    const ledger = createOwnActionLedger();
    const toBo = assignedEvent(3, BO, ADA);
    expect(notifies(toBo, bo, ledger)).toBe(true);
    expect(notifies(toBo, ada, ledger)).toBe(false); // her own doing
    expect(notifies(assignedEvent(4, ADA, BO), bo, ledger)).toBe(false); // another's assignment
    expect(notifies(assignedEvent(5, BO, BO), bo, ledger)).toBe(false); // took it themself
    expect(notifies(assignedEvent(6, null, ADA), bo, ledger)).toBe(false); // unassigned: nobody's news
  });

  it('names an assignment by who did it, and opens the chat', () => {
    const n = notificationFromEvent(assignedEvent(7, BO, ADA));
    expect(notificationLabel(n.resource_type)).toBe('Thread Assigned');
    expect(notificationDetail(n, bo)).toBe('Ada Lovelace assigned you order 0b6f5c1e');
    expect(notificationDetail(n, ada)).toBe('Ada Lovelace assigned order 0b6f5c1e to Bo Diddley');
    expect(notificationDetail(notificationFromEvent(assignedEvent(8, null, BO)), ada)).toBe('Bo Diddley unassigned order 0b6f5c1e');
    expect(notificationTarget(n)).toBe(`/orders/${ORDER}/chat`);
    // One thread, one entry: the assignment on top of its messages.
    const entries = bellEntries([n, notificationFromEvent(messageEvent(6, { owner: 'user' }))]);
    expect(entries.map(bellEntryLabel)).toEqual(['Thread Assigned · 2 new']);
  });

  it('names a colleague’s note as one', () => {
    const note = notificationFromEvent(messageEvent(9, { visibility: 'internal', message_content: 'Refund approved' }));
    expect(notificationDetail(note, bo)).toBe('Note by Ada Lovelace: Refund approved');
    expect(notificationDetail(notificationFromEvent(messageEvent(10, { owner: 'user', message_content: 'Hi' })), bo)).toBe(
      'Grace Hopper: Hi',
    );
  });

  it("leaves out the echo of the admin's own status change and close, once", () => {
    const ledger = createOwnActionLedger();
    ledger.expectStatusChange(ORDER, 'shipped');
    ledger.expectThreadClose(ORDER);
    expect(isOwnEvent(statusEvent(3, 'paid', 'pending'), ada, ledger)).toBe(false); // another admin's change
    expect(isOwnEvent(statusEvent(4, 'shipped', 'paid'), ada, ledger)).toBe(true);
    expect(isOwnEvent(statusEvent(5, 'shipped', 'paid'), ada, ledger)).toBe(false);
    expect(isOwnEvent(closedEvent(6), ada, ledger)).toBe(true);
  });

  it('forgets a withdrawn or stale expectation', () => {
    let now = 0;
    const ledger = createOwnActionLedger(() => now);
    const withdraw = ledger.expectStatusChange(ORDER, 'shipped');
    withdraw();
    expect(ledger.claims(statusEvent(4, 'shipped', 'paid'))).toBe(false);
    ledger.expectThreadClose(ORDER);
    now = 61_000;
    expect(ledger.claims(closedEvent(6))).toBe(false);
  });
});

function stored(id: number, is_read = false): Notification {
  return { ...notificationFromEvent(messageEvent(id)), is_read };
}

describe('notificationsReducer', () => {
  it('prepends live notifications once and counts them unread', () => {
    let state = notificationsReducer(emptyNotifications, { type: 'loaded', items: [stored(2), stored(1, true)], unreadCount: 1 });
    state = notificationsReducer(state, { type: 'received', notification: stored(3) });
    state = notificationsReducer(state, { type: 'received', notification: stored(3) });
    expect(state.items.map((n) => n.id)).toEqual([3, 2, 1]);
    expect(state.unreadCount).toBe(2);
  });

  it('keeps live ones newer than a (re)loaded snapshot and drops the rest', () => {
    let state = notificationsReducer(emptyNotifications, { type: 'received', notification: stored(5) });
    state = notificationsReducer(state, { type: 'received', notification: stored(9) });
    state = notificationsReducer(state, { type: 'loaded', items: [stored(5), stored(4)], unreadCount: 7 });
    expect(state.items.map((n) => n.id)).toEqual([9, 5, 4]);
    expect(state.unreadCount).toBe(8);
  });

  it('marks one read, once, and all read', () => {
    let state = notificationsReducer(emptyNotifications, { type: 'loaded', items: [stored(2), stored(1)], unreadCount: 5 });
    state = notificationsReducer(state, { type: 'marked_read', id: 2 });
    state = notificationsReducer(state, { type: 'marked_read', id: 2 });
    expect(state.items.map((n) => n.is_read)).toEqual([true, false]);
    expect(state.unreadCount).toBe(4);
    state = notificationsReducer(state, { type: 'all_read' });
    expect(state.items.every((n) => n.is_read)).toBe(true);
    expect(state.unreadCount).toBe(0);
  });

  it(`keeps the newest ${BELL_SIZE}`, () => {
    let state = emptyNotifications;
    for (let id = 1; id <= BELL_SIZE + 5; id++) state = notificationsReducer(state, { type: 'received', notification: stored(id) });
    expect(state.items).toHaveLength(BELL_SIZE);
    expect(state.items[0]!.id).toBe(BELL_SIZE + 5);
    expect(state.unreadCount).toBe(BELL_SIZE + 5);
  });
});

describe('a notification of a type this client does not know', () => {
  const fromFeed = {
    ...inventoryEvent(30),
    is_read: false,
  };

  it('is kept from GET /notifications as a generic entry', () => {
    const n = toNotification(fromFeed);
    expect(n).not.toBeNull();
    expect(n).toMatchObject({ id: 30, resource_type: 'inventory.updated', created_at: '2026-11-25T10:09:00Z', is_read: false });
    expect(notificationLabel(n!.resource_type)).toBe('Inventory Updated');
    expect(notificationDetail(n!, customer)).toBe('');
    expect(notificationReference(n!)).toBe('Order 0b6f5c1e');
    expect(notificationTarget(n!)).toBe(`/orders/${ORDER}`);
  });

  it('is kept from the stream, and always notifies (it names no actor)', () => {
    const event = asUnknownEvent(inventoryEvent(31));
    const ledger = createOwnActionLedger();
    expect(isOwnEvent(event, customer, ledger)).toBe(false);
    expect(isOwnEvent(event, ada, ledger)).toBe(false);
    const n = notificationFromEvent(event);
    expect(n).toMatchObject({ id: 31, resource: 'inventory', resource_type: 'inventory.updated', is_read: false });
  });

  it('sits in the bell beside known ones: listed, counted, marked read', () => {
    let state = notificationsReducer(emptyNotifications, {
      type: 'loaded',
      items: [toNotification(fromFeed)!, stored(29)],
      unreadCount: 2,
    });
    state = notificationsReducer(state, { type: 'received', notification: notificationFromEvent(asUnknownEvent(inventoryEvent(32))) });
    expect(state.items.map((n) => [n.id, n.resource_type])).toEqual([
      [32, 'inventory.updated'],
      [30, 'inventory.updated'],
      [29, 'messages.new'],
    ]);
    expect(state.unreadCount).toBe(3);
    state = notificationsReducer(state, { type: 'marked_read', id: 30 });
    expect(state.items.find((n) => n.id === 30)!.is_read).toBe(true);
    expect(state.unreadCount).toBe(2);
  });

  it('is left out only when it lacks the envelope every event has', () => {
    expect(toNotification({ ...fromFeed, is_read: undefined })).toBeNull();
    expect(toNotification({ ...fromFeed, created_at: 'yesterday' })).toBeNull();
    expect(toNotification({ ...fromFeed, data: null })).toBeNull();
    expect(toNotification({ ...fromFeed, id: '30' })).toBeNull();
    expect(toNotification('inventory.updated')).toBeNull();
  });
});

describe('quiet notifications', () => {
  const OTHER_THREAD = '7a7a7a7a-0000-4000-8000-000000000000';
  const inThread = (id: number, thread: string, is_read = false, created_at = '2026-11-25T10:05:00Z'): Notification => {
    const event = messageEvent(id, { created_at });
    return { ...event, data: { ...event.data, thread_id: thread }, is_read };
  };

  it('read receipts never notify, live or loaded', () => {
    const ledger = createOwnActionLedger();
    expect(notifies(readEvent(2, 'admin', uuid(1)), customer, ledger)).toBe(false);
    expect(notifies(readEvent(2, 'user', uuid(1)), ada, ledger)).toBe(false);
    expect(notifies(messageEvent(3, { owner: 'admin' }), customer, ledger)).toBe(true);
    expect(notifies(messageEvent(3, { owner: 'user' }), customer, ledger)).toBe(false);
    expect(notifies(asUnknownEvent(inventoryEvent(4)), customer, ledger)).toBe(true);

    const receipt = notificationFromEvent(readEvent(5, 'admin', uuid(1)));
    let state = notificationsReducer(emptyNotifications, { type: 'received', notification: receipt });
    expect(state).toEqual(emptyNotifications);
    state = notificationsReducer(state, { type: 'loaded', items: [receipt, stored(4)], unreadCount: 1 });
    expect(state.items.map((n) => n.id)).toEqual([4]);
    expect(state.unreadCount).toBe(1);
  });

  it('reading a chat marks that thread\'s messages up to the one read, and nothing else', () => {
    const items = [
      inThread(5, THREAD, false, '2026-11-25T10:09:00Z'), // after the message read
      inThread(4, OTHER_THREAD),
      notificationFromEvent(statusEvent(3, 'shipped', 'paid')),
      inThread(2, THREAD, false, '2026-11-25T10:06:00.5Z'),
      inThread(1, THREAD, true, '2026-11-25T10:05:00Z'),
    ];
    let state = notificationsReducer(emptyNotifications, { type: 'loaded', items, unreadCount: 9 });
    expect(hasUnreadMessagesOf(state.items, THREAD)).toBe(true);
    state = notificationsReducer(state, { type: 'thread_read', threadId: THREAD, upTo: '2026-11-25T10:07:00.000001Z' });
    expect(state.items.map((n) => [n.id, n.is_read])).toEqual([
      [5, false],
      [4, false],
      [3, false],
      [2, true],
      [1, true],
    ]);
    expect(state.unreadCount).toBe(8);
    const again = notificationsReducer(state, { type: 'thread_read', threadId: THREAD, upTo: '2026-11-25T10:07:00Z' });
    expect(again).toBe(state);
    state = notificationsReducer(state, { type: 'thread_read', threadId: THREAD, upTo: '2026-11-25T10:09:00Z' });
    expect(hasUnreadMessagesOf(state.items, THREAD)).toBe(false);
    expect(hasUnreadMessagesOf(state.items, OTHER_THREAD)).toBe(true);
    expect(state.unreadCount).toBe(7);
  });

  it('collapses everything of a thread into one entry with a count, at the place of the newest', () => {
    const items = [
      inThread(9, THREAD),
      inThread(8, OTHER_THREAD),
      notificationFromEvent(statusEvent(7, 'shipped', 'paid')),
      inThread(6, THREAD),
      inThread(5, OTHER_THREAD, true),
      notificationFromEvent(closedEvent(4)),
    ];
    const entries = bellEntries(items);
    expect(entries.map((e) => [e.newest.id, e.notifications.map((n) => n.id), e.unread])).toEqual([
      [9, [9, 7, 6, 4], 4],
      [8, [8, 5], 1],
    ]);
    expect(entries.map(bellEntryLabel)).toEqual(['New Message · 4 new', 'New Message']);
    expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);

    const three = bellEntries([inThread(3, THREAD), inThread(2, THREAD), inThread(1, THREAD)]);
    expect(three).toHaveLength(1);
    expect(bellEntryLabel(three[0]!)).toBe('3 new messages');
    expect(bellEntryLabel(bellEntries([inThread(2, THREAD), inThread(1, THREAD, true)])[0]!)).toBe('New Message');
    expect(bellEntryLabel(bellEntries([inThread(2, THREAD, true), inThread(1, THREAD, true)])[0]!)).toBe('2 messages');
    const read = (n: ReturnType<typeof notificationFromEvent>) => ({ ...n, is_read: true });
    const orderOnly = bellEntries([read(notificationFromEvent(statusEvent(2, 'shipped', 'paid'))), read(notificationFromEvent(statusEvent(1, 'paid', 'pending')))]);
    expect(orderOnly.map(bellEntryLabel)).toEqual(['Order Updated · 2 updates']);
    expect(bellEntryLabel(bellEntries([notificationFromEvent(statusEvent(1, 'paid', 'pending'))])[0]!)).toBe('Order Updated');
    expect(bellEntries([])).toEqual([]);
  });

});
