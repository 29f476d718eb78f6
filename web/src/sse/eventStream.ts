// A live event stream over fetch: unlike EventSource it can send the bearer
// token in a header, and it lets us choose when to give up.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

import { isStreamControl, type AnyEvent } from '../api/events.ts';
import type { StreamTokenExpiredEvent } from '../api/schema.ts';
import { parseEvent } from './parseEvent.ts';
import { DEFAULT_RETRY_MS, reconnectDelay } from './reconnectDelay.ts';

export type StopReason = 'closed' | 'signed_out' | 'unauthorized' | 'forbidden' | 'token_expired';

export type StreamState =
  | { status: 'connecting' }
  | { status: 'open' }
  | { status: 'waiting'; retryInMs: number }
  | { status: 'stopped'; reason: StopReason };

export interface EventStreamOptions {
  url: string;
  /** Read before every connection attempt; null stops the stream. */
  getToken: () => string | null;
  /**
   * Every event that describes a change (everything but the stream's own
   * `stream.*`), including types this client does not know (an UnknownEvent).
   */
  onEvent: (event: AnyEvent) => void;
  /**
   * What the client holds may be stale: refetch it. Called for the server's
   * stream.reset (the resume point was too old), and when a stream reopens
   * with no event id to resume from (none had arrived, so a gap cannot be replayed).
   */
  onReset: () => void;
  /** The token expired; the stream has stopped. */
  onTokenExpired: (event: StreamTokenExpiredEvent) => void;
  onStateChange?: (state: StreamState) => void;
  /** Resume after this event id on the first connection. */
  lastEventId?: string;
  fetch?: typeof globalThis.fetch;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface EventStream {
  close(): void;
}

type Attempt =
  | { kind: 'ended' } // the stream was open, then closed: reconnect after `retry:`
  | { kind: 'failed'; retryAfterMs?: number } // never opened: back off
  | { kind: 'stop'; reason: StopReason };

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Retry-After in ms (seconds or an HTTP date), or undefined. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('Retry-After');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Opens the stream and keeps it open: reconnects with backoff, resumes with
 * Last-Event-ID, and delivers every event at most once (ids only grow, so an
 * id at or below the last delivered one is a replay we already handled).
 */
export function openEventStream(options: EventStreamOptions): EventStream {
  const {
    url,
    getToken,
    onEvent,
    onReset,
    onTokenExpired,
    onStateChange = () => {},
    random = Math.random,
    sleep = sleepUnlessAborted,
  } = options;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const stopper = new AbortController();
  let stopped = false;
  // The highest event id handled: sent as Last-Event-ID, and anything at or
  // below it is a replay. 0: nothing to resume from.
  let resumeId = Number(options.lastEventId) || 0;
  let retryMs = DEFAULT_RETRY_MS;
  let hasBeenOpen = false;

  const setState = (state: StreamState) => {
    if (!stopped) onStateChange(state);
  };
  const stop = (reason: StopReason) => {
    if (stopped) return;
    onStateChange({ status: 'stopped', reason });
    stopped = true;
    stopper.abort();
  };

  const handleMessage = (message: EventSourceMessage) => {
    if (stopped) return;
    const event = parseEvent(message.data);
    // A malformed payload is skipped, but it still moves the resume point.
    const id = Number(message.id ?? event?.id);
    const isNew = Number.isFinite(id) && id > resumeId;
    if (isNew) resumeId = id;
    if (!event) return;
    if (isStreamControl(event)) {
      switch (event.resource_type) {
        case 'stream.reset':
          // Its id is the newest event id: resume from there.
          resumeId = event.id;
          onReset();
          return;
        case 'stream.token_expired':
          stop('token_expired');
          onTokenExpired(event);
          return;
      }
    }
    if (!isNew) return;
    try {
      onEvent(event);
    } catch (err) {
      // A failing listener must not cost the stream (or the next events).
      console.error('orderchat: event listener failed', err);
    }
  };

  async function readStream(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({
      onEvent: handleMessage,
      onRetry: (ms) => {
        retryMs = ms;
      },
    });
    const reader = body.getReader();
    const cancel = () => void reader.cancel().catch(() => {});
    stopper.signal.addEventListener('abort', cancel, { once: true });
    const decoder = new TextDecoder();
    try {
      while (!stopped) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // The connection dropped: reconnect like after a clean end.
    } finally {
      stopper.signal.removeEventListener('abort', cancel);
      if (stopped) cancel();
    }
  }

  async function connectOnce(): Promise<Attempt> {
    const token = getToken();
    if (!token) return { kind: 'stop', reason: 'signed_out' };
    const headers: Record<string, string> = {
      Accept: 'text/event-stream',
      Authorization: `Bearer ${token}`,
    };
    if (resumeId > 0) headers['Last-Event-ID'] = String(resumeId);
    setState({ status: 'connecting' });

    let response: Response;
    try {
      response = await doFetch(url, { headers, cache: 'no-store', signal: stopper.signal });
    } catch {
      return { kind: 'failed' };
    }
    if (response.status === 401) return { kind: 'stop', reason: 'unauthorized' };
    if (response.status === 403) return { kind: 'stop', reason: 'forbidden' };
    const isStream = response.headers.get('Content-Type')?.startsWith('text/event-stream');
    if (!response.ok || !isStream || !response.body) {
      void response.body?.cancel().catch(() => {});
      const wait = retryAfterMs(response);
      return wait === undefined ? { kind: 'failed' } : { kind: 'failed', retryAfterMs: wait };
    }
    setState({ status: 'open' });
    if (hasBeenOpen && resumeId === 0) onReset();
    hasBeenOpen = true;
    await readStream(response.body);
    return { kind: 'ended' };
  }

  void (async () => {
    let failures = 0;
    while (!stopped) {
      const attempt = await connectOnce();
      if (stopped) return;
      if (attempt.kind === 'stop') {
        stop(attempt.reason);
        return;
      }
      failures = attempt.kind === 'ended' ? 0 : failures + 1;
      const wait = reconnectDelay({
        retryMs,
        failures,
        retryAfterMs: attempt.kind === 'failed' ? attempt.retryAfterMs : undefined,
        random,
      });
      setState({ status: 'waiting', retryInMs: wait });
      await sleep(wait, stopper.signal);
    }
  })();

  return { close: () => stop('closed') };
}
