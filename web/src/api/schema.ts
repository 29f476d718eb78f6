// Names for the generated OpenAPI types (gen/ts/schema.d.ts, produced by
// `npm run gen:ts`). Aliases only: every shape comes from the spec. What the
// client makes of events that arrive (including types it does not know) is in
// events.ts.
import type { components, paths } from '../../../gen/ts/schema';

export type { components, paths };

type Schemas = components['schemas'];

export type Order = Schemas['Order'];
export type OrderItem = Schemas['OrderItem'];
export type OrderStatus = Schemas['OrderStatus'];
export type Thread = Schemas['Thread'];
export type Message = Schemas['Message'];
export type Owner = Schemas['Owner'];
export type Person = Schemas['Person'];
export type Customer = Schemas['Customer'];
/** The admin handling a thread, or null (users always get null). */
export type Assignee = Schemas['Assignee'];
export type MessageVisibility = Schemas['MessageVisibility'];
/** listThreads' `assignee` filter (admins): theirs, or the unassigned ones. */
export type InboxFilter = NonNullable<NonNullable<paths['/threads']['get']['parameters']['query']>['assignee']>;
export type Problem = Schemas['Problem'];
export type ProblemType = Schemas['ProblemType'];
export type CreateMessageRequest = Schemas['CreateMessageRequest'];
export type CreateMessageUpload = Schemas['CreateMessageUpload'];
export type ReadState = Schemas['ReadState'];
// Not aliased: Schemas['Notification'] (the known types plus is_read); events.ts
// widens it with the types this build does not know.

/** A page of a cursor-paged collection (OrderList, ThreadList, MessageList...). */
export type Page<T> = { items: T[]; next_cursor: Schemas['NextCursor'] };

/** One event of the log (the streams, GET /events, GET /notifications), discriminated by `resource_type`. */
export type KnownEvent = Schemas['Event'];
export type KnownEventType = KnownEvent['resource_type'];
export type EventOf<T extends KnownEventType> = Extract<KnownEvent, { resource_type: T }>;

/** One SSE `data:` payload: a KnownEvent or one of the stream's own control events. */
export type StreamEvent = Schemas['StreamEvent'];
export type StreamEventOf<T extends StreamEvent['resource_type']> = Extract<StreamEvent, { resource_type: T }>;
export type StreamResetEvent = Schemas['StreamResetEvent'];
export type StreamTokenExpiredEvent = Schemas['StreamTokenExpiredEvent'];
export type StreamControlEvent = StreamResetEvent | StreamTokenExpiredEvent;
export type StreamControlType = StreamControlEvent['resource_type'];
