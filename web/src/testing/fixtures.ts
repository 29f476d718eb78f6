// Test helper: events and messages shaped as the server sends them.
import type { LiveEventOf, Message } from '../api/schema.ts';

export const ORDER = '0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e';
export const THREAD = '5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b';

/** A deterministic message id: uuid(7) ends in ...000000000007. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** A messages.new event as the server sends it. */
export function messageEvent(
  id: number,
  meta: Partial<LiveEventOf<'messages.new'>['data']['meta']> = {},
): LiveEventOf<'messages.new'> {
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

export function statusEvent(id: number, status: 'paid' | 'shipped', previous: 'pending' | 'paid'): LiveEventOf<'orders.updated'> {
  return {
    id,
    resource: 'orders',
    resource_type: 'orders.updated',
    data: { order_id: ORDER, thread_id: THREAD, meta: { status, previous_status: previous } },
    created_at: '2026-11-25T10:06:00Z',
  };
}

export function closedEvent(id: number): LiveEventOf<'threads.closed'> {
  return {
    id,
    resource: 'threads',
    resource_type: 'threads.closed',
    data: { order_id: ORDER, thread_id: THREAD, meta: { closed_at: '2026-11-25T10:07:00Z' } },
    created_at: '2026-11-25T10:07:00Z',
  };
}

export function readEvent(id: number, reader: 'user' | 'admin', messageId: string): LiveEventOf<'threads.read'> {
  return {
    id,
    resource: 'threads',
    resource_type: 'threads.read',
    data: { order_id: ORDER, thread_id: THREAD, meta: { reader, message_id: messageId, read_at: '2026-11-25T10:08:00Z' } },
    created_at: '2026-11-25T10:08:00Z',
  };
}

export function resetEvent(id: number): LiveEventOf<'stream.reset'> {
  return {
    id,
    resource: 'stream',
    resource_type: 'stream.reset',
    data: { meta: { reason: 'last_event_id 1 is older than the retained events' } },
    created_at: '2026-11-25T10:00:00Z',
  };
}

export function tokenExpiredEvent(id: number): LiveEventOf<'stream.token_expired'> {
  return {
    id,
    resource: 'stream',
    resource_type: 'stream.token_expired',
    data: { meta: { expired_at: '2026-11-25T11:00:00Z' } },
    created_at: '2026-11-25T11:00:00Z',
  };
}

/** A stored message; `n` picks its id and its minute. */
export function message(n: number, fields: Partial<Message> = {}): Message {
  const at = `2026-11-25T10:${String(n).padStart(2, '0')}:00Z`;
  return {
    message_id: uuid(n),
    thread_id: THREAD,
    message_content: `message ${n}`,
    owner: 'user',
    created_at: at,
    updated_at: at,
    media: null,
    seen: false,
    ...fields,
  };
}
