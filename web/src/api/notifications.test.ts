import { describe, expect, it } from 'vitest';

import { inventoryEvent, messageEvent } from '../testing/fixtures.ts';
import { createApiClient } from './client.ts';
import { isKnownEvent } from './events.ts';
import { fetchNotifications } from './notifications.ts';

describe('fetchNotifications', () => {
  it('keeps every item of GET /notifications, unknown types as generic entries, and leaves out malformed ones', async () => {
    const body = {
      items: [
        { ...inventoryEvent(12), is_read: false },
        { ...messageEvent(11), is_read: true },
        { id: 10, resource_type: 'orders.updated', is_read: false }, // no data, no created_at
      ],
      next_cursor: null,
      unread_count: 4,
    };
    let url = '';
    const api = createApiClient({
      getToken: () => 'jwt',
      onUnauthorized: () => {},
      baseUrl: 'http://test/api',
      fetch: async (input) => {
        url = (input as Request).url;
        return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
      },
    });
    const page = await fetchNotifications(api, 20);
    expect(new URL(url).pathname).toBe('/api/notifications');
    expect(new URL(url).searchParams.get('limit')).toBe('20');
    expect(page.unreadCount).toBe(4);
    expect(page.items.map((n) => [n.id, n.resource_type, n.is_read, isKnownEvent(n)])).toEqual([
      [12, 'inventory.updated', false, false],
      [11, 'messages.new', true, true],
    ]);
  });
});
