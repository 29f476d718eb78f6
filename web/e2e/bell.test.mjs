// Issue 12 item 7, quiet notifications: read receipts never become bell entries; reading
// a chat reads its notifications (server state: another tab agrees); a thread's entries
// collapse into one with a count; "Mark all read" sits in the dropdown's header.
// Run with `make build` first.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { api, launchBrowser, screenshot, signedInPage, startServer, waitForLive } from './harness.mjs';

const TIMEOUT = { timeout: 45_000 };

const bell = (page) => page.getByRole('button', { name: /^Notifications/ });
/** The bell's notification entries (not its "Mark all read"). */
const entries = (page) => page.getByRole('menu').locator('.bell-item');
const shortId = (id) => id.slice(0, 8);

async function openBell(page) {
  if ((await bell(page).getAttribute('aria-expanded')) !== 'true') await bell(page).click();
  await page.getByRole('menu').waitFor();
}

async function closeBell(page) {
  if ((await bell(page).getAttribute('aria-expanded')) === 'true') await page.keyboard.press('Escape');
}

/** Polls the server until `check` holds for the caller's GET /notifications. */
async function eventually(baseUrl, token, check, what) {
  const deadline = Date.now() + 5000;
  let list;
  while (Date.now() < deadline) {
    list = await api(baseUrl, token, 'GET', '/notifications?limit=50');
    if (check(list)) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: ${JSON.stringify(list)}`);
}

describe('quiet notifications', () => {
  let server;
  let browser;
  let userToken;
  let adminToken;
  let user; // the customer's page
  let order; // the order whose chat is talked about

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    userToken = await server.mintToken({ sub: randomUUID(), role: 'user', email: 'quiet@example.com' });
    adminToken = await server.mintToken({ sub: randomUUID(), role: 'admin', email: 'support@example.com', name: 'Sam Rivera' });
    order = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Teapot', quantity: 1, unit_price_cents: 3200 }],
    });
    user = await signedInPage(browser, server.baseUrl, userToken);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the other side reading is no bell entry, live or after a reload', TIMEOUT, async () => {
    const asked = await api(server.baseUrl, userToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Is the teapot dishwasher safe?',
    });
    await api(server.baseUrl, adminToken, 'POST', `/threads/${order.thread_id}/read`, { message_id: asked.message_id });
    // The stream is ordered: once this message is in the bell, the read receipt came before it.
    await api(server.baseUrl, adminToken, 'POST', '/messages', { thread_id: order.thread_id, message_content: 'Yes, it is.' });

    for (const when of ['live', 'after a reload']) {
      await openBell(user);
      await entries(user).first().getByText('Sam Rivera (Support): Yes, it is.').waitFor();
      const texts = await entries(user).allTextContents();
      assert.equal(texts.length, 1, `${when}: bell entries ${JSON.stringify(texts)}`);
      assert.doesNotMatch(texts.join('\n'), /Seen|read your messages/, when);
      assert.equal(await bell(user).getAttribute('aria-label'), 'Notifications, 1 unread', when);
      await screenshot(user, `bell-no-receipt-${when === 'live' ? 'live' : 'reload'}`);
      await closeBell(user);
      if (when === 'live') {
        await user.reload();
        await waitForLive(user);
      }
    }
  });

  it('three new messages of one thread are one entry with a count', TIMEOUT, async () => {
    for (const text of ['It goes in the top rack.', 'It ships tomorrow.']) {
      await api(server.baseUrl, adminToken, 'POST', '/messages', { thread_id: order.thread_id, message_content: text });
    }
    await user.getByRole('button', { name: /^Notifications, \d+ unread$/ }).waitFor();
    await openBell(user);
    const ofOrder = entries(user).filter({ hasText: `Order ${shortId(order.order_id)}` });
    await ofOrder.first().getByText('Sam Rivera (Support): It ships tomorrow.').waitFor();
    assert.equal(await ofOrder.count(), 1, 'one entry for the thread');
    assert.match(await ofOrder.first().textContent(), /3 new messages/);
    assert.match(await ofOrder.first().getAttribute('class'), /is-unread/);
    assert.equal(await bell(user).getAttribute('aria-label'), 'Notifications, 3 unread');
    await screenshot(user, 'bell-collapsed-thread');
    await closeBell(user);
  });

  it('messages read in the open chat are not unread in the bell, in this tab nor in another', TIMEOUT, async () => {
    // Opened by its address, not from the bell (a click on an entry marks it read by itself).
    await user.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
    await waitForLive(user);
    await user.getByRole('log').getByText('It ships tomorrow.').waitFor();
    await user.getByRole('button', { name: 'Notifications', exact: true }).waitFor({ timeout: 5000 });
    await openBell(user);
    await entries(user).first().waitFor();
    assert.equal(await entries(user).filter({ hasText: /new message/i }).count(), 0, 'an entry still says new');
    assert.equal(await user.locator('.bell-item.is-unread').count(), 0);
    await closeBell(user);

    // The server agrees, so another tab (or device) does too.
    const list = await eventually(server.baseUrl, userToken, (l) => l.unread_count === 0, 'the server still counts unread');
    assert.ok(list.items.filter((n) => n.resource_type === 'messages.new').every((n) => n.is_read));
    const other = await signedInPage(browser, server.baseUrl, userToken);
    try {
      await openBell(other);
      await entries(other).first().getByText('Sam Rivera (Support): It ships tomorrow.').waitFor();
      assert.equal(await other.locator('.bell-item.is-unread').count(), 0);
      assert.equal(await bell(other).getAttribute('aria-label'), 'Notifications');
      await screenshot(other, 'bell-read-in-other-tab');
    } finally {
      await other.context().close();
    }
  });

  it('"Mark all read" sits in the dropdown\'s header, above the entries, and marks them all read', TIMEOUT, async () => {
    const second = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Cups', quantity: 4, unit_price_cents: 900 }],
    });
    await api(server.baseUrl, adminToken, 'PATCH', `/orders/${second.order_id}`, { status: 'paid' });
    await api(server.baseUrl, adminToken, 'POST', '/messages', { thread_id: second.thread_id, message_content: 'Paid, thanks!' });
    await user.goto(`${server.baseUrl}/orders`);
    await waitForLive(user);
    await user.getByRole('button', { name: /^Notifications, \d+ unread$/ }).waitFor();
    await openBell(user);
    await user.getByRole('menu').getByText('Sam Rivera (Support): Paid, thanks!').waitFor();
    // The status change and the message of one thread are one entry, with a count.
    const ofSecond = entries(user).filter({ hasText: `Order ${shortId(second.order_id)}` });
    assert.equal(await ofSecond.count(), 1, 'one entry for the second order');
    assert.match(await ofSecond.textContent(), /New Message · 2 new/);

    const header = user.locator('.bell-header');
    const markAll = header.getByRole('menuitem', { name: 'Mark all read' });
    await markAll.waitFor();
    const items = user.getByRole('menuitem');
    assert.equal((await items.first().textContent()).trim(), 'Mark all read', 'Mark all read is not the first item');
    assert.match(await header.textContent(), /Notifications/);
    const headerBox = await markAll.boundingBox();
    const firstEntry = await entries(user).first().boundingBox();
    assert.ok(headerBox.y + headerBox.height <= firstEntry.y + 1, 'Mark all read is not above the entries');
    await screenshot(user, 'bell-header-mark-all');

    await markAll.click();
    await user.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    assert.equal(await user.locator('.bell-item.is-unread').count(), 0);
    await eventually(server.baseUrl, userToken, (l) => l.unread_count === 0, 'read-all did not reach the server');
  });
});
