import { afterEach, describe, expect, it } from 'vitest';

import { isKnownEvent, type AnyEvent } from '../api/events.ts';
import { notificationFromEvent, notificationLabel, notificationTarget } from '../state/notifications.ts';
import { fakeStreamServer, until } from '../testing/fakeStreamServer.ts';
import { inventoryEvent, messageEvent, ORDER, resetEvent, tokenExpiredEvent } from '../testing/fixtures.ts';
import { openEventStream, type EventStream, type EventStreamOptions, type StreamState } from './eventStream.ts';
import { MAX_RETRY_MS } from './reconnectDelay.ts';

let stream: EventStream | undefined;
afterEach(() => stream?.close());

function start(server: ReturnType<typeof fakeStreamServer>, overrides: Partial<EventStreamOptions> = {}) {
  const events: AnyEvent[] = [];
  const states: StreamState[] = [];
  const delays: number[] = [];
  let resets = 0;
  const expired: number[] = [];
  stream = openEventStream({
    url: '/api/admin/sse',
    getToken: () => 'token-1',
    onEvent: (e) => events.push(e),
    onReset: () => resets++,
    onTokenExpired: (e) => expired.push(e.id),
    onStateChange: (s) => states.push(s),
    fetch: server.fetch,
    random: () => 0,
    // Record the backoff instead of waiting for it.
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...overrides,
  });
  return { events, states, delays, resets: () => resets, expired };
}

describe('openEventStream', () => {
  it('sends the bearer token and dispatches typed events, ignoring heartbeats and malformed payloads', async () => {
    const server = fakeStreamServer();
    const { events, states } = start(server);
    await until(() => server.connections.length === 1);
    const conn = server.connections[0]!;
    expect(conn.headers.get('Authorization')).toBe('Bearer token-1');
    expect(conn.headers.get('Accept')).toBe('text/event-stream');
    expect(conn.headers.has('Last-Event-ID')).toBe(false);

    conn.write('retry: 2000\n\n: heartbeat\n\n');
    conn.write('id: 5\ndata: {"id":5,"resource_type":"messages.new"}\n\n'); // no data, no created_at
    conn.write('id: 6\ndata: not json\n\n');
    // One event split across chunks at awkward places.
    const frame = `id: 7\ndata: ${JSON.stringify(messageEvent(7))}\n\n`;
    conn.write(frame.slice(0, 10));
    conn.write(frame.slice(10, 60));
    conn.write(frame.slice(60));
    await until(() => events.length === 1, 'the event');

    expect(events[0]).toEqual(messageEvent(7));
    expect(events[0]!.resource_type).toBe('messages.new');
    expect(states).toEqual([{ status: 'connecting' }, { status: 'open' }]);
  });

  it('reconnects after the server ends the stream, honouring retry: and resuming with Last-Event-ID', async () => {
    const server = fakeStreamServer();
    const { events, delays } = start(server, { random: () => 1 });
    await until(() => server.connections.length === 1);
    server.connections[0]!.write('retry: 1000\n\n');
    server.connections[0]!.send(messageEvent(41));
    server.connections[0]!.send(messageEvent(42));
    await until(() => events.length === 2);
    server.connections[0]!.end();

    await until(() => server.connections.length === 2, 'the reconnect');
    expect(server.connections[1]!.headers.get('Last-Event-ID')).toBe('42');
    // retry: 1000 plus the maximum jitter (30 %).
    expect(delays).toEqual([1300]);
  });

  it('never delivers an event twice when a reconnect replays it', async () => {
    const server = fakeStreamServer();
    const { events } = start(server);
    await until(() => server.connections.length === 1);
    server.connections[0]!.send(messageEvent(1));
    server.connections[0]!.send(messageEvent(2));
    await until(() => events.length === 2);
    server.connections[0]!.end();

    await until(() => server.connections.length === 2);
    // A server (or proxy) that replays from too far back.
    server.connections[1]!.send(messageEvent(1));
    server.connections[1]!.send(messageEvent(2));
    server.connections[1]!.send(messageEvent(3));
    await until(() => events.length === 3);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3]);
    server.connections[1]!.send(messageEvent(2)); // a stray replay never moves the resume point back
    server.connections[1]!.end();

    await until(() => server.connections.length === 3);
    expect(server.connections[2]!.headers.get('Last-Event-ID')).toBe('3');
    expect(events.map((e) => e.id)).toEqual([1, 2, 3]);
  });

  it('delivers an event of a type it does not know as an UnknownEvent, once, and resumes after it', async () => {
    const server = fakeStreamServer();
    const { events } = start(server);
    await until(() => server.connections.length === 1);
    server.connections[0]!.send(inventoryEvent(12));
    server.connections[0]!.send(messageEvent(13));
    await until(() => events.length === 2, 'both events');
    server.connections[0]!.end();
    await until(() => server.connections.length === 2);
    expect(server.connections[1]!.headers.get('Last-Event-ID')).toBe('13');
    server.connections[1]!.send(inventoryEvent(12)); // a replay is not delivered again
    server.connections[1]!.send(messageEvent(14));
    await until(() => events.length === 3);

    expect(events.map((e) => [e.id, e.resource_type])).toEqual([
      [12, 'inventory.updated'],
      [13, 'messages.new'],
      [14, 'messages.new'],
    ]);
    const unknown = events[0]!;
    expect(isKnownEvent(unknown)).toBe(false);
    expect(isKnownEvent(events[1]!)).toBe(true);
    // What the bell makes of it: a generic entry with a label, its time and a link to the order.
    const entry = notificationFromEvent(unknown);
    expect(entry).toMatchObject({ id: 12, created_at: '2026-11-25T10:09:00Z', is_read: false });
    expect(notificationLabel(entry.resource_type)).toBe('Inventory Updated');
    expect(notificationTarget(entry)).toBe(`/orders/${ORDER}`);
  });

  it('backs off exponentially while connecting fails, honours Retry-After, and starts over once open', async () => {
    const server = fakeStreamServer();
    server.reply(
      'network-error',
      { status: 503 },
      { status: 500 },
      { status: 429, headers: { 'Retry-After': '20' } },
      'network-error',
      'network-error',
    );
    const { delays, states } = start(server);
    await until(() => server.connections.length === 1, 'an open stream');
    expect(delays).toEqual([2000, 4000, 8000, 20_000, 30_000, MAX_RETRY_MS]);
    expect(states.at(-1)).toEqual({ status: 'open' });

    server.connections[0]!.end();
    await until(() => server.connections.length === 2);
    expect(delays.at(-1)).toBe(2000);
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
  ] as const)('stops for good on %i', async (status, reason) => {
    const server = fakeStreamServer();
    server.reply({ status });
    const { states, delays } = start(server);
    await until(() => states.some((s) => s.status === 'stopped'));
    expect(states.at(-1)).toEqual({ status: 'stopped', reason });
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('on stream.reset asks for a refetch and resumes from the reset id', async () => {
    const server = fakeStreamServer();
    const { events, resets } = start(server, { lastEventId: '3' });
    await until(() => server.connections.length === 1);
    expect(server.connections[0]!.headers.get('Last-Event-ID')).toBe('3');
    server.connections[0]!.send(resetEvent(900));
    server.connections[0]!.send(messageEvent(901));
    await until(() => events.length === 1);
    expect(resets()).toBe(1);
    server.connections[0]!.end();

    await until(() => server.connections.length === 2);
    expect(server.connections[1]!.headers.get('Last-Event-ID')).toBe('901');
  });

  it('asks for a refetch when a stream reopens with nothing to resume from, and only then', async () => {
    const server = fakeStreamServer();
    const { events, resets } = start(server);
    await until(() => server.connections.length === 1);
    expect(resets()).toBe(0); // the first load happens after the first open anyway
    server.connections[0]!.end(); // dropped before any event arrived

    await until(() => server.connections.length === 2);
    expect(server.connections[1]!.headers.has('Last-Event-ID')).toBe(false);
    await until(() => resets() === 1, 'the refetch');
    server.connections[1]!.send(messageEvent(4));
    await until(() => events.length === 1);
    server.connections[1]!.end();

    await until(() => server.connections.length === 3);
    expect(server.connections[2]!.headers.get('Last-Event-ID')).toBe('4');
    await new Promise((r) => setTimeout(r, 20));
    expect(resets()).toBe(1);
  });

  it('on stream.token_expired stops without reconnecting and drops what follows', async () => {
    const server = fakeStreamServer();
    const { events, expired, states } = start(server);
    await until(() => server.connections.length === 1);
    const conn = server.connections[0]!;
    conn.write(
      `id: 8\ndata: ${JSON.stringify(messageEvent(8))}\n\n` +
        `id: 8\ndata: ${JSON.stringify(tokenExpiredEvent(8))}\n\n` +
        `id: 9\ndata: ${JSON.stringify(messageEvent(9))}\n\n`,
    );
    await until(() => expired.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(events.map((e) => e.id)).toEqual([8]);
    expect(states.at(-1)).toEqual({ status: 'stopped', reason: 'token_expired' });
    expect(server.requests).toHaveLength(1);
  });

  it('reads the token again for each connection and stops once it is gone', async () => {
    const server = fakeStreamServer();
    let token: string | null = 'first';
    const { states } = start(server, { getToken: () => token });
    await until(() => server.connections.length === 1);
    token = 'second';
    server.connections[0]!.end();
    await until(() => server.connections.length === 2);
    expect(server.connections[1]!.headers.get('Authorization')).toBe('Bearer second');

    token = null;
    server.connections[1]!.end();
    await until(() => states.some((s) => s.status === 'stopped'));
    expect(states.at(-1)).toEqual({ status: 'stopped', reason: 'signed_out' });
    expect(server.requests).toHaveLength(2);
  });

  it('close() ends the stream and delivers nothing more', async () => {
    const server = fakeStreamServer();
    const { events, states } = start(server);
    await until(() => server.connections.length === 1);
    stream!.close();
    expect(states.at(-1)).toEqual({ status: 'stopped', reason: 'closed' });
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps delivering when a listener throws', async () => {
    const server = fakeStreamServer();
    const seen: number[] = [];
    const original = console.error;
    console.error = () => {};
    try {
      start(server, {
        onEvent: (e) => {
          seen.push(e.id);
          if (e.id === 1) throw new Error('listener bug');
        },
      });
      await until(() => server.connections.length === 1);
      server.connections[0]!.send(messageEvent(1));
      server.connections[0]!.send(messageEvent(2));
      await until(() => seen.length === 2);
    } finally {
      console.error = original;
    }
    expect(seen).toEqual([1, 2]);
    expect(server.requests).toHaveLength(1);
  });
});
