// Issue 12 item 6: the chat's timeline after a reload equals the live one (order
// placed, every status change with its time, thread closed), built from what the API
// returns (the order's status_history). Run with `make build` first.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { api, launchBrowser, screenshot, signedInPage, startServer, waitForLive } from './harness.mjs';

const TIMEOUT = { timeout: 60_000 };

/** The chat's system lines, in order: their text and the time each shows. */
function systemLines(page) {
  return page
    .getByRole('log')
    .locator('.system-line')
    .evaluateAll((lines) => lines.map((line) => line.textContent.replace(/\s+/g, ' ').trim()));
}

describe('the chat timeline survives a reload', () => {
  let server;
  let browser;
  let userToken;
  let adminToken;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    userToken = await server.mintToken({ sub: randomUUID(), role: 'user', email: 'tim@example.com' });
    adminToken = await server.mintToken({ sub: randomUUID(), role: 'admin', email: 'support@example.com' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('status changes made live are still there after a reload, in the same order and with the same times', TIMEOUT, async () => {
    const order = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Teapot', quantity: 1, unit_price_cents: 3200 }],
    });
    const user = await signedInPage(browser, server.baseUrl, userToken);
    try {
      await user.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
      await waitForLive(user);
      const log = user.getByRole('log');
      await log.getByText('Order placed').waitFor();
      await api(server.baseUrl, userToken, 'POST', '/messages', { thread_id: order.thread_id, message_content: 'Is it packed?' });
      await log.getByText('Is it packed?').waitFor();

      // Two status changes and the close, live.
      await api(server.baseUrl, adminToken, 'PATCH', `/orders/${order.order_id}`, { status: 'paid' });
      await log.getByText('Order status changed from pending to paid').waitFor();
      await api(server.baseUrl, adminToken, 'PATCH', `/orders/${order.order_id}`, { status: 'shipped' });
      await log.getByText('Order status changed from paid to shipped').waitFor();
      await api(server.baseUrl, adminToken, 'PATCH', `/threads/${order.thread_id}`, { is_active: false });
      await log.locator('.system-line', { hasText: /Thread closed/ }).waitFor();
      const live = await systemLines(user);
      assert.equal(live.length, 4, `live lines: ${JSON.stringify(live)}`);
      assert.match(live[0], /Order placed/);
      assert.match(live[1], /Order status changed from pending to paid/);
      assert.match(live[2], /Order status changed from paid to shipped/);
      assert.match(live[3], /Thread closed/);
      await screenshot(user, 'timeline-live');

      await user.reload();
      await waitForLive(user);
      await user.getByRole('log').locator('.system-line', { hasText: /Thread closed/ }).waitFor();
      await user.getByRole('log').getByText('Is it packed?').waitFor();
      // Give a missing line every chance to appear before comparing.
      await user
        .getByRole('log')
        .getByText('Order status changed from paid to shipped')
        .waitFor({ timeout: 5000 })
        .catch(() => {});
      assert.deepEqual(await systemLines(user), live);
      await screenshot(user, 'timeline-after-reload');
    } finally {
      await user.context().close();
    }
  });

  it('an admin opening the chat later sees every change made before, in order', TIMEOUT, async () => {
    const order = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Mug', quantity: 2, unit_price_cents: 1250 }],
    });
    for (const status of ['paid', 'processing', 'shipped']) {
      await api(server.baseUrl, adminToken, 'PATCH', `/orders/${order.order_id}`, { status });
    }
    const admin = await signedInPage(browser, server.baseUrl, adminToken);
    try {
      await admin.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
      await waitForLive(admin);
      const log = admin.getByRole('log');
      await log.getByText('Order placed').waitFor();
      await log
        .getByText('Order status changed from processing to shipped')
        .waitFor({ timeout: 5000 })
        .catch(() => {});
      const lines = await systemLines(admin);
      assert.deepEqual(
        lines.map((line) => line.replace(/^.*?(Order placed|Order status changed from \w+ to \w+).*$/, '$1')),
        [
          'Order placed',
          'Order status changed from pending to paid',
          'Order status changed from paid to processing',
          'Order status changed from processing to shipped',
        ],
      );
    } finally {
      await admin.context().close();
    }
  });
});
