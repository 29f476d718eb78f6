// The bell: what a notification is called, where clicking it leads, which
// live events become one, and the list's state. A notification of a type this
// client does not know is a generic entry: a label made from its type, its
// time, and a link to its order when it names one.
import { isKnownEvent, isKnownEventType, type AnyEvent, type Notification } from '../api/events.ts';
import type { KnownEventType } from '../api/schema.ts';
import type { Viewer } from '../auth/token.ts';
import { shortId } from '../lib/format.ts';
import { messageSummary } from '../lib/people.ts';
import type { OwnActionLedger } from './ownActions.ts';

/** Who is looking at the bell. */
export type BellViewer = Pick<Viewer, 'id' | 'role'>;

const LABELS: Record<KnownEventType, string> = {
  'messages.new': 'New Message',
  'orders.created': 'Order Created',
  'orders.updated': 'Order Updated',
  'threads.closed': 'Thread Closed',
  'threads.read': 'Message Seen',
  'threads.assigned': 'Thread Assigned',
};

/** "New Message" for messages.new; a type this client does not know reads "Inventory Updated". */
export function notificationLabel(resourceType: string): string {
  if (isKnownEventType(resourceType)) return LABELS[resourceType];
  const words = resourceType
    .split(/[._\-\s]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return words.length > 0 ? words.join(' ') : 'Notification';
}

const OPENS_CHAT = new Set<string>(['messages.new', 'threads.read', 'threads.assigned'] satisfies KnownEventType[]);

/** The page a notification opens: the chat for message activity and assignments, else the order; null without an order. */
export function notificationTarget(n: AnyEvent): string | null {
  const orderId = n.data.order_id;
  if (!orderId) return null;
  const order = `/orders/${encodeURIComponent(orderId)}`;
  return OPENS_CHAT.has(n.resource_type) ? `${order}/chat` : order;
}

/** One line under the label: what happened, in words (nothing for a type this client does not know). */
export function notificationDetail(n: AnyEvent, viewer: BellViewer): string {
  if (!isKnownEvent(n)) return '';
  switch (n.resource_type) {
    case 'messages.new':
      return messageSummary(n.data.meta, viewer);
    case 'threads.assigned': {
      const { assignee, assigned_by: by } = n.data.meta;
      const order = `order ${shortId(n.data.order_id)}`;
      if (!assignee) return `${by.display_name} unassigned ${order}`;
      if (assignee.id === viewer.id) return `${by.display_name} assigned you ${order}`;
      return `${by.display_name} assigned ${order} to ${assignee.display_name}`;
    }
    case 'orders.updated':
      return `Status: ${n.data.meta.previous_status} → ${n.data.meta.status}`;
    case 'orders.created':
      return 'A new order was placed';
    case 'threads.closed':
      return 'The chat was closed';
    case 'threads.read':
      return n.data.meta.reader === 'admin' ? 'Support read your messages' : 'The customer read your messages';
  }
}

/** "Order 0b6f5c1e" */
export function notificationReference(n: AnyEvent): string {
  return n.data.order_id ? `Order ${shortId(n.data.order_id)}` : '';
}

/**
 * Whether an event is news at all: read receipts (threads.read) update the
 * chat's "seen" ticks but never make a bell entry, as the server leaves them out
 * of GET /notifications.
 */
export function isBellEvent(event: AnyEvent): boolean {
  return event.resource_type !== 'threads.read';
}

/**
 * Whether a live event becomes a bell entry for this viewer: news, meant for them, and not
 * their own doing. Every admin's stream carries every assignment, but it is news to its new
 * assignee only (openapi.yaml: ThreadAssignedEvent), as GET /notifications lists it.
 */
export function notifies(event: AnyEvent, viewer: BellViewer, ledger: OwnActionLedger): boolean {
  if (!isBellEvent(event)) return false;
  if (isKnownEvent(event) && event.resource_type === 'threads.assigned' && event.data.meta.assignee?.id !== viewer.id) {
    return false;
  }
  return !isOwnEvent(event, viewer, ledger);
}

export function notificationFromEvent(event: AnyEvent): Notification {
  return { ...event, is_read: false };
}

/**
 * Whether the viewer caused `event` (the server leaves those out of
 * GET /notifications). Messages and assignments name their author; read markers
 * their side; order creation is always the customer's; status changes and
 * closes are matched against the ledger of what this tab did. A type this
 * client does not know names no actor: it notifies.
 */
export function isOwnEvent(event: AnyEvent, viewer: BellViewer, ledger: OwnActionLedger): boolean {
  if (!isKnownEvent(event)) return false;
  switch (event.resource_type) {
    case 'messages.new':
      return event.data.meta.author.id === viewer.id;
    case 'threads.assigned':
      return event.data.meta.assigned_by.id === viewer.id;
    case 'threads.read':
      return event.data.meta.reader === viewer.role;
    case 'orders.created':
      return viewer.role === 'user';
    case 'orders.updated':
    case 'threads.closed':
      return ledger.claims(event);
  }
}

/** How many notifications the bell keeps. */
export const BELL_SIZE = 20;

export interface NotificationsState {
  items: Notification[]; // newest first
  unreadCount: number;
}

export type NotificationsAction =
  | { type: 'loaded'; items: Notification[]; unreadCount: number }
  | { type: 'received'; notification: Notification }
  | { type: 'marked_read'; id: number }
  /**
   * The viewer read a chat up to a message: the server marked their notifications
   * of that thread's messages up to it read (POST /threads/{id}/read); so does the bell.
   */
  | { type: 'thread_read'; threadId: string; upTo: string }
  | { type: 'all_read' };

/** A new message of `threadId` sent at or before `upTo` (an ISO time). */
function isMessageOfThreadUpTo(n: Notification, threadId: string, upTo: string): boolean {
  if (!isKnownEvent(n) || n.resource_type !== 'messages.new' || n.data.thread_id !== threadId) return false;
  return Date.parse(n.data.meta.created_at) <= Date.parse(upTo);
}

export const emptyNotifications: NotificationsState = { items: [], unreadCount: 0 };

export function notificationsReducer(state: NotificationsState, action: NotificationsAction): NotificationsState {
  switch (action.type) {
    case 'loaded': {
      // Live ones newer than the snapshot are not in it: keep them on top.
      const newest = action.items[0]?.id ?? 0;
      const newer = state.items.filter((n) => n.id > newest);
      return {
        items: [...newer, ...action.items.filter(isBellEvent)].slice(0, BELL_SIZE),
        unreadCount: action.unreadCount + newer.filter((n) => !n.is_read).length,
      };
    }
    case 'received':
      if (!isBellEvent(action.notification) || state.items.some((n) => n.id === action.notification.id)) return state;
      return {
        items: [action.notification, ...state.items].slice(0, BELL_SIZE),
        unreadCount: state.unreadCount + (action.notification.is_read ? 0 : 1),
      };
    case 'marked_read': {
      const target = state.items.find((n) => n.id === action.id);
      if (!target || target.is_read) return state;
      return {
        items: state.items.map((n) => (n === target ? { ...n, is_read: true } : n)),
        unreadCount: Math.max(0, state.unreadCount - 1),
      };
    }
    case 'thread_read': {
      let marked = 0;
      const items = state.items.map((n) => {
        if (n.is_read || !isMessageOfThreadUpTo(n, action.threadId, action.upTo)) return n;
        marked++;
        return { ...n, is_read: true };
      });
      return marked === 0 ? state : { items, unreadCount: Math.max(0, state.unreadCount - marked) };
    }
    case 'all_read':
      return { items: state.items.map((n) => (n.is_read ? n : { ...n, is_read: true })), unreadCount: 0 };
  }
}

/** Whether the bell holds an unread notification of a new message in `threadId`. */
export function hasUnreadMessagesOf(items: readonly Notification[], threadId: string): boolean {
  return items.some((n) => !n.is_read && isKnownEvent(n) && n.resource_type === 'messages.new' && n.data.thread_id === threadId);
}

/**
 * One row of the bell: everything of one thread collapsed into one, as inboxes
 * group a thread's activity (GitHub, Linear): "3 new messages", or the newest
 * event with a count ("Order Updated · 2 new"). An event of no thread is a row
 * of its own.
 */
export interface BellEntry {
  key: string;
  /** What the row shows: the newest of `notifications`. */
  newest: Notification;
  /** Newest first; more than one for a thread with several. */
  notifications: Notification[];
  /** How many of them are unread. */
  unread: number;
}

/** The bell's rows, newest first: each thread at the place of its newest. */
export function bellEntries(items: readonly Notification[]): BellEntry[] {
  const entries: BellEntry[] = [];
  const byThread = new Map<string, BellEntry>();
  for (const n of items) {
    const threadId = isKnownEvent(n) ? n.data.thread_id : null;
    let entry = threadId ? byThread.get(threadId) : undefined;
    if (!entry) {
      entry = { key: threadId ? `thread-${threadId}` : `notification-${n.id}`, newest: n, notifications: [], unread: 0 };
      entries.push(entry);
      if (threadId) byThread.set(threadId, entry);
    }
    entry.notifications.push(n);
    if (!n.is_read) entry.unread++;
  }
  return entries;
}

/**
 * A thread of messages only reads "3 new messages" while several are unread,
 * "New Message" for one (unread, or alone), "3 messages" once all are read. A
 * thread with other events reads as its newest, with a count when it has more
 * ("Order Updated · 2 new", "Order Updated · 3 updates"); a single event by its type.
 */
export function bellEntryLabel(entry: BellEntry): string {
  const count = entry.notifications.length;
  const label = notificationLabel(entry.newest.resource_type);
  if (entry.notifications.every((n) => n.resource_type === 'messages.new')) {
    if (entry.unread > 1) return `${entry.unread} new messages`;
    if (count > 1 && entry.unread === 0) return `${count} messages`;
    return label;
  }
  if (count === 1) return label;
  return `${label} · ${entry.unread > 0 ? `${entry.unread} new` : `${count} updates`}`;
}
