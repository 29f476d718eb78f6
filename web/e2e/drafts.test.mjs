// What the user wrote survives leaving the page (issue 12, item 5): the composer's
// draft, and a message that could not be sent while the server was down, are kept per
// order until sent or discarded; Retry sends the restored message once (same
// message_id). And a file the server refuses for good (item 11, 415) shows the
// server's reason, with no Retry and no broken image. Run with `npm run test:e2e`
// after `make build`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { api, launchBrowser, screenshot, signedInPage, startServer, waitForLive } from './harness.mjs';

const TIMEOUT = { timeout: 120_000 };
const messageBox = (page) => page.getByRole('textbox', { name: 'Message' });
const bubble = (page, text) => page.locator('.bubble', { hasText: text });

describe('drafts and unsent messages', () => {
  let server;
  let browser;
  let userToken;
  let order;
  let page;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    userToken = await server.mintToken({ sub: randomUUID(), role: 'user', email: 'nora@example.com' });
    order = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Kettle', quantity: 1, unit_price_cents: 3500 }],
    });
    page = await signedInPage(browser, server.baseUrl, userToken);
    await page.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
    await waitForLive(page);
    await page.getByRole('log').getByText('Order placed').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Away to the orders list and back, inside the app (no reload). */
  async function awayAndBack() {
    await page.getByRole('link', { name: '← Orders' }).click();
    await page.waitForURL(`${server.baseUrl}/orders`);
    await page.goBack();
    await page.waitForURL(`${server.baseUrl}/orders/${order.order_id}/chat`);
    await messageBox(page).waitFor();
  }

  it('keeps the draft across navigation, until it is sent', TIMEOUT, async () => {
    await messageBox(page).fill('Could you gift-wrap');
    await awayAndBack();
    assert.equal(await messageBox(page).inputValue(), 'Could you gift-wrap');

    await messageBox(page).press('End');
    await messageBox(page).pressSequentially(' it?');
    await messageBox(page).press('Enter');
    await page.locator('.bubble[data-delivery="sent"]', { hasText: 'Could you gift-wrap it?' }).waitFor();
    await awayAndBack();
    assert.equal(await messageBox(page).inputValue(), '');
  });

  it('keeps a message not sent while the server is down; Retry sends it once', TIMEOUT, async () => {
    const text = 'Sent while the server was down';
    await server.restart(async () => {
      await page.locator('[data-stream="open"]').waitFor({ state: 'detached', timeout: 20_000 });
      await messageBox(page).fill(text);
      await messageBox(page).press('Enter');
      const failed = page.locator('.bubble[data-delivery="failed"]', { hasText: text });
      await failed.locator('.bubble-failed', { hasText: 'Not sent' }).waitFor({ timeout: 40_000 });
      await failed.getByRole('button', { name: 'Retry' }).waitFor();

      await awayAndBack();
      await failed.locator('.bubble-failed', { hasText: 'Not sent' }).waitFor();
      assert.equal(await bubble(page, text).count(), 1);
      await screenshot(page, 'unsent-restored');
    });

    await waitForLive(page);
    const posts = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/messages') posts.push(request.postDataJSON());
    });
    const id = await bubble(page, text).getAttribute('data-message-id');
    await bubble(page, text).getByRole('button', { name: 'Retry' }).click();
    await page.locator('.bubble[data-delivery="sent"]', { hasText: text }).waitFor();
    assert.deepEqual(
      posts.map((p) => p.message_id),
      [id],
      'Retry re-posts the restored message with its own message_id',
    );

    const stored = await api(server.baseUrl, userToken, 'GET', `/messages?thread_id=${order.thread_id}&limit=200`);
    assert.equal(stored.items.filter((m) => m.message_content === text).length, 1);
    // Sent: no longer kept, so it does not come back as "Not sent".
    await awayAndBack();
    await page.locator('.bubble[data-delivery="sent"]', { hasText: text }).waitFor();
    assert.equal(await page.locator('.bubble[data-delivery="failed"]').count(), 0);
  });

  it('a file the server refuses (415) shows its reason, no Retry and no broken image; Discard removes it', TIMEOUT, async () => {
    const picker = page.locator('.composer input[type="file"]');
    await picker.setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('this is plain text, not a PNG\n') });
    await page.getByRole('button', { name: 'Remove fake.png' }).waitFor();
    await messageBox(page).fill('The label');
    await page.getByRole('button', { name: 'Send' }).click();

    const refused = page.locator('.bubble[data-delivery="failed"]', { hasText: 'The label' });
    await refused.locator('.bubble-failed', { hasText: /Not sent: attachments of type text\/plain.* are not allowed/ }).waitFor();
    assert.equal(await refused.getByRole('button', { name: 'Retry' }).count(), 0);
    assert.equal(await refused.locator('img').count(), 0, 'no image preview of a file that is not one');
    assert.equal(await page.locator('.composer img').count(), 0);
    await screenshot(page, 'attachment-refused');

    await refused.getByRole('button', { name: 'Discard' }).click();
    await refused.waitFor({ state: 'detached' });
  });
});
