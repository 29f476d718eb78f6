// Test helper: events and messages shaped as the server sends them.
import { isKnownEvent, isStreamControl, toEvent, type UnknownEvent } from '../api/events.ts';
import type { Assignee, EventOf, Message, Owner, Person, StreamEventOf } from '../api/schema.ts';

export const ORDER = '0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e';
export const THREAD = '5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b';

/** The customer of ORDER, and two admins of its support team. */
export const CUSTOMER: Person = { id: '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b', role: 'user', display_name: 'Grace Hopper' };
export const ADA: Person = { id: '3a9e2c71-5b4d-4f6e-8a1b-2c3d4e5f6a7b', role: 'admin', display_name: 'Ada Lovelace' };
export const BO: Person = { id: '9c8b7a65-4d3e-4f2a-8b1c-0d9e8f7a6b5c', role: 'admin', display_name: 'Bo Diddley' };

/** Who wrote a message of `owner`'s side, unless a test says: the customer, or Ada. */
const authorOf = (owner: Owner | undefined): Person => (owner === 'user' ? CUSTOMER : ADA);

/** A deterministic message id: uuid(7) ends in ...000000000007. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** A messages.new event as the server sends it. */
export function messageEvent(
  id: number,
  meta: Partial<EventOf<'messages.new'>['data']['meta']> = {},
): EventOf<'messages.new'> {
  return {
    id,
    resource: 'messages',
    resource_type: 'messages.new',
    data: {
      order_id: ORDER,
      thread_id: THREAD,
      meta: {
        message_id: uuid(id),
        owner: 'admin',
        author: authorOf(meta.owner ?? 'admin'),
        visibility: 'public',
        created_at: '2026-11-25T10:05:00Z',
        has_media: false,
        message_content: `message ${id}`,
        truncated: false,
        ...meta,
      },
    },
    created_at: '2026-11-25T10:05:00Z',
  };
}

export function createdEvent(id: number): EventOf<'orders.created'> {
  return {
    id,
    resource: 'orders',
    resource_type: 'orders.created',
    data: {
      order_id: ORDER,
      thread_id: THREAD,
      meta: { user_id: '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b', status: 'pending', total_cents: 2500, item_count: 1 },
    },
    created_at: '2026-11-25T10:00:00Z',
  };
}

export function statusEvent(id: number, status: 'paid' | 'shipped', previous: 'pending' | 'paid'): EventOf<'orders.updated'> {
  return {
    id,
    resource: 'orders',
    resource_type: 'orders.updated',
    data: { order_id: ORDER, thread_id: THREAD, meta: { status, previous_status: previous } },
    created_at: '2026-11-25T10:06:00Z',
  };
}

export function closedEvent(id: number): EventOf<'threads.closed'> {
  return {
    id,
    resource: 'threads',
    resource_type: 'threads.closed',
    data: { order_id: ORDER, thread_id: THREAD, meta: { closed_at: '2026-11-25T10:07:00Z' } },
    created_at: '2026-11-25T10:07:00Z',
  };
}

export function readEvent(id: number, reader: 'user' | 'admin', messageId: string, by: Person = authorOf(reader)): EventOf<'threads.read'> {
  return {
    id,
    resource: 'threads',
    resource_type: 'threads.read',
    data: { order_id: ORDER, thread_id: THREAD, meta: { reader, read_by: by, message_id: messageId, read_at: '2026-11-25T10:08:00Z' } },
    created_at: '2026-11-25T10:08:00Z',
  };
}

/** `by` assigned ORDER's thread to `assignee` (null: unassigned it). */
export function assignedEvent(id: number, assignee: Person | null, by: Person = ADA): EventOf<'threads.assigned'> {
  const asAssignee = (p: Person | null): Assignee => p && { id: p.id, display_name: p.display_name };
  return {
    id,
    resource: 'threads',
    resource_type: 'threads.assigned',
    data: {
      order_id: ORDER,
      thread_id: THREAD,
      meta: { assignee: asAssignee(assignee), previous_assignee: null, assigned_by: by, assigned_at: '2026-11-25T10:06:30Z' },
    },
    created_at: '2026-11-25T10:06:30Z',
  };
}

export function resetEvent(id: number): StreamEventOf<'stream.reset'> {
  return {
    id,
    resource: 'stream',
    resource_type: 'stream.reset',
    data: { meta: { reason: 'last_event_id 1 is older than the retained events' } },
    created_at: '2026-11-25T10:00:00Z',
  };
}

export function tokenExpiredEvent(id: number): StreamEventOf<'stream.token_expired'> {
  return {
    id,
    resource: 'stream',
    resource_type: 'stream.token_expired',
    data: { meta: { expired_at: '2026-11-25T11:00:00Z' } },
    created_at: '2026-11-25T11:00:00Z',
  };
}

/**
 * An event of a type this client does not know, as a newer server would send
 * it (plain JSON: only the parser may turn it into an UnknownEvent). Pass
 * `data` to replace the default one, which names the order and the thread.
 */
export function inventoryEvent(id: number, data: Record<string, unknown> = {}): Record<string, unknown> & { id: number } {
  return {
    id,
    resource: 'inventory',
    resource_type: 'inventory.updated',
    data: Object.keys(data).length > 0 ? data : { order_id: ORDER, thread_id: THREAD, meta: { sku: 'MUG-BLUE', on_hand: 3 } },
    created_at: '2026-11-25T10:09:00Z',
  };
}

/** `raw` through the parsing boundary, which must make it an UnknownEvent. */
export function asUnknownEvent(raw: unknown): UnknownEvent {
  const event = toEvent(raw);
  if (!event || isStreamControl(event) || isKnownEvent(event)) throw new Error(`not an unknown event: ${JSON.stringify(raw)}`);
  return event;
}

/** A stored message; `n` picks its id and its minute. */
export function message(n: number, fields: Partial<Message> = {}): Message {
  const at = `2026-11-25T10:${String(n).padStart(2, '0')}:00Z`;
  return {
    message_id: uuid(n),
    thread_id: THREAD,
    message_content: `message ${n}`,
    owner: 'user',
    author: authorOf(fields.owner ?? 'user'),
    visibility: 'public',
    created_at: at,
    updated_at: at,
    media: null,
    seen: false,
    ...fields,
  };
}
