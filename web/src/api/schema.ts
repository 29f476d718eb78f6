// Names for the generated OpenAPI types (gen/ts/schema.d.ts, produced by
// `npm run gen:ts`). Aliases only: every shape comes from the spec.
import type { components, paths } from '../../../gen/ts/schema';

export type { components, paths };

type Schemas = components['schemas'];

export type Order = Schemas['Order'];
export type OrderItem = Schemas['OrderItem'];
export type OrderStatus = Schemas['OrderStatus'];
export type Thread = Schemas['Thread'];
export type Message = Schemas['Message'];
export type Owner = Schemas['Owner'];
export type Notification = Schemas['Notification'];
export type Problem = Schemas['Problem'];
export type CreateMessageRequest = Schemas['CreateMessageRequest'];

/** One SSE `data:` payload, discriminated by `resource_type`. */
export type LiveEvent = Schemas['Event'];
export type LiveEventType = LiveEvent['resource_type'];
export type LiveEventOf<T extends LiveEventType> = Extract<LiveEvent, { resource_type: T }>;
export type StreamResetEvent = Schemas['StreamResetEvent'];
export type StreamTokenExpiredEvent = Schemas['StreamTokenExpiredEvent'];
