// The parsing boundary for events. Whatever arrives (an SSE `data:` line, an
// item of GET /notifications) is checked here once and becomes either
//
//  - a KnownEvent: one of the spec's `Event` union, which the compiler narrows
//    on `resource_type` to its typed `data.meta` (or a stream control event), or
//  - an UnknownEvent: a `resource_type` this build does not know. The catalogue
//    is open (openapi.yaml, Events): a newer server adds types without a new API version, so
//    such an event is kept with its envelope only. The bell shows it as a
//    generic entry; everything else ignores it.
//
// The generated types form a closed union, so "unknown" is modelled here, at
// the boundary, instead of widening the spec's types.
import type {
  EventOf,
  KnownEvent,
  KnownEventType,
  Message,
  ReadState,
  StreamControlEvent,
  StreamControlType,
  StreamEvent,
} from './schema.ts';

declare const unknownEventType: unique symbol;

/**
 * A `resource_type` that is none of KnownEventType. Branded so that an
 * UnknownEvent is never mistaken for a KnownEvent; only toEvent() makes one.
 */
export type UnknownEventType = string & { readonly [unknownEventType]: true };

/** An event of a type this client does not know: the envelope, nothing more. */
export interface UnknownEvent {
  id: number;
  resource: string;
  resource_type: UnknownEventType;
  /** The ids when the server sent them as strings; `meta` as it came, unread. */
  data: { order_id?: string; thread_id?: string; meta?: unknown };
  created_at: string;
}

/**
 * What the stream delivers to listeners and what the bell lists. Check
 * isKnownEvent() before switching on `resource_type`: the compiler cannot
 * narrow an UnknownEvent away by comparing strings, and it refuses to read a
 * `meta` that might be an UnknownEvent's.
 */
export type AnyEvent = KnownEvent | UnknownEvent;

/**
 * One bell entry: an event plus the recipient's read state (the spec's
 * `Notification`, which is `Event` + `ReadState`, plus unknown types).
 */
export type Notification = AnyEvent & ReadState;

// Records (not arrays) so that the compiler rejects these lists when the spec
// gains or loses a type.
const KNOWN_EVENT_TYPES: Record<KnownEventType, true> = {
  'orders.created': true,
  'orders.updated': true,
  'messages.new': true,
  'threads.closed': true,
  'threads.read': true,
  'threads.assigned': true,
};
const STREAM_CONTROL_TYPES: Record<StreamControlType, true> = {
  'stream.reset': true,
  'stream.token_expired': true,
};

export function isKnownEventType(type: string): type is KnownEventType {
  return Object.hasOwn(KNOWN_EVENT_TYPES, type);
}

export function isKnownEvent(event: AnyEvent): event is KnownEvent {
  return isKnownEventType(event.resource_type);
}

export function isStreamControl(event: StreamEvent | UnknownEvent): event is StreamControlEvent {
  return Object.hasOwn(STREAM_CONTROL_TYPES, event.resource_type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The event in `value`, or null when it lacks the envelope every event has
 * (a numeric `id`, a string `resource_type`, a `data` object, a valid
 * `created_at`) or is of a known type without a `meta` object.
 *
 * A known type's body is then taken as the spec describes it: the server is
 * bound by the contract, and the compiler checks every use of its `meta`.
 */
export function toEvent(value: unknown): StreamEvent | UnknownEvent | null {
  if (!isRecord(value)) return null;
  const { id, resource, resource_type: type, data, created_at: createdAt } = value;
  if (typeof id !== 'number' || typeof type !== 'string' || !isRecord(data)) return null;
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return null;
  if (isKnownEventType(type) || Object.hasOwn(STREAM_CONTROL_TYPES, type)) {
    return isRecord(data.meta) ? (value as StreamEvent) : null;
  }
  const { order_id: orderId, thread_id: threadId, meta } = data;
  return {
    id,
    resource: typeof resource === 'string' ? resource : '',
    resource_type: type as UnknownEventType, // checked above: not a known type
    data: {
      ...(typeof orderId === 'string' && orderId ? { order_id: orderId } : {}),
      ...(typeof threadId === 'string' && threadId ? { thread_id: threadId } : {}),
      ...(meta !== undefined ? { meta } : {}),
    },
    created_at: createdAt,
  };
}

/** An item of GET /notifications, or null when it is malformed (or a stream control event, which is never stored). */
export function toNotification(value: unknown): Notification | null {
  const event = toEvent(value);
  if (!event || isStreamControl(event) || !isRecord(value) || typeof value['is_read'] !== 'boolean') return null;
  return { ...event, is_read: value['is_read'] };
}

/**
 * The message a `messages.new` event announces, as far as the event tells: the
 * text (possibly cut: `meta.truncated`) and no attachment details (`has_media`
 * says whether to refetch it).
 */
export function messageOfEvent(event: EventOf<'messages.new'>): Message {
  const { meta } = event.data;
  return {
    message_id: meta.message_id,
    thread_id: event.data.thread_id,
    message_content: meta.message_content,
    owner: meta.owner,
    author: meta.author,
    visibility: meta.visibility,
    created_at: meta.created_at,
    updated_at: meta.created_at,
    media: null,
    seen: false,
  };
}
