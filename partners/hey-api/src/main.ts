// A partner integration written only against the client @hey-api/openapi-ts generates from the
// served spec (generated/). Run by partners/partners.test.mjs against a real server; any
// mismatch throws and fails the run. Inputs (environment): ORDERCHAT_URL, ORDERCHAT_ADMIN_TOKEN,
// ORDERCHAT_USER_TOKEN, ORDERCHAT_USER_ID, PARTNER_PNG (a small PNG file).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { type Client, createClient } from '../generated/client';
import {
  createMessage,
  assignThread,
  createOrder,
  listAdmins,
  listEvents,
  listNotifications,
  markThreadRead,
  streamAdminEvents,
  updateOrder,
  updateThread,
  uploadMessage,
} from '../generated/sdk.gen';
import type {
  Event,
  EventList,
  Notification,
  Problem,
  ProblemType,
  StreamAdminEventsResponses,
  StreamEvent,
  StreamUserEventsResponses,
} from '../generated/types.gen';

// Compile-time checks: the SSE operations are typed with the stream event union, every event
// of the feed is also a stream event, and a problem's `type` is the ProblemType enum.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sseTyped: [Equal<StreamAdminEventsResponses[200], StreamEvent>, Equal<StreamUserEventsResponses[200], StreamEvent>] = [true, true];
const feedInStream: Event extends StreamEvent ? true : false = true;
const problemTyped: Equal<Problem['type'], ProblemType> = true;
void sseTyped;
void feedInStream;
void problemTyped;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`hey-api partner: ${message}`);
}

const log = (line: string) => console.log(`[hey-api] ${line}`);

type ResourceType = Event['resource_type'];
type EventOf<K extends ResourceType> = Extract<Event, { resource_type: K }>;

/**
 * Handles one event of the feed (or one notification): a switch over every `resource_type`.
 * A type the spec adds later fails this switch at compile time (the `never` below); at run
 * time an unknown type is logged and skipped, as the spec asks. Returns the type handled, or
 * undefined when skipped.
 */
function handle(event: Event | Notification, from: string): ResourceType | undefined {
  switch (event.resource_type) {
    case 'orders.created':
      check(event.resource === 'orders', `${event.id}: resource ${event.resource}`);
      check(event.data.meta.item_count >= 1, `${event.id}: item_count ${event.data.meta.item_count}`);
      log(`${from} #${event.id} order ${event.data.order_id} created: ${event.data.meta.total_cents} cents, ${event.data.meta.status}`);
      return event.resource_type;
    case 'orders.updated':
      check(event.resource === 'orders', `${event.id}: resource ${event.resource}`);
      log(`${from} #${event.id} order ${event.data.order_id}: ${event.data.meta.previous_status} -> ${event.data.meta.status}`);
      return event.resource_type;
    case 'messages.new':
      check(event.resource === 'messages', `${event.id}: resource ${event.resource}`);
      check(typeof event.data.meta.truncated === 'boolean', `${event.id}: truncated is not a boolean`);
      log(`${from} #${event.id} ${event.data.meta.author.display_name} (${event.data.meta.owner}) wrote a ${event.data.meta.visibility} message in ${event.data.thread_id} (media: ${event.data.meta.has_media})`);
      return event.resource_type;
    case 'threads.closed':
      check(event.resource === 'threads', `${event.id}: resource ${event.resource}`);
      log(`${from} #${event.id} thread ${event.data.thread_id} closed at ${event.data.meta.closed_at}`);
      return event.resource_type;
    case 'threads.read':
      check(event.resource === 'threads', `${event.id}: resource ${event.resource}`);
      log(`${from} #${event.id} ${event.data.meta.reader} read ${event.data.thread_id} up to ${event.data.meta.message_id}`);
      return event.resource_type;
    case 'threads.assigned':
      check(event.resource === 'threads', `${event.id}: resource ${event.resource}`);
      log(`${from} #${event.id} ${event.data.meta.assigned_by.display_name} assigned ${event.data.thread_id} to ${event.data.meta.assignee?.display_name ?? 'nobody'}`);
      return event.resource_type;
    default: {
      const unknown: never = event;
      log(`${from}: skipping an event of a type this program does not know: ${JSON.stringify((unknown as { resource_type?: unknown }).resource_type)}`);
      return undefined;
    }
  }
}

/** Reads the event feed of one principal from where it was opened, page by page, in order. */
class Feed {
  private readonly pending: Event[] = [];
  readonly handled = new Set<ResourceType>();
  /** Every event read, in order: id and type. */
  readonly read: string[] = [];
  private after: number;
  private constructor(
    private readonly who: string,
    private readonly client: Client,
    readonly start: number,
  ) {
    this.after = start;
  }

  /** Opens the feed at the present (no `after`): only events from now on. */
  static async open(who: string, client: Client): Promise<Feed> {
    const page = await Feed.page(who, client, {});
    check(page.items.length === 0, `${who}: a feed opened at the present returned ${page.items.length} events`);
    return new Feed(who, client, page.next_cursor);
  }

  private static async page(who: string, client: Client, query: { after?: number; wait?: number; limit?: number }): Promise<EventList> {
    const { data, error, response } = await listEvents({ client, query });
    if (error) throw new Error(`${who}: GET /events answered ${response.status} ${error.type}: ${error.detail ?? ''}`);
    check(response.status === 200, `${who}: GET /events answered ${response.status}`);
    return data;
  }

  /** The next event of `type` that `match`es; the events before it are handled and passed over. */
  async next<K extends ResourceType>(type: K, match: (event: EventOf<K>) => boolean, timeoutMs = 20_000): Promise<EventOf<K>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.pending.shift();
      if (event) {
        if (event.resource_type === type && match(event as EventOf<K>)) return event as EventOf<K>;
        continue;
      }
      check(Date.now() < deadline, `${this.who}: no ${type} event within ${timeoutMs} ms (feed at ${this.after})`);
      // Small pages, so that paging with next_cursor is exercised; long polling while idle.
      const page = await Feed.page(this.who, this.client, { after: this.after, wait: 2, limit: 2 });
      check(page.items.length <= 2, `${this.who}: a page of ${page.items.length} events for limit=2`);
      let last = this.after;
      for (const item of page.items) {
        check(item.id > last, `${this.who}: event ${item.id} after ${last}: out of order or repeated`);
        last = item.id;
        this.read.push(`${item.id} ${item.resource_type}`);
        const handled = handle(item, `${this.who} feed`);
        if (handled) this.handled.add(handled);
        this.pending.push(item);
      }
      check(page.next_cursor >= last, `${this.who}: next_cursor ${page.next_cursor} is behind event ${last}`);
      if (page.items.length > 0) check(page.next_cursor === last, `${this.who}: next_cursor ${page.next_cursor} is not the last id ${last}`);
      check(!page.has_more || page.items.length === 2, `${this.who}: has_more on a page that is not full`);
      this.after = page.next_cursor;
    }
  }
}

/**
 * The same events over SSE, through the generated stream call (typed `StreamEvent`): replayed
 * from `feed.start` with Last-Event-ID, they must be the events the feed returned, in order.
 */
async function replayOverSse(client: Client, feed: Feed): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 15_000);
  const streamed: string[] = [];
  try {
    const { stream } = await streamAdminEvents({
      client,
      headers: { 'Last-Event-ID': String(feed.start) },
      signal: controller.signal,
      sseMaxRetryAttempts: 1,
    });
    for await (const event of stream) {
      switch (event.resource_type) {
        case 'stream.reset':
        case 'stream.token_expired':
          throw new Error(`hey-api partner: ${event.resource_type} while replaying from ${feed.start}: ${JSON.stringify(event.data.meta)}`);
        case 'orders.created':
        case 'orders.updated':
        case 'messages.new':
        case 'threads.closed':
        case 'threads.read':
        case 'threads.assigned':
          streamed.push(`${event.id} ${event.resource_type}`);
          break;
        default: {
          const unknown: never = event;
          log(`admin stream: skipping an event of a type this program does not know: ${JSON.stringify((unknown as { resource_type?: unknown }).resource_type)}`);
        }
      }
      if (streamed.length === feed.read.length) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  check(streamed.join() === feed.read.join(), `the admin stream replayed [${streamed.join(', ')}], the feed returned [${feed.read.join(', ')}]`);
  log(`admin stream replayed the feed's ${streamed.length} events in the same order`);
}

/** The problem of a failed call, narrowed to the one `type` this program expects. */
function expectProblem(problem: Problem | undefined, status: number, got: number, expected: ProblemType): void {
  check(problem, `expected a ${status} problem, got ${got}`);
  check(got === status, `expected status ${status}, got ${got} (${problem.type})`);
  switch (problem.type) {
    case 'urn:orderchat:problem:thread-closed':
    case 'urn:orderchat:problem:duplicate-message-id':
    case 'urn:orderchat:problem:order-final':
      check(problem.type === expected, `expected ${expected}, got ${problem.type}`);
      check(problem.status === status, `problem.status ${problem.status}`);
      log(`${status} ${problem.type}: ${problem.detail ?? problem.title}`);
      return;
    default:
      throw new Error(`hey-api partner: expected ${expected}, got ${problem.type} (${problem.detail ?? ''})`);
  }
}

async function main(): Promise<void> {
  const baseUrl = `${env('ORDERCHAT_URL')}/api`;
  const admin = createClient({ baseUrl, auth: env('ORDERCHAT_ADMIN_TOKEN') });
  const user = createClient({ baseUrl, auth: env('ORDERCHAT_USER_TOKEN') });
  const userId = env('ORDERCHAT_USER_ID');
  const pngPath = env('PARTNER_PNG');

  const adminFeed = await Feed.open('admin', admin);
  const userFeed = await Feed.open('user', user);

  // The core sequence (README.md): the user creates an order; the admin learns of it from the feed.
  const created = await createOrder({
    client: user,
    body: { items: [{ name: 'Blue mug', quantity: 2, unit_price_cents: 1250 }, { name: 'Tea towel', quantity: 1, unit_price_cents: 499 }] },
  });
  if (created.error) throw new Error(`createOrder: ${created.response.status} ${created.error.type}`);
  const order = created.data;
  check(created.response.status === 201, `createOrder answered ${created.response.status}`);
  check(order.total_cents === 2 * 1250 + 499, `total_cents ${order.total_cents}`);
  const orderCreated = await adminFeed.next('orders.created', (e) => e.data.order_id === order.order_id);
  check(orderCreated.data.thread_id === order.thread_id, 'orders.created names another thread');
  check(orderCreated.data.meta.user_id === userId, `orders.created meta.user_id ${orderCreated.data.meta.user_id}`);
  check(orderCreated.data.meta.item_count === 2, `orders.created meta.item_count ${orderCreated.data.meta.item_count}`);

  // The admin answers; the user reads messages.new from the feed.
  const posted = await createMessage({
    client: admin,
    body: { thread_id: order.thread_id, message_content: 'Your parcel left the warehouse.' },
  });
  if (posted.error) throw new Error(`createMessage: ${posted.response.status} ${posted.error.type}`);
  const reply = posted.data;
  check(posted.response.status === 201 && reply.owner === 'admin', `createMessage: ${posted.response.status} by ${reply.owner}`);
  const messageNew = await userFeed.next('messages.new', (e) => e.data.meta.message_id === reply.message_id);
  check(messageNew.data.meta.owner === 'admin', `messages.new meta.owner ${messageNew.data.meta.owner}`);
  check(messageNew.data.meta.message_content === reply.message_content, 'messages.new carries other text');
  check(!messageNew.data.meta.has_media && !messageNew.data.meta.truncated, 'messages.new flags');

  // The user reads it (threads.read on the admin's feed) and answers with an attachment,
  // through the generated multipart function.
  const read = await markThreadRead({ client: user, path: { thread_id: order.thread_id }, body: { message_id: reply.message_id } });
  if (read.error) throw new Error(`markThreadRead: ${read.response.status} ${read.error.type}`);
  await adminFeed.next('threads.read', (e) => e.data.thread_id === order.thread_id && e.data.meta.reader === 'user');
  const png = readFileSync(pngPath);
  const uploaded = await uploadMessage({
    client: user,
    body: {
      thread_id: order.thread_id,
      message_content: 'Here is the receipt.',
      media_data: new File([png], basename(pngPath), { type: 'image/png' }),
    },
  });
  if (uploaded.error) throw new Error(`uploadMessage: ${uploaded.response.status} ${uploaded.error.type}: ${uploaded.error.detail ?? ''}`);
  check(uploaded.response.status === 201, `uploadMessage answered ${uploaded.response.status}`);
  const media = uploaded.data.media;
  check(media?.content_type === 'image/png', `uploadMessage media.content_type ${media?.content_type}`);
  check(media.size_bytes === png.length, `uploadMessage media.size_bytes ${media.size_bytes}, sent ${png.length}`);
  log(`uploaded ${media.filename} (${media.size_bytes} bytes, ${media.content_type})`);
  const withMedia = await adminFeed.next('messages.new', (e) => e.data.meta.message_id === uploaded.data.message_id);
  check(withMedia.data.meta.has_media && withMedia.data.meta.owner === 'user', 'messages.new of the upload: has_media/owner');

  // The admin takes the thread (threads.assigned, admins only) and leaves a note for the
  // team (admins only: the customer's feed never carries it).
  const team = await listAdmins({ client: admin });
  if (team.error) throw new Error(`listAdmins: ${team.response.status} ${team.error.type}`);
  const me = team.data.items[0];
  check(me?.role === 'admin', 'listAdmins: no admin');
  const assigned = await assignThread({ client: admin, path: { thread_id: order.thread_id }, body: { assignee_id: me.id } });
  if (assigned.error) throw new Error(`assignThread: ${assigned.response.status} ${assigned.error.type}`);
  check(assigned.data.assignee?.id === me.id, `assignThread: assignee ${assigned.data.assignee?.id}`);
  await adminFeed.next('threads.assigned', (e) => e.data.thread_id === order.thread_id && e.data.meta.assignee?.id === me.id);
  const noted = await createMessage({ client: admin, body: { thread_id: order.thread_id, message_content: 'Checked with the warehouse.', visibility: 'internal' } });
  if (noted.error) throw new Error(`createMessage (note): ${noted.response.status} ${noted.error.type}`);
  await adminFeed.next('messages.new', (e) => e.data.meta.message_id === noted.data.message_id && e.data.meta.visibility === 'internal');

  // The admin moves the order on and closes the thread; the user's feed says so.
  const shipped = await updateOrder({ client: admin, path: { order_id: order.order_id }, body: { status: 'paid' } });
  if (shipped.error) throw new Error(`updateOrder: ${shipped.response.status} ${shipped.error.type}`);
  const updated = await userFeed.next('orders.updated', (e) => e.data.order_id === order.order_id);
  check(updated.data.meta.previous_status === 'pending' && updated.data.meta.status === 'paid', 'orders.updated statuses');
  const closed = await updateThread({ client: admin, path: { thread_id: order.thread_id }, body: { is_active: false } });
  if (closed.error) throw new Error(`updateThread: ${closed.response.status} ${closed.error.type}`);
  check(closed.data.is_active === false, 'updateThread left the thread open');
  await userFeed.next('threads.closed', (e) => e.data.thread_id === order.thread_id);
  await adminFeed.next('threads.closed', (e) => e.data.thread_id === order.thread_id);

  // A problem handled by its typed error: posting to the closed thread is 409 thread-closed.
  const refused = await createMessage({ client: user, body: { thread_id: order.thread_id, message_content: 'One more thing…' } });
  check(refused.data === undefined, 'a message to a closed thread was accepted');
  expectProblem(refused.error, 409, refused.response.status, 'urn:orderchat:problem:thread-closed');

  // Notifications are the same union plus read state.
  const notifications = await listNotifications({ client: user, query: { limit: 50 } });
  if (notifications.error) throw new Error(`listNotifications: ${notifications.response.status} ${notifications.error.type}`);
  const note = notifications.data.items.find((n) => n.resource_type === 'messages.new' && n.data.meta.message_id === reply.message_id);
  check(note, 'no notification for the admin message');
  check(typeof note.is_read === 'boolean', 'notification is_read');
  for (const n of notifications.data.items) handle(n, 'user notification');

  // The SSE stream carries the same events as the feed, typed by the same schemas.
  await replayOverSse(admin, adminFeed);

  // Every event type was read from the feed and handled by its own case.
  const all: ResourceType[] = ['orders.created', 'orders.updated', 'messages.new', 'threads.closed', 'threads.read', 'threads.assigned'];
  const missing = all.filter((t) => !adminFeed.handled.has(t));
  check(missing.length === 0, `the admin feed never handled ${missing.join(', ')}`);
  // A type added to the spec later is skipped at run time, not a crash.
  check(handle({ ...orderCreated, resource_type: 'orders.refunded' } as unknown as Event, 'synthetic') === undefined, 'an unknown type was not skipped');

  log('ok');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exitCode = 1;
});
