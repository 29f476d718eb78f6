// Accessibility checked by a tool (issue 12): axe-core runs on every page, for a customer
// and an admin, with the bell open and with the chat open (an admin's also writing a note,
// and the inbox with an assign menu open), at 1280 px and at 360 px (and in the dark
// colour scheme), and
// must report no serious or critical violation (color-contrast, 4.5:1, included).
// Run with `node --test web/e2e/a11y.test.mjs` after `make build`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, launchBrowser, repoRoot, signedInPage, startServer } from './harness.mjs';

const TIMEOUT = { timeout: 120_000 };
const AXE = join(repoRoot, 'node_modules/axe-core/axe.min.js');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

/** Runs axe on the page as it is now; returns its serious and critical violations, readable. */
async function seriousViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // Every rule axe ships (WCAG 2.x A/AA and best practices), color-contrast among them.
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('accessibility: axe-core on every page, both roles (issue 12)', () => {
  let server;
  let browser;
  let userToken;
  let adminToken;
  let order;
  let closedOrder;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    userToken = await server.mintToken({ sub: randomUUID(), role: 'user', email: 'ada@example.com' });
    adminToken = await server.mintToken({ sub: randomUUID(), role: 'admin', email: 'support@example.com' });
    // A colleague who has used the API: the assign menu lists them (GET /admins).
    const colleague = await server.mintToken({ sub: randomUUID(), role: 'admin', email: 'bo@example.com', name: 'Bo Diddley' });
    await api(server.baseUrl, colleague, 'GET', '/admins');
    order = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [
        { name: 'Blue mug', quantity: 2, unit_price_cents: 1250 },
        { name: 'Tea towel', quantity: 1, unit_price_cents: 499 },
      ],
    });
    const question = await api(server.baseUrl, userToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Hello, when will my order ship?',
    });
    const answer = await api(server.baseUrl, adminToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Tomorrow.',
    });
    // A note: the admin's chat shows it in its own colours (the customer's never gets it).
    await api(server.baseUrl, adminToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Goes with the morning van.',
      visibility: 'internal',
    });
    // Both sides have read: "seen" ticks on both bubbles.
    await api(server.baseUrl, adminToken, 'POST', `/threads/${order.thread_id}/read`, { message_id: question.message_id });
    await api(server.baseUrl, userToken, 'POST', `/threads/${order.thread_id}/read`, { message_id: answer.message_id });
    await api(server.baseUrl, adminToken, 'PATCH', `/orders/${order.order_id}`, { status: 'paid' });
    closedOrder = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Green tea', quantity: 3, unit_price_cents: 450 }],
    });
    await api(server.baseUrl, userToken, 'POST', '/messages', {
      thread_id: closedOrder.thread_id,
      message_content: 'Please cancel this one.',
    });
    await api(server.baseUrl, adminToken, 'PATCH', `/threads/${closedOrder.thread_id}`, { is_active: false });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Each step: a name, what to do on the page, and what shows it is ready. */
  const steps = (role, viewport) => [
    ['orders', (p) => p.goto(`${server.baseUrl}/orders`), '.list-card'],
    ...(role === 'admin' ? [['orders filtered', (p) => p.goto(`${server.baseUrl}/orders?status=paid`), '.list-card']] : []),
    ['new order', (p) => p.goto(`${server.baseUrl}/orders/new`), 'h1'],
    ['order', (p) => p.goto(`${server.baseUrl}/orders/${order.order_id}`), '.items .total'],
    ['order, chat open', (p) => p.goto(`${server.baseUrl}/orders/${order.order_id}/chat`), '.chat-panel.is-open .bubble'],
    [
      'order, chat open, seen ticks',
      (p) => p.goto(`${server.baseUrl}/orders/${order.order_id}/chat`),
      '.chat-panel.is-open .delivery--seen',
    ],
    ...(role === 'admin'
      ? [
          [
            'order, chat open, writing a note',
            (p) => p.getByRole('button', { name: 'Note', exact: true }).click(),
            '.composer--note .composer-hint',
          ],
          [
            'order, chat open, confirming a close',
            (p) => p.getByRole('button', { name: 'Close thread' }).click(),
            'text=Confirm close',
          ],
        ]
      : []),
    [
      'closed thread, chat open',
      (p) => p.goto(`${server.baseUrl}/orders/${closedOrder.order_id}/chat`),
      '.chat-panel.is-open .chat-closed',
    ],
    [
      'bell open over the chat',
      async (p) => {
        // On a phone the open chat is a sheet over the header: minimize it first.
        if (viewport === PHONE) await p.getByRole('button', { name: 'Minimize chat' }).click();
        await p.getByRole('button', { name: /^Notifications/ }).click();
      },
      '[role="menu"]',
    ],
    ['inbox', (p) => p.goto(`${server.baseUrl}/inbox`), role === 'admin' ? '.list-card' : 'h1'],
    ...(role === 'admin'
      ? [
          [
            'inbox, assign menu open',
            (p) => p.locator('.list-card .assign-button').first().click(),
            '.assign [role="menuitemradio"]:has-text("Bo Diddley")',
          ],
        ]
      : []),
    ['bell open', (p) => p.getByRole('button', { name: /^Notifications/ }).click(), '[role="menu"]'],
    ['signed-in sign-in page', (p) => p.goto(`${server.baseUrl}/signin`), 'text=Signed in as'],
    ['unknown page', (p) => p.goto(`${server.baseUrl}/no-such-page`), 'h1'],
  ];

  for (const role of ['user', 'admin']) {
    for (const [size, viewport, colorScheme] of [
      ['1280 px', DESKTOP, 'light'],
      ['360 px', PHONE, 'light'],
      ['1280 px, dark', DESKTOP, 'dark'],
    ]) {
      it(`${role} at ${size}: no serious or critical axe violation on any page`, TIMEOUT, async () => {
        const page = await signedInPage(browser, server.baseUrl, role === 'admin' ? adminToken : userToken, viewport);
        await page.emulateMedia({ colorScheme });
        const found = [];
        try {
          for (const [name, act, ready] of steps(role, viewport)) {
            await act(page);
            await page.locator(ready).first().waitFor();
            for (const v of await seriousViolations(page)) found.push({ page: name, ...v });
          }
        } finally {
          await page.context().close();
        }
        assert.deepEqual(found, [], JSON.stringify(found, null, 2));
      });
    }
  }

  it('signed out: the sign-in page, empty and with an error', TIMEOUT, async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const found = [];
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/signin`);
      await page.getByLabel('Access token').waitFor();
      for (const v of await seriousViolations(page)) found.push({ page: 'sign-in', ...v });
      await page.goto(`${server.baseUrl}/signin#token=not-a-token`);
      await page.getByRole('alert').waitFor();
      for (const v of await seriousViolations(page)) found.push({ page: 'sign-in error', ...v });
    } finally {
      await context.close();
    }
    assert.deepEqual(found, [], JSON.stringify(found, null, 2));
  });
});
