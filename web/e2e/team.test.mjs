// A support team shares the inbox (README.md: Web UI; openapi.yaml: assignThread,
// MessageVisibility): two admins and a customer in three browser contexts. Ada assigns the
// customer's thread to Bo from the inbox; Bo finds it under "Mine" and in his bell, and
// answers; Ada leaves an internal note. The customer sees Bo's name on the answer and never
// the note: not on the page, and not in any response their browser received (the REST
// bodies and the event stream). Run with `make build` first.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { api, launchBrowser, screenshot, signedInPage, startServer, waitForLive } from './harness.mjs';

const TIMEOUT = { timeout: 60_000 };

const bubble = (page, text) => page.locator('.bubble', { hasText: text });
const messageBox = (page) => page.getByRole('textbox', { name: 'Message' });
const bell = (page) => page.getByRole('button', { name: /^Notifications/ });
const bellEntries = (page) => page.getByRole('menu').locator('.bell-item');
const focusedText = (page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

async function send(page, text) {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

/**
 * Records the text of every response `page` receives from now on: REST bodies once
 * complete, and event streams as they arrive (a stream never completes, so Chromium hands
 * its bytes over through the DevTools protocol: Network.streamResourceContent).
 */
async function recordResponses(page) {
  const bodies = [];
  const reading = new Set();
  page.on('response', (response) => {
    if ((response.headers()['content-type'] ?? '').startsWith('text/event-stream')) return;
    // A redirect or an aborted request has no body to read.
    const read = response.text().then((text) => void bodies.push({ url: response.url(), text }), () => {});
    reading.add(read);
    void read.finally(() => reading.delete(read));
  });
  const streamed = [];
  const streams = new Set();
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    if (!response.mimeType.startsWith('text/event-stream')) return;
    streams.add(requestId);
    cdp.send('Network.streamResourceContent', { requestId }).then(
      ({ bufferedData }) => void streamed.push(Buffer.from(bufferedData, 'base64').toString()),
      () => {}, // the stream ended first: its bytes came as dataReceived
    );
  });
  cdp.on('Network.dataReceived', ({ requestId, data }) => {
    if (data && streams.has(requestId)) streamed.push(Buffer.from(data, 'base64').toString());
  });
  await cdp.send('Network.enable');
  /** The bodies (with `onlyApi`, those of /api/ only: not the app's own code) and the streams, as one text. */
  const text = async (onlyApi = false) => {
    await Promise.all(reading);
    const kept = bodies.filter(({ url }) => !onlyApi || new URL(url).pathname.startsWith('/api/'));
    return `${kept.map((body) => body.text).join('\n')}\n${streamed.join('')}`;
  };
  return { streamed: () => streamed.join(''), all: () => text(), api: () => text(true) };
}

describe('a support team: assignment and internal notes', () => {
  let server;
  let browser;
  let customer; // Grace Hopper's page
  let ada; // admin A's page
  let bo; // admin B's page
  let order;
  let received; // what the customer's browser received
  const marker = `note-marker-${randomUUID()}`;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const mint = (role, email, name) => server.mintToken({ sub: randomUUID(), role, email, name });
    const [customerToken, adaToken, boToken] = await Promise.all([
      mint('user', 'grace@example.com', 'Grace Hopper'),
      mint('admin', 'ada@example.com', 'Ada Lovelace'),
      mint('admin', 'bo@example.com', 'Bo Diddley'),
    ]);
    order = await api(server.baseUrl, customerToken, 'POST', '/orders', {
      items: [{ name: 'Blue mug', quantity: 2, unit_price_cents: 1250 }],
    });
    await api(server.baseUrl, customerToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Where is my parcel?',
    });
    // Signing in makes requests: Bo is then one of GET /admins, whom Ada can assign to.
    [customer, ada, bo] = await Promise.all([
      signedInPage(browser, server.baseUrl, customerToken),
      signedInPage(browser, server.baseUrl, adaToken),
      signedInPage(browser, server.baseUrl, boToken),
    ]);
    received = await recordResponses(customer);
    // Read again with the recorder on, so that the open stream is one it sees.
    await customer.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
    await waitForLive(customer);
    await bubble(customer, 'Where is my parcel?').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Ada assigns the thread to Bo from the inbox, by keyboard; Bo sees it live in "Mine" and in his bell', TIMEOUT, async () => {
    await bo.getByRole('link', { name: 'Inbox' }).click();
    await bo.getByRole('link', { name: 'Mine' }).click();
    await bo.waitForURL(`${server.baseUrl}/inbox?assignee=me`);
    assert.equal(await bo.getByRole('link', { name: 'Mine' }).getAttribute('aria-current'), 'page');
    await bo.getByText('Nothing is assigned to you.').waitFor();

    await ada.goto(`${server.baseUrl}/inbox`);
    const row = ada.locator('.list-card', { hasText: `Order ${order.order_id.slice(0, 8)}` });
    await row.locator('.list-card-title', { hasText: 'Grace Hopper' }).waitFor();
    await row.getByText('Grace Hopper: Where is my parcel?').waitFor();
    const assign = row.getByRole('button', { name: 'Unassigned' });
    assert.equal(await assign.getAttribute('aria-haspopup'), 'menu');
    await assign.focus();
    await ada.keyboard.press('Enter');
    assert.equal(await assign.getAttribute('aria-expanded'), 'true');
    assert.equal(await focusedText(ada), 'Assign to me');
    const toBo = row.getByRole('menuitemradio', { name: 'Bo Diddley' });
    await toBo.waitFor();
    assert.equal(await row.getByRole('menuitemradio', { name: 'Ada Lovelace' }).count(), 0, 'herself as "Assign to me" only');
    await screenshot(ada, 'team-assign-menu');
    await ada.keyboard.press('ArrowDown');
    assert.equal(await focusedText(ada), 'Bo Diddley');
    await ada.keyboard.press('Enter');
    await row.getByRole('button', { name: 'Assigned to Bo Diddley' }).waitFor();
    assert.equal(await row.locator('.avatar').textContent(), 'BD');
    assert.equal(await ada.getByRole('menu').count(), 0);

    const mine = bo.locator('.list-card', { hasText: `Order ${order.order_id.slice(0, 8)}` });
    await mine.getByRole('button', { name: 'Assigned to Bo Diddley' }).waitFor();
    await bo.getByRole('button', { name: /^Notifications, \d+ unread$/ }).waitFor();
    await bell(bo).click();
    const entry = bellEntries(bo).first();
    await entry.getByText(`Ada Lovelace assigned you order ${order.order_id.slice(0, 8)}`).waitFor();
    assert.match(await entry.textContent(), /Thread Assigned/);
    await screenshot(bo, 'team-bo-mine-and-bell');
    await bo.keyboard.press('Escape');
  });

  it('Bo answers and Ada leaves a note: the customer sees Bo’s name, and never the note', TIMEOUT, async () => {
    await bo.locator('.list-card', { hasText: 'Grace Hopper' }).getByRole('link').click();
    await bo.waitForURL(`${server.baseUrl}/orders/${order.order_id}/chat`);
    await send(bo, 'It ships tomorrow morning.');

    await ada.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
    await waitForLive(ada);
    const panel = ada.getByRole('region', { name: /^Chat · Order/ });
    await panel.getByText('With Grace Hopper').waitFor();
    await panel.getByRole('button', { name: 'Assigned to Bo Diddley' }).waitFor();
    await bubble(ada, 'It ships tomorrow morning.').locator('.bubble-author', { hasText: 'Bo Diddley (Support)' }).waitFor();

    const note = ada.getByRole('button', { name: 'Note', exact: true });
    await note.click();
    assert.equal(await note.getAttribute('aria-pressed'), 'true');
    await ada.locator('.composer--note').getByText('Only your team sees this').waitFor();
    await send(ada, `Customer asked twice, ${marker}`);
    for (const page of [ada, bo]) {
      const noteBubble = page.locator('.bubble--note', { hasText: marker });
      await noteBubble.getByText('Internal note · Ada Lovelace').waitFor();
    }
    await ada.locator('.bubble--note[data-delivery="sent"]', { hasText: marker }).waitFor();
    await screenshot(ada, 'team-ada-note');

    // After the note in the thread's events: once the customer has this, a note sent to them would have come first.
    await send(bo, 'Anything else I can help with?');
    await bubble(customer, 'Anything else I can help with?').waitFor();
    const answer = bubble(customer, 'It ships tomorrow morning.');
    assert.equal(await answer.locator('.bubble-author').textContent(), 'Bo Diddley (Support)');
    assert.match(received.streamed(), /Anything else I can help with\?/, 'the recorder missed the event stream');

    // And after a reload: history, thread preview and notifications come over REST.
    await customer.reload();
    await waitForLive(customer);
    await bubble(customer, 'Anything else I can help with?').waitFor();
    await bell(customer).click();
    await bellEntries(customer).first().waitFor();
    await screenshot(customer, 'team-customer-chat');
    await customer.keyboard.press('Escape');

    const everything = await received.all();
    assert.match(everything, /It ships tomorrow morning\./, 'the recorder missed the REST bodies');
    assert.ok(!everything.includes(marker), 'the note reached the customer’s browser');
    // Nor does the assignment: users get no threads.assigned and a null assignee (openapi.yaml: Assignee).
    assert.doesNotMatch(await received.api(), /threads\.assigned|"assignee":\{/);
    assert.ok(!(await customer.locator('body').innerText()).includes(marker), 'the note is on the customer’s page');
    assert.equal(await customer.locator('.bubble--note').count(), 0);

    // Ada's own assignment is no news to her; Bo's answer and Ada's note are to each other.
    await bell(ada).click();
    await bellEntries(ada).first().waitFor();
    assert.doesNotMatch((await bellEntries(ada).allTextContents()).join('\n'), /Thread Assigned|assigned/);
    await ada.keyboard.press('Escape');
  });
});
