// Partner CI (`make test-partners`, part of `make test`): two mainstream TypeScript generators
// that the app does not use, @hey-api/openapi-ts and orval, generate clients from the spec the
// running server serves (/api/openapi.yaml); a small partner program per generator is
// type-checked with `strict` (a type error fails the test) and then runs against that server:
// the core sequence (README.md) over the event feed, an attachment upload through the generated multipart
// call, a typed problem, and every event type handled by a switch on `resource_type`.
// Needs bin/orderchat (`make build`); starts the server with the browser tests' harness.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { makePng, repoRoot, startServer } from '../web/e2e/harness.mjs';

const run = promisify(execFile);
const partnersDir = join(repoRoot, 'partners');
const servedDir = join(partnersDir, '.served'); // gitignored: this run's spec and PNG
const specPath = join(servedDir, 'openapi.yaml');
const pngPath = join(servedDir, 'receipt.png');
const bin = (name) => join(repoRoot, 'node_modules/.bin', name);
const STEP = { timeout: 120_000 };

const partners = [
  {
    name: 'hey-api',
    generate: [bin('openapi-ts'), ['--file', 'partners/hey-api/openapi-ts.config.mjs']],
  },
  {
    name: 'orval',
    generate: [bin('orval'), ['--config', 'partners/orval/orval.config.cjs']],
  },
];

/**
 * Runs a command from the repository root with its output captured: quiet when it passes,
 * and the whole output in the failure when it does not.
 */
async function step(what, file, args, env = {}) {
  try {
    return await run(file, args, {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', PARTNER_SPEC: specPath, ...env },
      maxBuffer: 16 << 20,
    });
  } catch (err) {
    assert.fail(`${what} failed (exit ${err.code ?? err.signal}):\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

describe('partner clients generated from the served spec', () => {
  let server;

  before(async () => {
    server = await startServer();
    // The spec as a partner gets it: from the running server, not from the repository.
    const res = await fetch(`${server.baseUrl}/api/openapi.yaml`);
    assert.equal(res.status, 200, 'GET /api/openapi.yaml');
    await rm(servedDir, { recursive: true, force: true });
    await mkdir(servedDir, { recursive: true });
    await writeFile(specPath, await res.text());
    await writeFile(pngPath, makePng());
  }, STEP);

  after(async () => {
    await server?.stop();
  });

  /** The program's inputs: the server, and a customer and an admin of its own. */
  async function programEnv(name) {
    const userId = randomUUID();
    return {
      ORDERCHAT_URL: server.baseUrl,
      ORDERCHAT_USER_ID: userId,
      ORDERCHAT_USER_TOKEN: await server.mintToken({ sub: userId, role: 'user', email: `${name}-user@example.com` }),
      ORDERCHAT_ADMIN_TOKEN: await server.mintToken({ sub: randomUUID(), role: 'admin', email: `${name}-admin@example.com` }),
      PARTNER_PNG: pngPath,
    };
  }

  for (const partner of partners) {
    describe(partner.name, () => {
      const dir = join(partnersDir, partner.name);
      let built = false;

      it('generates a client from the served spec', STEP, async () => {
        await rm(join(dir, 'generated'), { recursive: true, force: true });
        await step(`${partner.name}: generating the client`, ...partner.generate);
      });

      it('type-checks the partner program with strict', STEP, async () => {
        await rm(join(dir, 'out'), { recursive: true, force: true });
        await step(`${partner.name}: tsc -p partners/${partner.name} (strict)`, bin('tsc'), ['-p', `partners/${partner.name}`]);
        built = true;
      });

      it('runs the partner program against the server', STEP, async (t) => {
        if (!built) return t.skip('the program did not compile');
        const { stdout } = await step(`${partner.name}: the partner program`, process.execPath, [join(dir, 'out/src/main.js')], await programEnv(partner.name));
        assert.match(stdout, /\bok$/m, 'the program did not report ok');
      });
    });
  }
});
