// Turns one SSE `data:` payload into a typed event.
import type { LiveEvent, LiveEventType } from '../api/schema.ts';

// A Record (not an array) so that the compiler rejects this list when the spec
// gains or loses an event type.
const KNOWN_TYPES: Record<LiveEventType, true> = {
  'orders.created': true,
  'orders.updated': true,
  'messages.new': true,
  'threads.closed': true,
  'threads.read': true,
  'stream.reset': true,
  'stream.token_expired': true,
};

function isKnownType(type: string): type is LiveEventType {
  return Object.hasOwn(KNOWN_TYPES, type);
}

/**
 * The event in `data`, or null for malformed JSON and for types this client
 * does not know (the spec's catalogue is open: unknown types are ignored).
 */
export function parseEvent(data: string): LiveEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { id, resource_type: type, data: body } = value as Record<string, unknown>;
  if (typeof id !== 'number' || typeof type !== 'string' || typeof body !== 'object' || body === null) return null;
  return isKnownType(type) ? (value as LiveEvent) : null;
}
