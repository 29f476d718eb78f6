// End-to-end harness: the real `orderchat serve --dev` (with its own
// PostgreSQL) in a throwaway directory, and Debian's Chromium driven by
// playwright-core. Needs bin/orderchat (`make build`) and /usr/bin/chromium.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deflateSync, crc32 } from 'node:zlib';

import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// ORDERCHAT_E2E_BINARY runs another build (say, one with a fix taken out, to see a test fail).
const binary = process.env.ORDERCHAT_E2E_BINARY || join(repoRoot, 'bin/orderchat');
export const resultsDir = join(repoRoot, 'web/test-results');
const CHROMIUM = '/usr/bin/chromium';

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function waitUntilReady(baseUrl, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`orderchat exited early (code ${child.exitCode})`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`orderchat was not ready within ${timeoutMs} ms`);
}

/**
 * Starts the server in a fresh directory; `stop()` sends SIGINT and waits for it to exit,
 * `restart()` stops it the same way and starts it again on the same port and database.
 */
export async function startServer() {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`make build\` first`);
  const dir = await mkdtemp(join(tmpdir(), 'orderchat-e2e-'));
  await chmod(dir, 0o755); // the local PostgreSQL runs as another user and must reach .data
  const port = await freePort();
  const env = { ...process.env, ORDERCHAT_ADDR: `127.0.0.1:${port}` };
  delete env.DATABASE_URL;
  delete env.ORDERCHAT_JWT_SECRET;

  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  let child;
  const launch = async () => {
    child = spawn(binary, ['serve', '--dev'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    try {
      await waitUntilReady(baseUrl, child);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${err.message}\n--- server output ---\n${output}`, { cause: err });
    }
  };
  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  };
  await launch();

  return {
    baseUrl,
    output: () => output,
    /** A development JWT signed with this server's secret; `name` is the name others see (optional). */
    async mintToken({ sub, role, email, name }) {
      const args = ['token', '--dev', '--sub', sub, '--role', role, '--email', email, ...(name ? ['--name', name] : [])];
      const { stdout } = await promisify(execFile)(binary, args, { cwd: dir });
      return stdout.trim();
    },
    /**
     * Stops the server (SIGINT: streams end with a jittered `retry:`, the local database
     * stops with it), calls `whileDown()` if given, and starts it again: same port, same
     * database, same development secret.
     */
    async restart(whileDown) {
      await halt();
      await whileDown?.();
      await launch();
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A signed-in page: opens the sign-in link and waits for the live stream. */
export async function signedInPage(browser, baseUrl, token, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
  await page.goto(`${baseUrl}/signin#token=${token}`);
  await page.waitForURL(`${baseUrl}/orders`);
  await waitForLive(page);
  return page;
}

/** Waits until the page's event stream is open (so nothing sent now is missed). */
export function waitForLive(page) {
  return page.locator('[data-stream="open"]').waitFor();
}

/** A JSON call to the API, for test setup and server-side checks. */
export async function api(baseUrl, token, method, path, body) {
  const res = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Empties web/test-results/ so that it holds this run's screenshots only. */
export async function clearResults() {
  await rm(resultsDir, { recursive: true, force: true });
  await mkdir(resultsDir, { recursive: true });
}

let shotNumber = 0;
/** Saves a numbered screenshot to web/test-results/ and returns its path. */
export async function screenshot(page, name) {
  const path = join(resultsDir, `${String(++shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Copies a screenshot into docs/screenshots/ under `name`, when UPDATE_SCREENSHOTS is set
 * (`make screenshots`): a plain test run leaves the committed images alone.
 */
export async function publishScreenshot(path, name) {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  const docs = join(repoRoot, 'docs/screenshots');
  await mkdir(docs, { recursive: true });
  await copyFile(path, join(docs, name));
}

/** A small valid PNG (a blue square with a white cross), built byte by byte. */
export function makePng(size = 32) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then pixels
    for (let x = 0; x < size; x++) {
      const cross = Math.abs(x - size / 2) < 3 || Math.abs(y - size / 2) < 3;
      row.set(cross ? [255, 255, 255] : [47, 111, 223], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
