import { describe, expect, it } from 'vitest';

import { isKnownEvent, isStreamControl } from '../api/events.ts';
import type { Thread } from '../api/schema.ts';
import { parseEvent } from '../sse/parseEvent.ts';
import {
  ADA,
  assignedEvent,
  BO,
  closedEvent,
  CUSTOMER,
  inventoryEvent,
  message,
  messageEvent,
  ORDER,
  readEvent,
  statusEvent,
  THREAD,
  uuid,
} from '../testing/fixtures.ts';
import {
  chatReducer,
  initialChatState,
  newestFromOtherSide,
  timelineOf,
  unreadCount,
  type ChatAction,
  type ChatState,
  type StatusChange,
} from './chatTimeline.ts';

function run(state: ChatState, ...actions: ChatAction[]): ChatState {
  return actions.reduce(chatReducer, state);
}

const asUser = () => initialChatState(THREAD, 'user', CUSTOMER.id);

/** What the composer dispatches: a local draft with a client id. */
function draft(n: number, text = `draft ${n}`) {
  return message(n, { message_content: text, created_at: '2026-11-25T11:59:00Z' });
}

/** What the server answers for that draft. */
function stored(n: number, text = `draft ${n}`) {
  return message(n, { message_content: text, created_at: '2026-11-25T12:00:00Z' });
}

const echo = (n: number, text = `draft ${n}`) =>
  messageEvent(100 + n, { message_id: uuid(n), owner: 'user', message_content: text, created_at: '2026-11-25T12:00:00Z' });

function bubbles(state: ChatState) {
  return state.messages.map((m) => [m.message.message_id, m.delivery]);
}

describe('optimistic send', () => {
  it('shows the draft at once as sending', () => {
    const state = run(asUser(), { type: 'send_started', message: draft(1) });
    expect(bubbles(state)).toEqual([[uuid(1), 'sending']]);
  });

  it('POST answer first, then the SSE echo: one confirmed bubble', () => {
    const state = run(
      asUser(),
      { type: 'send_started', message: draft(1) },
      { type: 'send_succeeded', message: stored(1) },
      { type: 'event_received', event: echo(1) },
    );
    expect(bubbles(state)).toEqual([[uuid(1), 'sent']]);
    expect(state.messages[0]!.message.created_at).toBe('2026-11-25T12:00:00Z');
  });

  it('SSE echo first, then the POST answer: one confirmed bubble', () => {
    const state = run(
      asUser(),
      { type: 'send_started', message: draft(1) },
      { type: 'event_received', event: echo(1) },
      { type: 'send_succeeded', message: stored(1) },
    );
    expect(bubbles(state)).toEqual([[uuid(1), 'sent']]);
  });

  it('keeps our full text when the echo carries a truncated one', () => {
    const long = 'x'.repeat(3000);
    const state = run(
      asUser(),
      { type: 'send_started', message: draft(1, long) },
      { type: 'event_received', event: echo(1, 'x'.repeat(100)) },
    );
    expect(state.messages[0]!.message.message_content).toBe(long);
  });

  it('a failed send offers a retry that keeps the same message id, and a late failure never undoes a confirmation', () => {
    let state = run(
      asUser(),
      { type: 'send_started', message: draft(1) },
      { type: 'send_failed', messageId: uuid(1), error: 'Cannot reach the server.' },
    );
    expect(bubbles(state)).toEqual([[uuid(1), 'failed']]);
    expect(state.messages[0]!.error).toBe('Cannot reach the server.');

    state = run(state, { type: 'retry_started', messageId: uuid(1) });
    expect(bubbles(state)).toEqual([[uuid(1), 'sending']]);
    expect(state.messages[0]!.error).toBeUndefined();

    // The retry's echo arrives, then the first attempt's timeout is reported.
    state = run(state, { type: 'event_received', event: echo(1) }, { type: 'send_failed', messageId: uuid(1), error: 'late' });
    expect(bubbles(state)).toEqual([[uuid(1), 'sent']]);
  });

  it('keeps the attachment of a confirmed message for its preview', () => {
    const file = new File([new Uint8Array([1, 2, 3])], 'receipt.png', { type: 'image/png' });
    const state = run(
      asUser(),
      { type: 'send_started', message: draft(1), attachment: file },
      { type: 'send_succeeded', message: stored(1) },
    );
    expect(state.messages[0]!.attachment).toBe(file);
  });

  it('confirmed messages sort by server time; drafts stay after them', () => {
    const state = run(
      asUser(),
      { type: 'send_started', message: draft(9) },
      { type: 'history_loaded', messages: [message(2), message(1)], droppedOlder: false },
      { type: 'event_received', event: messageEvent(3, { message_id: uuid(3), created_at: '2026-11-25T10:03:00Z' }) },
    );
    expect(bubbles(state)).toEqual([
      [uuid(1), 'sent'],
      [uuid(2), 'sent'],
      [uuid(3), 'sent'],
      [uuid(9), 'sending'],
    ]);
  });

  it('a replayed event or a reloaded page never duplicates a bubble', () => {
    const event = messageEvent(5, { message_id: uuid(5), created_at: '2026-11-25T10:05:00Z' });
    const state = run(
      asUser(),
      { type: 'event_received', event },
      { type: 'event_received', event },
      { type: 'history_loaded', messages: [message(5, { owner: 'admin', message_content: 'message 5' })], droppedOlder: false },
    );
    expect(bubbles(state)).toEqual([[uuid(5), 'sent']]);
  });

  it('ignores an event of a type this client does not know, even one naming this thread', () => {
    // Through the SSE parsing path, as the stream delivers it to the chat.
    const unknown = parseEvent(
      JSON.stringify(inventoryEvent(70, { order_id: ORDER, thread_id: THREAD, meta: { message_id: uuid(1), owner: 'admin' } })),
    );
    expect(unknown).toMatchObject({ resource_type: 'inventory.updated', data: { thread_id: THREAD } });
    if (!unknown || isStreamControl(unknown)) throw new Error('expected an event');
    expect(isKnownEvent(unknown)).toBe(false);
    const before = run(
      asUser(),
      { type: 'history_loaded', messages: [message(1), message(2, { owner: 'admin' })], droppedOlder: false },
      { type: 'event_received', event: statusEvent(60, 'shipped', 'paid') },
    );
    const after = run(before, { type: 'event_received', event: unknown });
    expect(after).toBe(before);
    expect(timelineOf(after)).toEqual(timelineOf(before));
  });

  it('ignores events of other threads', () => {
    const other = messageEvent(5);
    other.data.thread_id = 'ffffffff-0000-4000-8000-000000000000';
    expect(run(asUser(), { type: 'event_received', event: other }).messages).toEqual([]);
  });
});

describe('read markers', () => {
  const history: ChatAction = {
    type: 'history_loaded',
    messages: [message(1), message(2, { owner: 'admin' }), message(3), message(4)],
    droppedOlder: false,
  };

  it("the other side's threads.read ticks the viewer's messages up to the marker", () => {
    const state = run(asUser(), history, { type: 'event_received', event: readEvent(50, 'admin', uuid(3)) });
    expect(state.messages.map((m) => m.message.seen)).toEqual([true, false, true, false]);
  });

  it('the viewer’s own marker drives the unread count, not the ticks', () => {
    const asAdmin = run(initialChatState(THREAD, 'admin', ADA.id), history);
    expect(unreadCount(asAdmin)).toBe(3);
    expect(newestFromOtherSide(asAdmin)?.message_id).toBe(uuid(4));

    const read = run(asAdmin, { type: 'own_read_marked', messageId: uuid(3) });
    expect(unreadCount(read)).toBe(1);
    expect(read.messages.every((m) => !m.message.seen)).toBe(true);

    const echoed = run(asAdmin, { type: 'event_received', event: readEvent(51, 'admin', uuid(4)) });
    expect(unreadCount(echoed)).toBe(0);
  });

  it('a colleague’s read does not move the viewer’s marker (each admin reads for themself)', () => {
    const asAdmin = run(initialChatState(THREAD, 'admin', ADA.id), history);
    const colleague = run(asAdmin, { type: 'event_received', event: readEvent(51, 'admin', uuid(4), BO) });
    expect(unreadCount(colleague)).toBe(3);
    expect(colleague.ownReadMarker).toBeNull();
  });

  it('a read marker never moves back', () => {
    const asAdmin = run(initialChatState(THREAD, 'admin', ADA.id), history, { type: 'own_read_marked', messageId: uuid(4) });
    const thread = { is_active: true, created_at: '2026-11-25T09:00:00Z', closed_at: null, last_read_message_id: uuid(1) } as Thread;
    const reloaded = run(asAdmin, { type: 'thread_loaded', thread }, { type: 'event_received', event: readEvent(52, 'admin', uuid(3)) });
    expect(reloaded.ownReadMarker).toBe(uuid(4));
    expect(unreadCount(reloaded)).toBe(0);
  });

  it('a marker from the loaded thread counts as read', () => {
    const thread = { is_active: true, created_at: '2026-11-25T09:00:00Z', closed_at: null, last_read_message_id: uuid(2) } as Thread;
    const state = run(asUser(), { type: 'thread_loaded', thread }, history);
    expect(unreadCount(state)).toBe(0);
  });
});

describe('internal notes', () => {
  const note = (n: number) => message(n, { owner: 'admin', visibility: 'internal', message_content: `note ${n}` });
  const asAdmin = () => initialChatState(THREAD, 'admin', ADA.id);
  const ids = (state: ChatState) => timelineOf(state).flatMap((item) => (item.kind === 'message' ? [item.entry.message.message_id] : []));

  it('never reach a customer’s timeline, loaded or live (the server never sends one; should it, it is dropped)', () => {
    const state = run(
      asUser(),
      { type: 'history_loaded', messages: [message(1), note(2), message(3, { owner: 'admin' })], droppedOlder: false },
      { type: 'event_received', event: messageEvent(4, { visibility: 'internal', message_id: uuid(4) }) },
      { type: 'send_succeeded', message: note(5) },
    );
    expect(ids(state)).toEqual([uuid(1), uuid(3)]);
    expect(unreadCount(state)).toBe(1);
    expect(newestFromOtherSide(state)?.message_id).toBe(uuid(3));
  });

  it('show in the admins’ timeline, and the customer reading past one never marks it seen', () => {
    const state = run(
      asAdmin(),
      { type: 'history_loaded', messages: [message(1), message(2, { owner: 'admin' }), note(3)], droppedOlder: false },
      { type: 'event_received', event: messageEvent(4, { visibility: 'internal', author: BO, message_id: uuid(4) }) },
      { type: 'event_received', event: readEvent(60, 'user', uuid(4)) },
    );
    expect(ids(state)).toEqual([uuid(1), uuid(2), uuid(3), uuid(4)]);
    expect(state.messages.map((m) => [m.message.visibility, m.message.seen])).toEqual([
      ['public', false],
      ['public', true],
      ['internal', false],
      ['internal', false],
    ]);
  });

  it('an optimistic note is the admin’s own: it counts as nothing unread, and its echo keeps it a note', () => {
    const draft = { ...note(7), created_at: '2026-11-25T11:59:00Z' };
    const echoed = messageEvent(107, {
      message_id: uuid(7),
      visibility: 'internal',
      author: ADA,
      message_content: draft.message_content,
      created_at: '2026-11-25T12:00:00Z',
    });
    const state = run(
      asAdmin(),
      { type: 'history_loaded', messages: [message(1)], droppedOlder: false },
      { type: 'own_read_marked', messageId: uuid(1) },
      { type: 'send_started', message: draft },
      { type: 'event_received', event: echoed },
    );
    expect(state.messages.at(-1)).toMatchObject({ delivery: 'sent', message: { visibility: 'internal', author: ADA } });
    expect(unreadCount(state)).toBe(0);
    expect(newestFromOtherSide(state)?.message_id).toBe(uuid(1));
  });

  it('an assignment changes nothing in the timeline', () => {
    const state = run(asAdmin(), { type: 'history_loaded', messages: [message(1)], droppedOlder: false });
    expect(run(state, { type: 'event_received', event: assignedEvent(70, BO) })).toBe(state);
  });
});

describe('system lines', () => {
  it('shows status changes once and the closure, in time order with the messages', () => {
    const thread = { is_active: true, created_at: '2026-11-25T09:00:00Z', closed_at: null, last_read_message_id: null } as Thread;
    const state = run(
      asUser(),
      { type: 'thread_loaded', thread },
      { type: 'history_loaded', messages: [message(5), message(7)], droppedOlder: false },
      { type: 'event_received', event: statusEvent(60, 'shipped', 'paid') },
      { type: 'event_received', event: statusEvent(60, 'shipped', 'paid') },
      { type: 'event_received', event: closedEvent(61) },
    );
    expect(state.isClosed).toBe(true);
    const items = timelineOf(state).map((item) => (item.kind === 'system' ? item.line.text : item.entry.message.message_content));
    expect(items).toEqual([
      'Order placed',
      'message 5',
      'Order status changed from paid to shipped',
      'message 7',
      'Thread closed by admin',
    ]);
  });

  it('after a reload, the order\'s status_history gives the same timeline as the live events did', () => {
    const paid = { ...statusEvent(60, 'paid', 'pending'), created_at: '2026-11-25T10:05:00.123456Z' };
    const shipped = statusEvent(62, 'shipped', 'paid');
    const open = { is_active: true, created_at: '2026-11-25T09:00:00Z', closed_at: null, last_read_message_id: null } as Thread;
    const live = run(
      asUser(),
      { type: 'thread_loaded', thread: open },
      { type: 'history_loaded', messages: [message(5), message(7)], droppedOlder: false },
      { type: 'event_received', event: paid },
      { type: 'event_received', event: shipped },
      { type: 'event_received', event: closedEvent(63) },
    );
    // The reload: the thread comes back closed, and the order carries its history.
    const closed = { ...open, is_active: false, closed_at: '2026-11-25T10:07:00Z' };
    const history: StatusChange[] = [paid, shipped].map((e) => ({
      event_id: e.id,
      changed_at: e.created_at,
      status: e.data.meta.status,
      previous_status: e.data.meta.previous_status,
    }));
    const reloaded = run(
      asUser(),
      { type: 'thread_loaded', thread: closed },
      { type: 'status_history_loaded', history },
      { type: 'history_loaded', messages: [message(5), message(7)], droppedOlder: false },
    );
    const texts = (state: ChatState) =>
      timelineOf(state).map((item) => (item.kind === 'system' ? `${item.line.at} ${item.line.text}` : item.entry.message.message_content));
    expect(texts(reloaded)).toEqual(texts(live));
    expect(texts(reloaded).filter((text) => text.includes('status'))).toEqual([
      '2026-11-25T10:05:00.123456Z Order status changed from pending to paid',
      '2026-11-25T10:06:00Z Order status changed from paid to shipped',
    ]);
  });

  it('a change known both from the history and live is one line, whichever came first', () => {
    const change: StatusChange = { event_id: 60, changed_at: '2026-11-25T10:06:00Z', status: 'shipped', previous_status: 'paid' };
    const historyFirst = run(
      asUser(),
      { type: 'status_history_loaded', history: [change] },
      { type: 'event_received', event: statusEvent(60, 'shipped', 'paid') },
      { type: 'status_history_loaded', history: [change] },
    );
    const liveFirst = run(
      asUser(),
      { type: 'event_received', event: statusEvent(60, 'shipped', 'paid') },
      { type: 'status_history_loaded', history: [change] },
    );
    expect(historyFirst.statusLines).toHaveLength(1);
    expect(liveFirst.statusLines).toEqual(historyFirst.statusLines);
  });

  it('a thread loaded closed is closed', () => {
    const thread = { is_active: false, created_at: '2026-11-25T09:00:00Z', closed_at: '2026-11-25T09:30:00Z', last_read_message_id: null } as Thread;
    const state = run(asUser(), { type: 'thread_loaded', thread });
    expect(state.isClosed).toBe(true);
    expect(state.closedAt).toBe('2026-11-25T09:30:00Z');
  });
});
