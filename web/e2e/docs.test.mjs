// The API reference at /api/docs, rendered from openapi.yaml in headless Chromium: a
// partner finds the problem catalogue and the typed events there (issue 11).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, screenshot, startServer } from './harness.mjs';

const TIMEOUT = { timeout: 30_000 };

describe('the API reference', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/api/docs`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows every problem type with its status', TIMEOUT, async () => {
    const spec = await (await fetch(`${server.baseUrl}/api/openapi.yaml`)).text();
    const kinds = [...spec.matchAll(/^ {8}- urn:orderchat:problem:([a-z-]+)$/gm)].map((m) => m[1]);
    assert.ok(kinds.length >= 10, `ProblemType lists ${kinds.length} kinds`);
    const table = page.locator('.info table', { hasText: 'method-not-allowed' });
    await table.waitFor();
    for (const kind of kinds) {
      const row = table.locator('tr', { has: page.locator('td', { hasText: new RegExp(`^${kind}$`) }) });
      assert.match(await row.innerText(), /\b[1-5]\d\d\b/, `the catalogue row of ${kind} has a status`);
    }
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'api-reference-problems');
  });

  it('lists the event feed and the upload as operations', TIMEOUT, async () => {
    for (const id of ['listEvents', 'uploadMessage']) {
      await page.locator(`[id$="-${id}"]`).first().waitFor();
    }
  });
});
