// Layout and small-corner checks of issue 12 in headless Chromium against the real server:
// the bell above the chat, a sign-in link pasted into the same tab, no sideways scrolling
// at 360 px on any route, whole-card links (beside an inbox row's assign menu), the admin
// chat header on one row, a closed thread said once, amounts with a currency, the sign-in
// error's wording, the seen ticks' contrast. Run with `node --test web/e2e/layout.test.mjs` after `make build`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { api, launchBrowser, publishScreenshot, screenshot, signedInPage, startServer, waitForLive } from './harness.mjs';

const TIMEOUT = { timeout: 60_000 };
const PHONE = { width: 360, height: 740 };

const bell = (page) => page.getByRole('button', { name: /^Notifications/ });
const chatPanel = (page) => page.getByRole('region', { name: /^Chat · Order/ });

/** True when the page cannot scroll sideways (the check, on the layout viewport). */
function fitsWidth(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
}

/** WCAG contrast ratio of two computed `rgb(...)` colours (the background opaque). */
function contrastInPage(page, selector, backgroundSelector) {
  return page.evaluate(
    ([sel, bgSel]) => {
      const el = document.querySelector(sel);
      const bg = el?.closest(bgSel);
      if (!el || !bg) return null;
      const rgb = (css) => css.match(/[\d.]+/g).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => {
        const ch = (c) => {
          const s = c / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
      };
      const a = lum(rgb(getComputedStyle(el).color));
      const b = lum(rgb(getComputedStyle(bg).backgroundColor));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    },
    [selector, backgroundSelector],
  );
}

/**
 * The chat header's rows: every direct control and the title block must share one band
 * (each one's top above every other's bottom), the title on one line, all inside the panel.
 */
function chatHeaderLayout(page) {
  return page.evaluate(() => {
    const header = document.querySelector('.chat-panel.is-open .chat-header');
    const panel = header.closest('.chat-panel').getBoundingClientRect();
    const title = header.querySelector('.chat-title');
    const parts = [header.firstElementChild, ...header.querySelectorAll('button')]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({ text: el.textContent.trim() || el.getAttribute('aria-label'), ...el.getBoundingClientRect().toJSON() }));
    const lineHeight = parseFloat(getComputedStyle(title).lineHeight);
    return {
      oneRow: Math.max(...parts.map((p) => p.top)) < Math.min(...parts.map((p) => p.bottom)),
      titleLines: Math.round(title.getBoundingClientRect().height / lineHeight),
      inside: parts.every((p) => p.left >= panel.left - 0.5 && p.right <= panel.right + 0.5),
      headerHeight: header.getBoundingClientRect().height,
      parts,
    };
  });
}

describe('layout, phone widths and small corners (issue 12)', () => {
  let server;
  let browser;
  let userToken;
  let adminToken;
  let order; // the customer's order, chatted about
  let closedOrder; // another, whose thread the admin has closed

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    userToken = await server.mintToken({ sub: randomUUID(), role: 'user', email: 'ada@example.com' });
    adminToken = await server.mintToken({ sub: randomUUID(), role: 'admin', email: 'support@example.com' });
    order = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [
        { name: 'Blue mug', quantity: 2, unit_price_cents: 1250 },
        { name: 'Tea towel with a rather long product name for a narrow screen', quantity: 1, unit_price_cents: 499 },
      ],
    });
    await api(server.baseUrl, userToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Hello, when will my order ship?',
    });
    await api(server.baseUrl, adminToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Hi Ada! It leaves our warehouse tomorrow morning.',
    });
    await api(server.baseUrl, userToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Great, thank you. Could you wrap the mugs well?',
    });
    await api(server.baseUrl, adminToken, 'POST', '/messages', {
      thread_id: order.thread_id,
      message_content: 'Of course, double-boxed with paper. Tomorrow morning.',
    });
    closedOrder = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Green tea', quantity: 3, unit_price_cents: 450 }],
    });
    await api(server.baseUrl, adminToken, 'PATCH', `/threads/${closedOrder.thread_id}`, { is_active: false });
    // A message in a third thread: an unread bell entry that opening the first chat leaves unread.
    const third = await api(server.baseUrl, userToken, 'POST', '/orders', {
      items: [{ name: 'Teapot', quantity: 1, unit_price_cents: 3200 }],
    });
    await api(server.baseUrl, userToken, 'POST', '/messages', {
      thread_id: third.thread_id,
      message_content: 'Is the teapot dishwasher safe?',
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('item 1: the open bell lies above the chat panel and "Mark all read" takes a mouse click', TIMEOUT, async () => {
    const admin = await signedInPage(browser, server.baseUrl, adminToken);
    try {
      await admin.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
      await waitForLive(admin);
      await chatPanel(admin).waitFor();
      await admin.getByRole('button', { name: /^Notifications, \d+ unread$/ }).waitFor();
      await bell(admin).click();
      const markAll = admin.locator('button', { hasText: 'Mark all read' });
      await markAll.waitFor();
      const box = await markAll.boundingBox();
      const x = box.x + box.width / 2;
      const y = box.y + box.height / 2;
      const hit = await admin.evaluate(([px, py]) => document.elementFromPoint(px, py)?.closest('button')?.textContent ?? null, [x, y]);
      assert.equal(hit?.trim(), 'Mark all read', 'something covers "Mark all read"');
      await screenshot(admin, 'bell-above-chat');
      await admin.mouse.click(x, y);
      await admin.getByRole('button', { name: 'Notifications', exact: true }).waitFor({ timeout: 5000 });
    } finally {
      await admin.context().close();
    }
  });

  it('item 2: a sign-in link pasted into a tab already on /signin signs in and leaves the address bar', TIMEOUT, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/`);
      await page.waitForURL(`${server.baseUrl}/signin`);
      await page.getByLabel('Access token').waitFor();
      // Same document, new fragment: what pasting the link into the address bar does.
      await page.goto(`${server.baseUrl}/signin#token=${userToken}`);
      await page.waitForURL(`${server.baseUrl}/orders`, { timeout: 5000 });
      assert.equal(await page.evaluate(() => location.hash), '');
      assert.equal(await page.evaluate(() => sessionStorage.getItem('orderchat.token')), userToken);
      await page.getByText('ada@example.com').waitFor();
    } finally {
      await context.close();
    }
  });

  it('item 12: the sign-in error points at the token box where it is (above the message)', TIMEOUT, async () => {
    const context = await browser.newContext({ viewport: PHONE });
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/signin#token=not-a-token`);
      const error = page.getByRole('alert');
      await error.waitFor();
      const text = await error.textContent();
      assert.doesNotMatch(text, /below/, text);
      assert.match(text, /above/, text);
      const box = await page.getByLabel('Access token').boundingBox();
      const errorBox = await error.boundingBox();
      assert.ok(box.y + box.height <= errorBox.y, 'the token box is above the error');
      assert.equal(await page.evaluate(() => location.hash), '');
    } finally {
      await context.close();
    }
  });

  it('item 3: no route scrolls sideways at 360x740, for a user and an admin', TIMEOUT, async () => {
    const routes = [
      // [role, path, something that shows the page is ready]
      ['user', '/orders', '.list-card'],
      ['user', '/orders/new', 'text=Place order'],
      ['user', `/orders/${order.order_id}`, '.items .total'],
      ['user', `/orders/${order.order_id}/chat`, '.chat-panel.is-open .bubble'],
      ['user', `/orders/${closedOrder.order_id}/chat`, '.chat-panel.is-open .chat-closed'],
      ['user', '/inbox', 'h1'],
      ['user', '/signin', 'text=Signed in as'],
      ['user', '/no-such-page', 'h1'],
      ['admin', '/orders', '.list-card'],
      ['admin', '/orders?status=pending', '.list-card'],
      ['admin', '/orders/new', 'h1'],
      ['admin', `/orders/${order.order_id}`, '.status-control'],
      ['admin', `/orders/${order.order_id}/chat`, '.chat-panel.is-open .bubble'],
      ['admin', `/orders/${closedOrder.order_id}/chat`, '.chat-panel.is-open .chat-closed'],
      ['admin', '/inbox', '.list-card'],
    ];
    const pages = {
      user: await signedInPage(browser, server.baseUrl, userToken, PHONE),
      admin: await signedInPage(browser, server.baseUrl, adminToken, PHONE),
    };
    const wide = [];
    try {
      for (const [role, path, ready] of routes) {
        const page = pages[role];
        await page.goto(`${server.baseUrl}${path}`);
        await page.locator(ready).first().waitFor();
        if (role === 'user' && path === '/orders/new') {
          // Two rows, filled: the row that overflowed, and its remove button.
          await page.getByRole('button', { name: 'Add item' }).click();
          await page.getByRole('group', { name: 'Item 1' }).getByLabel('Name').fill('A mug with a very long name indeed');
          await page.getByRole('group', { name: 'Item 1' }).getByLabel('Unit price').fill('1234.50');
          const remove = await page.getByRole('button', { name: 'Remove item 2' }).boundingBox();
          assert.ok(remove.x + remove.width <= PHONE.width, `remove button off screen: ${JSON.stringify(remove)}`);
        }
        const { scrollWidth, innerWidth } = await fitsWidth(page);
        if (scrollWidth > innerWidth) wide.push(`${role} ${path}: ${scrollWidth} > ${innerWidth}`);
        if (role === 'user' && path === `/orders/${order.order_id}/chat`) {
          await publishScreenshot(await screenshot(page, 'phone-user-chat'), 'phone-user-chat.png');
        } else {
          await screenshot(page, `phone-${role}${path.replace(/[^a-z0-9]+/gi, '-')}`);
        }
      }
      // The empty signed-out sign-in page too.
      const context = await browser.newContext({ viewport: PHONE });
      const signedOut = await context.newPage();
      await signedOut.goto(`${server.baseUrl}/signin`);
      await signedOut.getByLabel('Access token').waitFor();
      const { scrollWidth, innerWidth } = await fitsWidth(signedOut);
      if (scrollWidth > innerWidth) wide.push(`signed out /signin: ${scrollWidth} > ${innerWidth}`);
      await context.close();
    } finally {
      await pages.user.context().close();
      await pages.admin.context().close();
    }
    assert.deepEqual(wide, [], 'these routes scroll sideways at 360 px');
  });

  it('item 8: a whole list card is one link (orders list and inbox)', TIMEOUT, async () => {
    const user = await signedInPage(browser, server.baseUrl, userToken);
    const admin = await signedInPage(browser, server.baseUrl, adminToken);
    try {
      for (const [page, path, target] of [
        [user, '/orders', `/orders/${order.order_id}`],
        [admin, '/inbox', `/orders/${order.order_id}/chat`],
      ]) {
        await page.goto(`${server.baseUrl}${path}`);
        const card = page.locator('.list-card', { hasText: order.order_id.slice(0, 8) });
        await card.waitFor();
        // One link per card with nothing nested in it; an inbox row also has its assign menu.
        assert.equal(await card.getByRole('link').count(), 1, `${path}: one link per card`);
        assert.equal(await card.locator('a :is(a, button, [tabindex])').count(), 0, `${path}: a control inside the link`);
        const controls = path === '/inbox' ? 2 : 1;
        assert.equal(await card.locator('a, button, [tabindex]').count(), controls, `${path}: controls per card`);
        // A mouse click on the card's second line (outside the title row) follows the link.
        const detail = await card.locator('.list-card-detail').boundingBox();
        await page.mouse.click(detail.x + 5, detail.y + detail.height / 2);
        await page.waitForURL(`${server.baseUrl}${target}`, { timeout: 5000 });
        // The keyboard reaches the same single link.
        await page.goBack();
        await card.getByRole('link').focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(`${server.baseUrl}${target}`, { timeout: 5000 });
      }
    } finally {
      await user.context().close();
      await admin.context().close();
    }
  });

  it('item 9: the admin chat header keeps one row, confirming a close too, at 1280 and 360 px', TIMEOUT, async () => {
    for (const viewport of [{ width: 1280, height: 800 }, PHONE]) {
      const admin = await signedInPage(browser, server.baseUrl, adminToken, viewport);
      try {
        await admin.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
        await waitForLive(admin);
        await chatPanel(admin).getByRole('button', { name: 'Close thread' }).waitFor();
        const plain = await chatHeaderLayout(admin);
        assert.ok(plain.oneRow, `${viewport.width}px: header wraps: ${JSON.stringify(plain.parts)}`);
        assert.ok(plain.inside, `${viewport.width}px: a control leaves the panel`);
        if (viewport.width === 1280) assert.equal(plain.titleLines, 1, 'the title wraps');

        await chatPanel(admin).getByRole('button', { name: 'Close thread' }).click();
        await chatPanel(admin).getByRole('button', { name: 'Confirm close' }).waitFor();
        const confirming = await chatHeaderLayout(admin);
        assert.ok(confirming.oneRow, `${viewport.width}px: confirming wraps: ${JSON.stringify(confirming.parts)}`);
        assert.ok(confirming.inside, `${viewport.width}px: a control leaves the panel while confirming`);
        assert.equal(confirming.titleLines, 1, 'the title wraps while confirming');
        assert.ok(confirming.headerHeight <= plain.headerHeight + 1, 'the header grows while confirming');
        await screenshot(admin, `admin-chat-header-confirm-${viewport.width}`);
        await chatPanel(admin).getByRole('button', { name: 'Cancel' }).click();
        await chatPanel(admin).getByRole('button', { name: 'Close thread' }).waitFor();
      } finally {
        await admin.context().close();
      }
    }
  });

  it('item 10: a closed thread says "Thread closed by admin" once, on both sides', TIMEOUT, async () => {
    for (const token of [userToken, adminToken]) {
      const page = await signedInPage(browser, server.baseUrl, token);
      try {
        await page.goto(`${server.baseUrl}/orders/${closedOrder.order_id}/chat`);
        await waitForLive(page);
        const panel = chatPanel(page);
        await panel.getByRole('log').getByText('Thread closed by admin').waitFor();
        const count = await panel.evaluate((el) => {
          const said = (text) => (text.match(/Thread closed by admin/gi) ?? []).length;
          let n = said(el.innerText);
          for (const field of el.querySelectorAll('[placeholder], [aria-label], [title]')) {
            n += said(field.getAttribute('placeholder') ?? '') + said(field.getAttribute('title') ?? '');
          }
          return n;
        });
        assert.equal(count, 1);
        assert.equal(await page.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
      } finally {
        await page.context().close();
      }
    }
  });

  it('item 12: every amount carries the shop currency (USD by default)', TIMEOUT, async () => {
    const user = await signedInPage(browser, server.baseUrl, userToken);
    try {
      const card = user.locator('.list-card', { hasText: order.order_id.slice(0, 8) });
      await card.getByText('$29.99').waitFor();
      await user.goto(`${server.baseUrl}/orders/${order.order_id}`);
      await user.locator('.items .total', { hasText: '$29.99' }).waitFor();
      const cells = await user.locator('.items td.num').allTextContents();
      for (const cell of cells.filter((c) => /\./.test(c))) assert.match(cell, /^\$\d/, `amount without currency: ${cell}`);
      await user.goto(`${server.baseUrl}/orders/new`);
      await user.getByLabel('Name').fill('Blue mug');
      await user.getByLabel('Unit price').fill('12.50');
      await user.locator('.order-total', { hasText: '$12.50' }).waitFor();
      await user.getByLabel('Unit price (USD)').waitFor();
    } finally {
      await user.context().close();
    }
  });

  it('item 12: the "seen" ticks on the admin’s green bubble meet 4.5:1', TIMEOUT, async () => {
    const admin = await signedInPage(browser, server.baseUrl, adminToken);
    const user = await signedInPage(browser, server.baseUrl, userToken);
    try {
      // The customer reads the admin's reply: the admin's ticks turn to "seen".
      await user.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
      await user.locator('.bubble', { hasText: 'double-boxed' }).waitFor();
      await admin.goto(`${server.baseUrl}/orders/${order.order_id}/chat`);
      await admin.locator('.bubble--admin .delivery--seen').first().waitFor();
      const ratio = await contrastInPage(admin, '.bubble--admin .delivery--seen', '.bubble');
      assert.ok(ratio >= 4.5, `seen ticks contrast ${ratio?.toFixed(2)}:1`);
    } finally {
      await admin.context().close();
      await user.context().close();
    }
  });
});
