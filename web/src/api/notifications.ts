// GET /notifications, through the event parsing boundary (events.ts).
import type { ApiClient } from './client.ts';
import { expectOk } from './errors.ts';
import { toNotification, type Notification } from './events.ts';

export interface NotificationPage {
  /** Newest first; types this client does not know are kept (generic bell entries), malformed items left out. */
  items: Notification[];
  /** All of the caller's unread notifications, not only this page's. */
  unreadCount: number;
}

export async function fetchNotifications(api: ApiClient, limit: number): Promise<NotificationPage> {
  const page = await expectOk(api.GET('/notifications', { params: { query: { limit } } }));
  // Each item is checked like a stream event: the generated item type cannot
  // describe a type added to the spec after this build (nor, see schema.ts,
  // narrow on resource_type).
  const items: readonly unknown[] = page.items;
  return { items: items.flatMap((item) => toNotification(item) ?? []), unreadCount: page.unread_count };
}
