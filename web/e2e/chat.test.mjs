// The UI against the real server in headless Chromium: a customer and an
// admin in two browser contexts (README.md: Web UI). Run with `npm run test:e2e`
// after `make build`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  api,
  clearResults,
  launchBrowser,
  makePng,
  publishScreenshot,
  screenshot,
  signedInPage,
  startServer,
  waitForLive,
} from './harness.mjs';

const TIMEOUT = { timeout: 30_000 };

const bubble = (page, text) => page.locator('.bubble', { hasText: text });
const messageBox = (page) => page.getByRole('textbox', { name: 'Message' });
const bell = (page) => page.getByRole('button', { name: /^Notifications/ });
/** The bell's notification entries (the menu's first item is the header's "Mark all read"). */
const bellEntries = (page) => page.locator('[role="menuitem"].bell-item');
const isPostMessage = (route) => route.request().method() === 'POST';
const postMessagesUrl = (url) => url.pathname === '/api/messages';

async function send(page, text) {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

/** True when the page cannot scroll sideways. */
function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

describe('orderchat in the browser', () => {
  let server;
  let browser;
  let userToken;
  let user; // the customer's page
  let admin; // the admin's page
  let orderId;

  before(async () => {
    await clearResults();
    server = await startServer();
    browser = await launchBrowser();
    userToken = await server.mintToken({ sub: randomUUID(), role: 'user', email: 'ada@example.com', name: 'Ada Byron' });
    const adminToken = await server.mintToken({
      sub: randomUUID(),
      role: 'admin',
      email: 'support@example.com',
      name: 'Sam Rivera',
    });
    [user, admin] = await Promise.all([
      signedInPage(browser, server.baseUrl, userToken),
      signedInPage(browser, server.baseUrl, adminToken),
    ]);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in from the link without leaving the token in the URL', TIMEOUT, async () => {
    assert.equal(await user.evaluate(() => location.href), `${server.baseUrl}/orders`);
    assert.equal(await user.evaluate(() => sessionStorage.getItem('orderchat.token')), userToken);
    // The header names the viewer by the token's `name` claim.
    await user.locator('.who', { hasText: 'Ada Byron' }).waitFor();
    await admin.locator('.who', { hasText: 'Sam Rivera' }).waitFor();
    await user.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('the core sequence: the customer chats with support, live, each message once', TIMEOUT, async () => {
    await user.getByRole('link', { name: 'New order' }).click();
    await user.getByLabel('Name').fill('Blue mug');
    await user.getByLabel('Quantity').fill('2');
    await user.getByLabel('Unit price').fill('12.50');
    await user.getByRole('button', { name: 'Add item' }).click();
    const second = user.getByRole('group', { name: 'Item 2' });
    await second.getByLabel('Name').fill('Tea towel');
    await second.getByLabel('Unit price').fill('4.99');
    await user.getByRole('button', { name: 'Place order' }).click();
    await user.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    orderId = new URL(user.url()).pathname.split('/')[2];
    await user.locator('.items .total', { hasText: '29.99' }).waitFor();
    await screenshot(user, 'user-order-details');

    // The floating button opens the panel (and /chat in the address bar).
    await user.getByRole('button', { name: /^Open chat/ }).click();
    await user.waitForURL(`${server.baseUrl}/orders/${orderId}/chat`);
    await user.getByRole('log').getByText('Order placed').waitFor();

    await admin.goto(`${server.baseUrl}/orders/${orderId}`);
    await waitForLive(admin);
    await admin.getByRole('button', { name: /^Open chat/ }).click();
    await send(admin, 'Hello Ada, thanks for your order!');

    await bubble(user, 'Hello Ada').waitFor();
    assert.match(await bubble(user, 'Hello Ada').getAttribute('class'), /bubble--admin/);
    assert.equal(await bubble(user, 'Hello Ada').locator('.bubble-author').textContent(), 'Sam Rivera (Support)');

    await send(user, 'Thanks! When will it ship?');
    await bubble(admin, 'When will it ship?').waitFor();
    assert.equal(await bubble(admin, 'When will it ship?').locator('.bubble-author').textContent(), 'Ada Byron');
    assert.equal(await bubble(user, 'When will it ship?').locator('.bubble-author').textContent(), 'You');
    // The admin's open panel marks it read: the customer's tick turns to "seen".
    await bubble(user, 'When will it ship?').locator('.delivery--seen').waitFor();
    assert.equal(await bubble(user, 'When will it ship?').count(), 1);
    assert.equal(await bubble(admin, 'When will it ship?').count(), 1);
    assert.equal(await bubble(admin, 'Hello Ada').count(), 1);
    await screenshot(user, 'user-chat-live');
    await screenshot(admin, 'admin-chat-live');
  });

  it('the bell shows the admin’s message, and a click marks it read and opens the chat', TIMEOUT, async () => {
    await user.getByRole('link', { name: 'Orders', exact: true }).click();
    await user.waitForURL(`${server.baseUrl}/orders`);
    await send(admin, 'Your parcel has shipped.');

    await user.getByRole('button', { name: /^Notifications, \d+ unread$/ }).waitFor();
    await bell(user).click();
    const newest = bellEntries(user).first();
    await newest.getByText('Sam Rivera (Support): Your parcel has shipped.').waitFor();
    assert.match(await newest.textContent(), /New Message/);
    assert.match(await newest.getAttribute('class'), /is-unread/);
    await screenshot(user, 'user-bell-open');

    await newest.click();
    await user.waitForURL(`${server.baseUrl}/orders/${orderId}/chat`);
    await bubble(user, 'Your parcel has shipped.').waitFor();
    assert.equal(await user.getByRole('menu').count(), 0);

    // The click marked it read on the server too.
    const deadline = Date.now() + 5000;
    let stored;
    do {
      const list = await api(server.baseUrl, userToken, 'GET', '/notifications');
      stored = list.items.find((n) => n.data.meta.message_content === 'Your parcel has shipped.');
    } while (!stored?.is_read && Date.now() < deadline && (await new Promise((r) => setTimeout(r, 100)), true));
    assert.equal(stored?.is_read, true);
    await screenshot(user, 'user-deep-linked-chat');
  });

  it('shows a sent message at once as pending, then confirmed, and retries with the same id', TIMEOUT, async () => {
    // Hold the POST for a moment so the pending state is observable.
    await user.route(postMessagesUrl, async (route) => {
      if (isPostMessage(route)) await new Promise((r) => setTimeout(r, 2500));
      await route.continue();
    });
    await send(user, 'Optimistic hello');
    await bubble(user, 'Optimistic hello').waitFor({ timeout: 1000 });
    assert.equal(await bubble(user, 'Optimistic hello').getAttribute('data-delivery'), 'sending');
    await screenshot(user, 'optimistic-pending');
    await user.locator('.bubble[data-delivery="sent"]', { hasText: 'Optimistic hello' }).waitFor();
    await user.unroute(postMessagesUrl);
    await bubble(admin, 'Optimistic hello').waitFor();
    assert.equal(await bubble(user, 'Optimistic hello').count(), 1);
    assert.equal(await bubble(admin, 'Optimistic hello').count(), 1);

    // The first attempt fails on the network; Retry re-posts the same message_id.
    const attempts = [];
    await user.route(postMessagesUrl, async (route) => {
      if (!isPostMessage(route)) return route.continue();
      attempts.push(route.request().postDataJSON().message_id);
      return attempts.length === 1 ? route.abort('internetdisconnected') : route.continue();
    });
    await send(user, 'Retry me');
    await user.locator('.bubble[data-delivery="failed"]', { hasText: 'Retry me' }).waitFor();
    await screenshot(user, 'send-failed');
    await bubble(user, 'Retry me').getByRole('button', { name: 'Retry' }).click();
    await user.locator('.bubble[data-delivery="sent"]', { hasText: 'Retry me' }).waitFor();
    await user.unroute(postMessagesUrl);
    await bubble(admin, 'Retry me').waitFor();
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0], attempts[1]);
    assert.equal(await bubble(user, 'Retry me').count(), 1);
    assert.equal(await bubble(admin, 'Retry me').count(), 1);
  });

  it('sends an image the other side sees rendered, and refuses files over 5 MiB', TIMEOUT, async () => {
    const picker = user.locator('.composer input[type="file"]');
    await picker.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
    await user.getByRole('alert').filter({ hasText: 'at most 5 MiB' }).waitFor();

    await picker.setInputFiles({ name: 'square.png', mimeType: 'image/png', buffer: makePng(96) });
    await user.getByRole('button', { name: 'Remove square.png' }).waitFor();
    await messageBox(user).fill('Here is a photo of the box');
    await user.getByRole('button', { name: 'Send' }).click();

    await admin.waitForFunction(() => {
      const img = document.querySelector('img.bubble-image[alt="square.png"]');
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth === 96;
    });
    await bubble(admin, 'Here is a photo of the box').waitFor();
    await user.locator('.bubble[data-delivery="sent"]', { hasText: 'Here is a photo' }).locator('img').waitFor();
    await screenshot(admin, 'admin-sees-attachment');
    await publishScreenshot(await screenshot(user, 'user-chat'), 'user-chat.png');
  });

  it('opens by itself when the other side writes, unless minimized: then a badge', TIMEOUT, async () => {
    // A fresh visit: the admin has not minimized the chat on this page.
    await admin.goto(`${server.baseUrl}/orders/${orderId}`);
    await waitForLive(admin);
    const panel = admin.getByRole('region', { name: /^Chat · Order/ });
    assert.equal(await panel.isVisible(), false);

    // Too long for an event (its text is cut at ~2 KB): the UI fetches all of it.
    const long = `Are you there? ${'This is a long question about the order. '.repeat(60)}`.trim();
    await send(user, long);
    await panel.waitFor();
    await admin.waitForURL(`${server.baseUrl}/orders/${orderId}/chat`);
    await admin.waitForFunction(
      (text) => [...document.querySelectorAll('.bubble-text')].some((p) => p.textContent === text),
      long,
    );

    await admin.getByRole('button', { name: 'Minimize chat' }).click();
    await panel.waitFor({ state: 'hidden' });
    assert.equal(await admin.evaluate(() => document.activeElement?.className), 'chat-launcher');
    await send(user, 'Hello?');
    await admin.getByRole('button', { name: 'Open chat, 1 unread' }).waitFor();
    assert.equal(await panel.isVisible(), false);
    await screenshot(admin, 'admin-unread-badge');

    await admin.getByRole('button', { name: /^Open chat/ }).click();
    await bubble(user, 'Hello?').locator('.delivery--seen').waitFor();
    assert.equal(await admin.locator('.chat-launcher-badge').count(), 0);
  });

  it('shows a status change live on the order page, in the timeline and in the customer’s bell', TIMEOUT, async () => {
    await admin.getByLabel('Status').selectOption('paid');
    await admin.getByRole('button', { name: 'Update status' }).click();
    await user.locator('.page-head .status', { hasText: 'paid' }).waitFor();
    for (const page of [user, admin]) {
      await page.getByRole('log').getByText('Order status changed from pending to paid').waitFor();
    }

    await bell(user).click();
    const newest = bellEntries(user).first();
    await newest.getByText('Status: pending → paid').waitFor();
    assert.match(await newest.textContent(), /Order Updated/);
    await user.keyboard.press('Escape');
    // The server leaves an admin's own change out of their notifications; so does the live list.
    await bell(admin).click();
    await bellEntries(admin).first().waitFor();
    assert.equal(await admin.getByRole('menuitem').filter({ hasText: 'Order Updated' }).count(), 0);
    await admin.keyboard.press('Escape');
  });

  it('closing the thread locks the chat on both sides, live', TIMEOUT, async () => {
    await admin.getByRole('button', { name: 'Close thread' }).click();
    await admin.getByRole('button', { name: 'Confirm close' }).click();
    for (const page of [admin, user]) {
      await page.getByRole('log').getByText('Thread closed by admin').waitFor();
      await page.locator('.chat-closed').waitFor();
      assert.equal(await messageBox(page).isDisabled(), true);
      assert.equal(await page.getByRole('button', { name: 'Attach a file' }).isDisabled(), true);
    }
    await screenshot(user, 'user-thread-closed');
    await screenshot(admin, 'admin-thread-closed');
  });

  it('lists threads in the admin inbox, newest activity first, with unread counts', TIMEOUT, async () => {
    const other = await server.mintToken({ sub: randomUUID(), role: 'user', email: 'grace@example.com', name: 'Grace Hopper' });
    const order = await api(server.baseUrl, other, 'POST', '/orders', {
      items: [{ name: 'Green tea', quantity: 3, unit_price_cents: 450 }],
    });
    await api(server.baseUrl, other, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Can I change the delivery address?',
    });

    await admin.getByRole('link', { name: 'Inbox' }).click();
    const rows = admin.locator('.list-card');
    await rows.first().getByText(`Order ${order.order_id.slice(0, 8)}`).waitFor();
    await rows.first().getByLabel('1 unread').waitFor();
    // Customers by name, never by id.
    await rows.first().locator('.list-card-title', { hasText: 'Grace Hopper' }).waitFor();
    await rows.nth(1).locator('.list-card-title', { hasText: 'Ada Byron' }).waitFor();
    await rows.nth(1).getByText(`Order ${orderId.slice(0, 8)}`).waitFor();
    await rows.nth(1).getByText('closed').waitFor();

    await bell(admin).click();
    await bellEntries(admin).first().getByText('Grace Hopper: Can I change the delivery address?').waitFor();
    await publishScreenshot(await screenshot(admin, 'admin-inbox-bell'), 'admin-inbox-bell.png');
    await admin.keyboard.press('Escape');
  });

  it('operates the bell from the keyboard', TIMEOUT, async () => {
    const focused = () => admin.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    const focusedRole = () => admin.evaluate(() => document.activeElement?.getAttribute('role'));
    const items = admin.getByRole('menuitem'); // "Mark all read" in the header, then the notifications

    await bell(admin).focus();
    await admin.keyboard.press('Enter');
    assert.equal(await bell(admin).getAttribute('aria-expanded'), 'true');
    assert.equal(await focusedRole(), 'menuitem');
    assert.equal(await focused(), (await items.nth(1).textContent()).trim()); // the newest notification

    await admin.keyboard.press('ArrowUp');
    assert.equal(await focused(), 'Mark all read');
    await admin.keyboard.press('ArrowUp'); // wraps
    assert.equal(await focused(), (await items.last().textContent()).trim());
    await admin.keyboard.press('Home');
    assert.equal(await focused(), 'Mark all read');
    await admin.keyboard.press('ArrowDown');
    assert.equal(await focused(), (await items.nth(1).textContent()).trim());
    await screenshot(admin, 'bell-keyboard');

    await admin.keyboard.press('Escape');
    assert.equal(await admin.getByRole('menu').count(), 0);
    assert.equal(await bell(admin).getAttribute('aria-expanded'), 'false');
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute('aria-haspopup')), 'menu');

    // ArrowDown opens it too; Enter follows the focused notification.
    await admin.keyboard.press('ArrowDown');
    await admin.keyboard.press('Enter');
    await admin.waitForURL(/\/orders\/[0-9a-f-]{36}\/chat$/);
    await admin.getByText('Can I change the delivery address?').last().waitFor();
  });

  it('fits a 360 px wide screen without sideways scrolling', TIMEOUT, async () => {
    const phone = await signedInPage(browser, server.baseUrl, userToken, { width: 360, height: 740 });
    try {
      await phone.locator('.list-card').first().waitFor();
      assert.equal(await fitsWidth(phone), true, 'orders list scrolls sideways');
      await screenshot(phone, 'phone-orders');

      await phone.goto(`${server.baseUrl}/orders/${orderId}/chat`);
      await waitForLive(phone);
      await bubble(phone, 'Here is a photo of the box').waitFor();
      assert.equal(await fitsWidth(phone), true, 'order page scrolls sideways');
      const panel = await phone.getByRole('region', { name: /^Chat · Order/ }).boundingBox();
      assert.ok(panel && panel.x >= 0 && panel.x + panel.width <= 360, `chat panel outside the screen: ${JSON.stringify(panel)}`);
      await screenshot(phone, 'phone-chat');

      await phone.getByRole('button', { name: /^Hide chat/ }).click();
      await bell(phone).click();
      const menu = await phone.locator('.bell-popover').boundingBox();
      assert.ok(menu && menu.x >= 0 && menu.x + menu.width <= 360, `bell menu outside the screen: ${JSON.stringify(menu)}`);
      assert.equal(await fitsWidth(phone), true, 'bell menu scrolls sideways');
      await screenshot(phone, 'phone-bell');
    } finally {
      await phone.context().close();
    }
  });
});
