/**
 * A new user's first hour, from a fresh directory with nothing configured: the demo leaves ./data
 * alone, `serve` starts with generated secrets, `send-test-event` posts a signed event stamped now
 * and `audit` shows an open cart whose wake-up is an hour ahead (the default cadence). Then the
 * README's own curl example, copied as is, against the same server. Real processes, real HTTP.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliChild,
  eventually,
  freePort,
  ROOT,
  stopServe,
  untilListening,
} from '../support/serve-child.ts';

const BIN = join(ROOT, 'bin', 'cart-recovery.js');
let home: string;
let port: number;
let env: Record<string, string>;
let served: CliChild | undefined;

/** `node bin/cart-recovery.js ...` in the user's directory, to its end. */
function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: home,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.once('close', (code) => done({ code, stdout, stderr })),
  );
}

function startServe(): CliChild {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: home,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'cr-first-hour-'));
  port = await freePort();
  // Nothing configured but the port: a fresh clone on a machine where 8787 may be taken.
  env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CR_PORT: String(port) };
});

afterAll(async () => {
  if (served !== undefined) await stopServe({ ...served, base: '' });
  rmSync(home, { recursive: true, force: true });
});

interface AuditJson {
  cart: { status: string; lastActivityAt: string; wakeAt: string | null; boughtAt?: string | null };
}

describe('the first hour', () => {
  it('send-test-event with nothing running says so in one line', async () => {
    const result = await cli(['send-test-event'], {
      CR_WEBHOOK_SECRET: 'whsec_nothing_0123456789',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `cart-recovery: nothing answers at http://127.0.0.1:${port} (is serve running? start it with npm start, or set CR_PUBLIC_URL)\n`,
    );
  });

  it('demo plays in ./demo-data, says so first, and leaves ./data untouched', async () => {
    const result = await cli(['demo', '--carts', '20']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toContain(`playing in ${join(home, 'demo-data')}`);
    expect(existsSync(join(home, 'demo-data', 'cart-recovery.sqlite'))).toBe(true);
    expect(existsSync(join(home, 'data'))).toBe(false);
  });

  it('demo piped into a reader that stops early (| head) still finishes, without a stack', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--carts', '20'], {
      cwd: home,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((done) => child.once('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('serve starts; send-test-event then audit show an open cart waking an hour ahead', async () => {
    served = startServe();
    await untilListening(served);
    const running = served;
    await eventually('the generated secrets to be printed', 10_000, () =>
      running.output().stdout.includes('First run: secrets generated in') ? true : undefined,
    );

    const before = Date.now();
    const sent = await cli(['send-test-event']);
    const after = Date.now();
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^200 \{"cart":\{"id":"test_[a-z0-9]+","status":"open"\}/m);
    const cartId = /audit (test_[a-z0-9]+)/.exec(sent.stdout)?.[1] ?? '';
    expect(readFileSync(join(home, 'data', 'test-cart-id'), 'utf8').trim()).toBe(cartId);

    const audit = await cli(['audit', cartId]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain(`cart ${cartId} (test@example.com): open`);
    expect(audit.stdout).toMatch(/next wake-up on the .* \(UTC, in (59|60) min\)/);

    const json = JSON.parse((await cli(['audit', cartId, '--json'])).stdout) as AuditJson;
    const activity = Date.parse(json.cart.lastActivityAt);
    // Stamped now: between the moments before and after the command ran.
    expect(activity).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(activity).toBeLessThanOrEqual(after);
    expect(Date.parse(json.cart.wakeAt ?? '') - activity).toBe(3_600_000);
  });

  it('send-test-event --checkout buys the same test cart', async () => {
    const cartId = readFileSync(join(home, 'data', 'test-cart-id'), 'utf8').trim();
    const bought = await cli(['send-test-event', '--checkout']);
    expect(bought.code).toBe(0);
    expect(bought.stdout).toContain(`"id":"${cartId}","status":"bought"`);
    const json = JSON.parse((await cli(['audit', cartId, '--json'])).stdout) as AuditJson;
    expect(json.cart.status).toBe('bought');
    // No reminder is left: the one wake-up is the end of retention, 90 days after the purchase.
    const boughtAt = Date.parse(json.cart.boughtAt ?? '');
    expect(Date.parse(json.cart.wakeAt ?? '') - boughtAt).toBe(90 * 24 * 3_600_000);
    const text = (await cli(['audit', cartId])).stdout;
    expect(text).toContain('shopper data kept until');
    expect(text).not.toContain('next wake-up');
  });

  /** A shell block as a reader pastes it, with their secret and (here) the port this test got. */
  async function paste(block: string): Promise<unknown> {
    expect(block).toContain('curl');
    expect(block).toContain('date -u +%Y-%m-%dT%H:%M:%SZ');
    const secret = JSON.parse(readFileSync(join(home, 'data', 'secrets.json'), 'utf8'))
      .webhookSecret as string;
    const script = block
      .replace('SECRET=whsec_...', `SECRET='${secret}'`)
      .replaceAll('localhost:8787', `localhost:${port}`);
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: home });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise((done) => child.once('close', done));
    expect(code).toBe(0);
    return JSON.parse(stdout);
  }

  const shellBlocks = (text: string) =>
    [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

  it("README's curl example, copied as is, is accepted and opens a cart", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const [block] = shellBlocks(readme.slice(readme.indexOf('## Send your first event')));
    expect(await paste(block ?? '')).toEqual({
      cart: { id: 'c_42', status: 'open' },
      duplicate: false,
    });
  });

  it("docs/events.md's examples, copied as is, update the cart and then buy it", async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'events.md'), 'utf8');
    const [update, checkout] = shellBlocks(doc.slice(doc.indexOf('## Examples')));
    // The SECRET line is set once, in the first block, as a reader's shell would keep it.
    const secretLine = /^SECRET=.*$/m.exec(update ?? '')?.[0] ?? '';
    expect(await paste(update ?? '')).toMatchObject({ cart: { id: 'c_42', status: 'open' } });
    expect(await paste(`${secretLine}\n${checkout ?? ''}`)).toMatchObject({
      cart: { id: 'c_42', status: 'bought' },
    });
  });
});
