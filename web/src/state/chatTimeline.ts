// The state of one order's chat: its messages (confirmed and in flight), the
// read markers behind the "seen" ticks, and the order's own events as system
// lines. Every change goes through chatReducer, so that the POST answer and
// the SSE echo of the same message can arrive in either order and still make
// exactly one bubble: both are upserts keyed by the client-chosen message_id.
import { isKnownEvent, messageOfEvent, type AnyEvent } from '../api/events.ts';
import type { Message, MessageVisibility, Order, Owner, Thread } from '../api/schema.ts';

/** One entry of an order's status_history. */
export type StatusChange = Order['status_history'][number];

export type Delivery = 'sending' | 'sent' | 'failed';

export interface ChatMessage {
  message: Message;
  delivery: Delivery;
  /** Why the last attempt to send it failed. */
  error?: string;
  /** The server refused it for good (a 4xx such as 415): Retry cannot help, only Discard. */
  permanent?: boolean;
  /** The file this client attached: previewed locally and re-sent by Retry. */
  attachment?: File;
}

export interface SystemLine {
  id: string;
  at: string;
  text: string;
}

export interface ChatState {
  threadId: string;
  viewerSide: Owner;
  /** The viewer's principal id: an admin's read marker is their own, not their colleagues'. */
  viewerId: string;
  messages: ChatMessage[];
  statusLines: SystemLine[];
  openedAt: string | null;
  closedAt: string | null;
  isClosed: boolean;
  /** The viewer's side's read marker (drives the unread badge). */
  ownReadMarker: string | null;
  /** Older messages exist that were not loaded (see walkMessages). */
  droppedOlder: boolean;
}

export type ChatAction =
  | { type: 'thread_loaded'; thread: Thread }
  /** The order's status_history (GET /orders/{id}): what a reload knows of its status lines. */
  | { type: 'status_history_loaded'; history: readonly StatusChange[] }
  | { type: 'history_loaded'; messages: Message[]; droppedOlder: boolean }
  | { type: 'send_started'; message: Message; attachment?: File }
  | { type: 'send_succeeded'; message: Message }
  | { type: 'send_failed'; messageId: string; error: string; permanent?: boolean }
  /** The viewer gave up on a message that was not sent. */
  | { type: 'send_discarded'; messageId: string }
  | { type: 'retry_started'; messageId: string }
  | { type: 'own_read_marked'; messageId: string }
  | { type: 'event_received'; event: AnyEvent };

export function initialChatState(threadId: string, viewerSide: Owner, viewerId: string): ChatState {
  return {
    threadId,
    viewerSide,
    viewerId,
    messages: [],
    statusLines: [],
    openedAt: null,
    closedAt: null,
    isClosed: false,
    ownReadMarker: null,
    droppedOlder: false,
  };
}

/** Confirmed messages in server order, then unconfirmed ones in send order. */
function compareEntries(a: ChatMessage, b: ChatMessage): number {
  const aPending = a.delivery !== 'sent';
  const bPending = b.delivery !== 'sent';
  if (aPending !== bPending) return aPending ? 1 : -1;
  return (
    a.message.created_at.localeCompare(b.message.created_at) ||
    a.message.message_id.localeCompare(b.message.message_id)
  );
}

function withEntry(state: ChatState, id: string, update: (existing?: ChatMessage) => ChatMessage | undefined): ChatState {
  const index = state.messages.findIndex((m) => m.message.message_id === id);
  const existing = index >= 0 ? state.messages[index] : undefined;
  const next = update(existing);
  if (!next || next === existing) return state;
  const messages = [...state.messages];
  if (index >= 0) messages[index] = next;
  else messages.push(next);
  return { ...state, messages: messages.sort(compareEntries) };
}

/**
 * Whether a message may be shown to a side: the server never sends a customer an internal
 * note (openapi.yaml: MessageVisibility); should one arrive anyway, their chat drops it.
 */
export function isVisibleTo(viewerSide: Owner, visibility: MessageVisibility): boolean {
  return visibility === 'public' || viewerSide === 'admin';
}

/** A stored message replaces whatever we had; `seen` never goes back. */
function confirm(state: ChatState, stored: Message): ChatState {
  if (stored.thread_id !== state.threadId || !isVisibleTo(state.viewerSide, stored.visibility)) return state;
  return withEntry(state, stored.message_id, (existing) => ({
    message: { ...stored, seen: stored.seen || (existing?.message.seen ?? false) },
    delivery: 'sent',
    ...(existing?.attachment ? { attachment: existing.attachment } : {}),
  }));
}

/** Marks the messages up to `messageId` (inclusive) seen by `reader`'s side; a note is never seen by the customer. */
function markSeen(state: ChatState, reader: Owner, messageId: string): ChatState {
  const marker = state.messages.find((m) => m.message.message_id === messageId && m.delivery === 'sent');
  if (!marker) return state;
  let changed = false;
  const messages = state.messages.map((entry) => {
    const { message } = entry;
    const covered =
      entry.delivery === 'sent' &&
      message.owner !== reader &&
      message.visibility === 'public' &&
      !message.seen &&
      compareEntries(entry, marker) <= 0;
    if (!covered) return entry;
    changed = true;
    return { ...entry, message: { ...message, seen: true } };
  });
  return changed ? { ...state, messages } : state;
}

/** Of two read markers, the one further down the thread (markers never move back). */
function laterMarker(state: ChatState, a: string | null, b: string | null): string | null {
  const position = (id: string | null) => state.messages.findIndex((m) => m.message.message_id === id && m.delivery === 'sent');
  return position(b) >= position(a) ? (b ?? a) : a;
}

/**
 * Adds the line of one status change, once: a live orders.updated event and the
 * order's status_history name the same change by the same event id.
 */
function withStatusLine(state: ChatState, change: StatusChange): ChatState {
  const id = `event-${change.event_id}`;
  if (state.statusLines.some((line) => line.id === id)) return state;
  const line = { id, at: change.changed_at, text: `Order status changed from ${change.previous_status} to ${change.status}` };
  return { ...state, statusLines: [...state.statusLines, line] };
}

function applyEvent(state: ChatState, event: AnyEvent): ChatState {
  // A type this client does not know is the bell's business (a generic entry), not the chat's.
  if (!isKnownEvent(event) || event.data.thread_id !== state.threadId) return state;
  switch (event.resource_type) {
    case 'messages.new': {
      const { meta } = event.data;
      if (!isVisibleTo(state.viewerSide, meta.visibility)) return state;
      return withEntry(state, meta.message_id, (existing) => {
        if (existing?.delivery === 'sent') return existing;
        if (existing) {
          // Our own send, echoed before the POST answered: keep our full text
          // and file, take the server's time.
          const { error: _dropped, ...rest } = existing;
          return { ...rest, delivery: 'sent', message: { ...existing.message, created_at: meta.created_at, updated_at: meta.created_at } };
        }
        // No attachment details in the event: the chat refetches the message when has_media.
        return { delivery: 'sent', message: messageOfEvent(event) };
      });
    }
    case 'orders.updated': {
      const { status, previous_status } = event.data.meta;
      return withStatusLine(state, { event_id: event.id, changed_at: event.created_at, status, previous_status });
    }
    case 'threads.closed':
      return state.isClosed ? state : { ...state, isClosed: true, closedAt: event.data.meta.closed_at };
    case 'threads.read': {
      const { reader, read_by, message_id } = event.data.meta;
      if (reader !== state.viewerSide) return markSeen(state, reader, message_id);
      // The viewer's side read: their own marker moves only for their own read (another tab),
      // not for a colleague's (openapi.yaml: ThreadReadMeta.read_by).
      if (read_by.id !== state.viewerId) return state;
      return { ...state, ownReadMarker: laterMarker(state, state.ownReadMarker, message_id) };
    }
    case 'orders.created':
    case 'threads.assigned': // the chat header reads the assignee from the cached thread
      return state;
  }
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'thread_loaded': {
      const { thread } = action;
      return {
        ...state,
        openedAt: thread.created_at,
        isClosed: state.isClosed || !thread.is_active,
        closedAt: state.closedAt ?? thread.closed_at,
        ownReadMarker: laterMarker(state, state.ownReadMarker, thread.last_read_message_id),
      };
    }
    case 'status_history_loaded':
      return action.history.reduce(withStatusLine, state);
    case 'history_loaded': {
      let next = action.messages.reduce(confirm, state);
      if (action.droppedOlder && !next.droppedOlder) next = { ...next, droppedOlder: true };
      return next;
    }
    case 'send_started':
      return withEntry(state, action.message.message_id, (existing) =>
        existing
          ? existing
          : { message: action.message, delivery: 'sending', ...(action.attachment ? { attachment: action.attachment } : {}) },
      );
    case 'send_succeeded':
      return confirm(state, action.message);
    case 'send_failed':
      return withEntry(state, action.messageId, (existing) =>
        existing && existing.delivery !== 'sent'
          ? { ...existing, delivery: 'failed', error: action.error, ...(action.permanent ? { permanent: true } : {}) }
          : existing,
      );
    case 'send_discarded': {
      const messages = state.messages.filter((m) => m.message.message_id !== action.messageId || m.delivery === 'sent');
      return messages.length === state.messages.length ? state : { ...state, messages };
    }
    case 'retry_started':
      return withEntry(state, action.messageId, (existing) => {
        if (existing?.delivery !== 'failed') return existing;
        const { error: _dropped, ...rest } = existing;
        return { ...rest, delivery: 'sending' };
      });
    case 'own_read_marked':
      return { ...state, ownReadMarker: laterMarker(state, state.ownReadMarker, action.messageId) };
    case 'event_received':
      return applyEvent(state, action.event);
  }
}

export type TimelineItem = { kind: 'message'; entry: ChatMessage } | { kind: 'system'; line: SystemLine };

/** Messages and system lines in time order; unconfirmed messages last. */
export function timelineOf(state: ChatState): TimelineItem[] {
  const lines: SystemLine[] = [...state.statusLines];
  if (state.openedAt) lines.push({ id: 'opened', at: state.openedAt, text: 'Order placed' });
  if (state.isClosed) lines.push({ id: 'closed', at: state.closedAt ?? '', text: 'Thread closed by admin' });

  const dated: Array<{ at: string; item: TimelineItem }> = [
    ...state.messages
      .filter((entry) => entry.delivery === 'sent')
      .map((entry) => ({ at: entry.message.created_at, item: { kind: 'message', entry } as const })),
    ...lines.map((line) => ({ at: line.at, item: { kind: 'system', line } as const })),
  ];
  // The sort is stable: messages keep server order, and a line at the same
  // time as a message comes after it.
  dated.sort((a, b) => a.at.localeCompare(b.at));
  const pending = state.messages.filter((entry) => entry.delivery !== 'sent');
  return [...dated.map((d) => d.item), ...pending.map((entry) => ({ kind: 'message', entry }) as const)];
}

/** The newest confirmed message from the other side: what the viewer marks read. */
export function newestFromOtherSide(state: ChatState): Message | undefined {
  return state.messages.filter(isFromOtherSide(state)).at(-1)?.message;
}

function isFromOtherSide(state: ChatState) {
  return (m: ChatMessage) => m.delivery === 'sent' && m.message.owner !== state.viewerSide;
}

/** Messages from the other side after the viewer's read marker. */
export function unreadCount(state: ChatState): number {
  const marker = state.messages.find((m) => m.message.message_id === state.ownReadMarker && m.delivery === 'sent');
  // No marker, or one older than everything loaded: all of it is unread.
  return state.messages.filter(isFromOtherSide(state)).filter((m) => !marker || compareEntries(m, marker) > 0).length;
}
