import { describe, expect, it } from 'vitest';

import { isKnownEvent, isStreamControl } from '../api/events.ts';
import { inventoryEvent, messageEvent, ORDER, resetEvent, THREAD } from '../testing/fixtures.ts';
import { parseEvent } from './parseEvent.ts';

const wire = (value: unknown) => JSON.stringify(value);

describe('parseEvent', () => {
  it('returns a known type as the spec types it, narrowed by resource_type', () => {
    const event = parseEvent(wire(messageEvent(7, { message_content: 'Your parcel left' })));
    expect(event).toEqual(messageEvent(7, { message_content: 'Your parcel left' }));
    if (!event || isStreamControl(event) || !isKnownEvent(event) || event.resource_type !== 'messages.new') {
      throw new Error('expected messages.new');
    }
    // Typed meta, no casts: the compiler knows MessageNewMeta here.
    expect(event.data.meta.message_content).toBe('Your parcel left');
  });

  it('tells the stream control events apart', () => {
    const event = parseEvent(wire(resetEvent(900)));
    expect(event && isStreamControl(event)).toBe(true);
  });

  it('keeps a type it does not know as an UnknownEvent: the envelope, the ids, meta unread', () => {
    const event = parseEvent(wire(inventoryEvent(12)));
    expect(event).toEqual({
      id: 12,
      resource: 'inventory',
      resource_type: 'inventory.updated',
      data: { order_id: ORDER, thread_id: THREAD, meta: { sku: 'MUG-BLUE', on_hand: 3 } },
      created_at: '2026-11-25T10:09:00Z',
    });
    if (!event || isStreamControl(event)) throw new Error('expected an event');
    expect(isKnownEvent(event)).toBe(false);
  });

  it('keeps only string ids of an unknown type and tolerates a missing resource or meta', () => {
    const event = parseEvent(
      wire({ id: 13, resource_type: 'refunds.issued', data: { order_id: 42, thread_id: '' }, created_at: '2026-11-25T10:10:00Z' }),
    );
    expect(event).toEqual({ id: 13, resource: '', resource_type: 'refunds.issued', data: {}, created_at: '2026-11-25T10:10:00Z' });
  });

  it.each([
    ['not JSON', 'not json'],
    ['not an object', '"messages.new"'],
    ['an array', '[1]'],
    ['no id', wire({ ...inventoryEvent(1), id: undefined })],
    ['a string id', wire({ ...inventoryEvent(1), id: '1' })],
    ['no resource_type', wire({ ...inventoryEvent(1), resource_type: undefined })],
    ['no data', wire({ ...inventoryEvent(1), data: undefined })],
    ['no created_at', wire({ ...inventoryEvent(1), created_at: undefined })],
    ['an invalid created_at', wire({ ...inventoryEvent(1), created_at: 'soon' })],
    ['a known type without meta', wire({ ...messageEvent(1), data: { order_id: ORDER, thread_id: THREAD } })],
  ])('drops a payload with %s', (_what, data) => {
    expect(parseEvent(data)).toBeNull();
  });
});
