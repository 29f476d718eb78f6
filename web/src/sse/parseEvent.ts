// Turns one SSE `data:` payload into a typed event (see api/events.ts).
import { toEvent, type UnknownEvent } from '../api/events.ts';
import type { StreamEvent } from '../api/schema.ts';

/**
 * The event in `data`: a StreamEvent of the spec, an UnknownEvent for a type
 * this client does not know (kept, not dropped: the catalogue is open), or
 * null for malformed JSON or a payload without the event envelope.
 */
export function parseEvent(data: string): StreamEvent | UnknownEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  return toEvent(value);
}
