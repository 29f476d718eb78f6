// Test helper. A scripted stand-in for the server's SSE endpoint, for unit tests: every
// fetch becomes a Connection the test writes frames into.

export interface Connection {
  headers: Headers;
  /** Writes raw SSE text. */
  write(text: string): void;
  /** Writes `id:` + `data:` for an event (any JSON with an id: a typed event, or one of a type the client does not know). */
  send(event: { id: number }): void;
  /** Ends the response body (the server closed the stream). */
  end(): void;
}

type Reply = { status: number; headers?: Record<string, string> } | 'network-error' | 'stream';

export function fakeStreamServer() {
  const connections: Connection[] = [];
  const requests: Headers[] = [];
  const replies: Reply[] = [];
  const encoder = new TextEncoder();

  const fetch = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    requests.push(headers);
    const reply = replies.shift() ?? 'stream';
    if (reply === 'network-error') throw new TypeError('network error');
    if (reply !== 'stream') {
      return new Response(JSON.stringify({ title: 'no', status: reply.status }), {
        status: reply.status,
        headers: { 'Content-Type': 'application/problem+json', ...reply.headers },
      });
    }
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
    connections.push({
      headers,
      write: (text) => controller.enqueue(encoder.encode(text)),
      send(event) {
        this.write(`id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
      },
      end: () => controller.close(),
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  };

  return {
    fetch,
    connections,
    requests,
    /** Queues how the next fetches answer (default: an open stream). */
    reply: (...next: Reply[]) => replies.push(...next),
  };
}

/** Waits (on real timers) until `check` holds, failing after 2 s. */
export async function until(check: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}
