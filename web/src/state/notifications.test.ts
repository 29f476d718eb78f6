import { describe, expect, it } from 'vitest';

import type { Notification } from '../api/schema.ts';
import { closedEvent, messageEvent, ORDER, readEvent, statusEvent, uuid } from '../testing/fixtures.ts';
import {
  BELL_SIZE,
  emptyNotifications,
  isOwnEvent,
  notificationDetail,
  notificationFromEvent,
  notificationLabel,
  notificationReference,
  notificationsReducer,
  notificationTarget,
} from './notifications.ts';
import { createOwnActionLedger } from './ownActions.ts';

describe('labels and deep links', () => {
  it.each([
    ['messages.new', 'New Message', `/orders/${ORDER}/chat`],
    ['threads.read', 'Message Seen', `/orders/${ORDER}/chat`],
    ['orders.updated', 'Order Updated', `/orders/${ORDER}`],
    ['threads.closed', 'Thread Closed', `/orders/${ORDER}`],
    ['orders.created', 'Order Created', `/orders/${ORDER}`],
    ['inventory.updated', 'Inventory Updated', `/orders/${ORDER}`],
  ])('%s reads "%s" and opens %s', (type, label, target) => {
    expect(notificationLabel(type)).toBe(label);
    expect(notificationTarget({ resource_type: type, data: { order_id: ORDER, meta: {} } })).toBe(target);
  });

  it('has nowhere to go without an order', () => {
    expect(notificationTarget({ resource_type: 'inventory.updated', data: { meta: {} } })).toBeNull();
  });

  it('describes a live event like a stored notification', () => {
    const n = notificationFromEvent(messageEvent(7, { message_content: 'Your parcel left' }));
    expect(n).toMatchObject({ id: 7, resource: 'messages', resource_type: 'messages.new', is_read: false });
    expect(notificationDetail(n)).toBe('Support: Your parcel left');
    expect(notificationReference(n)).toBe('Order 0b6f5c1e');
    expect(notificationDetail(notificationFromEvent(statusEvent(8, 'shipped', 'paid')))).toBe('Status: paid → shipped');
    expect(notificationDetail(notificationFromEvent(messageEvent(9, { message_content: '', has_media: true })))).toBe(
      'Support: sent an attachment',
    );
  });
});

describe('which live events notify', () => {
  it("leaves out the viewer's own messages and read markers", () => {
    const ledger = createOwnActionLedger();
    expect(isOwnEvent(messageEvent(1, { owner: 'user' }), 'user', ledger)).toBe(true);
    expect(isOwnEvent(messageEvent(1, { owner: 'admin' }), 'user', ledger)).toBe(false);
    expect(isOwnEvent(readEvent(2, 'admin', uuid(1)), 'admin', ledger)).toBe(true);
    expect(isOwnEvent(readEvent(2, 'admin', uuid(1)), 'user', ledger)).toBe(false);
  });

  it("leaves out the echo of the admin's own status change and close, once", () => {
    const ledger = createOwnActionLedger();
    ledger.expectStatusChange(ORDER, 'shipped');
    ledger.expectThreadClose(ORDER);
    expect(isOwnEvent(statusEvent(3, 'paid', 'pending'), 'admin', ledger)).toBe(false); // another admin's change
    expect(isOwnEvent(statusEvent(4, 'shipped', 'paid'), 'admin', ledger)).toBe(true);
    expect(isOwnEvent(statusEvent(5, 'shipped', 'paid'), 'admin', ledger)).toBe(false);
    expect(isOwnEvent(closedEvent(6), 'admin', ledger)).toBe(true);
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
