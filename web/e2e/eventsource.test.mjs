// A browser's own EventSource, opened with a stream ticket and nothing else, keeps
// receiving every event across a server restart: redeeming the ticket set the stream
// cookie, which the EventSource's automatic reconnect (same URL, spent ticket,
// Last-Event-ID) carries. Run with `npm run test:e2e` after `make build`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { api, launchBrowser, startServer } from './harness.mjs';

const TIMEOUT = { timeout: 120_000 };

/**
 * A page of the server's origin with no application code (the JSON of /healthz) running
 * the snippet a page needs, and nothing more; `opens` only counts connections.
 */
async function eventSourcePage(browser, baseUrl, url) {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/healthz`);
  await page.evaluate((url) => {
    window.got = [];
    window.opens = 0;
    const es = new EventSource(url);
    es.onmessage = (e) => window.got.push(JSON.parse(e.data));
    es.onopen = () => window.opens++;
    window.es = es;
  }, url);
  await page.waitForFunction(() => window.opens === 1);
  return { context, page };
}

const texts = (page) =>
  page.evaluate(() => window.got.filter((e) => e.resource_type === 'messages.new').map((e) => e.data.meta.message_content));

async function waitForTexts(page, want) {
  await page.waitForFunction((n) => window.got.filter((e) => e.resource_type === 'messages.new').length >= n, want.length, {
    timeout: 30_000,
  });
  assert.deepEqual(await texts(page), want);
}

describe('a native EventSource with a ticket', () => {
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

  it('resumes by itself across a server restart, each event once and in order', TIMEOUT, async (t) => {
    const sub = randomUUID();
    const userToken = await server.mintToken({ sub, role: 'user', email: 'eve@example.com' });
    const adminToken = await server.mintToken({ sub: randomUUID(), role: 'admin', email: 'ops@example.com' });
    const order = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Blue mug', quantity: 1, unit_price_cents: 1250 }],
    });
    const say = (text) =>
      api(server.baseUrl, adminToken, 'POST', '/messages', { thread_id: order.thread_id, message_content: text });
    const streamPath = `/api/users/sse/notification/${sub}`;
    const streamUrl = async () => {
      const { ticket } = await api(server.baseUrl, userToken, 'POST', '/sse/tickets');
      return `${server.baseUrl}${streamPath}?ticket=${encodeURIComponent(ticket)}`;
    };

    // One browser keeps what the server gave it; the other loses its cookies, as a browser
    // would that ignored the stream cookie: it shows what the cookie is for.
    const keeper = await eventSourcePage(browser, server.baseUrl, await streamUrl());
    const forgetter = await eventSourcePage(browser, server.baseUrl, await streamUrl());

    const [cookie] = await keeper.context.cookies();
    assert.equal(cookie?.name, 'orderchat_stream');
    assert.equal(cookie.path, streamPath);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.secure, false); // plain http
    const now = Date.now() / 1000; // the token lasts an hour (`orderchat token` by default)
    assert.ok(cookie.expires > now + 3500 && cookie.expires <= now + 3601, `the cookie expires with the token: ${cookie.expires}`);
    assert.equal(await keeper.page.evaluate(() => document.cookie), '', 'scripts cannot read it');
    await forgetter.context.clearCookies();

    await say('before the restart');
    await waitForTexts(keeper.page, ['before the restart']);
    await waitForTexts(forgetter.page, ['before the restart']);

    await server.restart();
    await say('while the browser was away'); // most likely before the EventSource's retry
    t.diagnostic(`connections when the second event was written: ${await keeper.page.evaluate(() => window.opens)}`);
    await keeper.page.waitForFunction(() => window.opens === 2, null, { timeout: 30_000 });
    await say('after it came back');
    await waitForTexts(keeper.page, ['before the restart', 'while the browser was away', 'after it came back']);

    const ids = await keeper.page.evaluate(() => window.got.map((e) => e.id));
    assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b), `ids in order, each once: ${ids}`);
    assert.equal(await keeper.page.evaluate(() => window.es.readyState), 1, 'still open');

    // Without the cookie, the reconnect re-sent the spent ticket alone: 401, and an
    // EventSource gives up for good on an HTTP error.
    await forgetter.page.waitForFunction(() => window.es.readyState === 2, null, { timeout: 30_000 });
    assert.deepEqual(await texts(forgetter.page), ['before the restart']);

    await keeper.context.close();
    await forgetter.context.close();
  });
});
