// Pages recover by themselves after an outage (issue 12, item 4): the real server
// stops while an order page is open, the user moves around the app (a page not seen
// before shows the error, with a Retry), the server starts again: without a reload
// the pages load, and the chat is live again. Run with `npm run test:e2e` after
// `make build`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { api, launchBrowser, screenshot, signedInPage, startServer, waitForLive } from './harness.mjs';

const TIMEOUT = { timeout: 120_000 };

describe('recovery after an outage', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an order page opened while the server was down loads by itself once it is back', TIMEOUT, async () => {
    const userToken = await server.mintToken({ sub: randomUUID(), role: 'user', email: 'rita@example.com' });
    const adminToken = await server.mintToken({ sub: randomUUID(), role: 'admin', email: 'desk@example.com' });
    const place = (name) =>
      api(server.baseUrl, userToken, 'POST', '/orders', { items: [{ name, quantity: 1, unit_price_cents: 990 }] });
    const first = await place('Lamp');
    const second = await place('Rug');

    const page = await signedInPage(browser, server.baseUrl, userToken);
    // In the app from the list (no reload), so that the list is in the cache.
    await page.locator(`a[href="/orders/${first.order_id}"]`).click();
    await page.getByRole('button', { name: /^Open chat/ }).click();
    await page.waitForURL(`${server.baseUrl}/orders/${first.order_id}/chat`);
    await page.getByRole('log').getByText('Order placed').waitFor();
    // An event arrives first, as in real use: the stream then resumes after the outage
    // from its id (Last-Event-ID), with no reset to reload anything.
    await api(server.baseUrl, adminToken, 'POST', '/messages', { thread_id: first.thread_id, message_content: 'Hi Rita' });
    await page.locator('.bubble', { hasText: 'Hi Rita' }).waitFor();
    // Set once; a reload would lose it.
    await page.evaluate(() => {
      window.sameDocument = true;
    });

    await server.restart(async () => {
      await page.locator('[data-stream="open"]').waitFor({ state: 'detached', timeout: 20_000 });
      // Away (the list, from the cache) and on to an order this tab has not loaded yet.
      await page.getByRole('link', { name: '← Orders' }).click();
      await page.waitForURL(`${server.baseUrl}/orders`);
      await page.locator(`a[href="/orders/${second.order_id}"]`).click();
      await page.getByRole('heading', { name: 'Order not available' }).waitFor({ timeout: 30_000 });
      const alert = page.getByRole('alert').filter({ hasText: 'Cannot reach the server' });
      await alert.waitFor();
      await alert.getByRole('button', { name: 'Retry' }).waitFor();
      await screenshot(page, 'outage-order-not-available');
    });

    // Back up: no click, no reload.
    await page.getByRole('heading', { name: `Order ${second.order_id.slice(0, 8)}`, exact: true }).waitFor({ timeout: 40_000 });
    await waitForLive(page);
    assert.equal(await page.getByRole('heading', { name: 'Order not available' }).count(), 0);
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'the page was reloaded');

    // And live: support writes, the chat opens with the message.
    await api(server.baseUrl, adminToken, 'POST', '/messages', {
      thread_id: second.thread_id,
      message_content: 'We are back online.',
    });
    await page.locator('.bubble', { hasText: 'We are back online.' }).waitFor({ timeout: 15_000 });
    await page.getByRole('log').getByText('Order placed').waitFor();
    await screenshot(page, 'outage-recovered');

    // The first order's page, from before the outage, is current too.
    await page.goBack();
    await page.goBack();
    await page.waitForURL(`${server.baseUrl}/orders/${first.order_id}/chat`);
    await page.getByRole('heading', { name: `Order ${first.order_id.slice(0, 8)}`, exact: true }).waitFor();
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'the page was reloaded');
    await page.context().close();
  });
});
