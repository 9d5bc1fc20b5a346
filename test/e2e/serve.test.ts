/**
 * The acceptance, against the real thing: `node bin/cart-recovery.js serve` as a child
 * process, real HTTP, real SQLite, the real timer loop and the file outbox, with a cadence of
 * seconds. Waiting for something that happens in real time is bounded polling; nothing here
 * asserts on how long anything took.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import { type ParsedMessage, parseMime } from '../contracts/mime-parse.ts';
import {
  type CliChild,
  eventually,
  freePort,
  sleep,
  startCli,
  untilListening,
} from '../support/serve-child.ts';
import { cartEvent } from '../support/signed-event.ts';

const SECRET = 'whsec_e2e_serve_0123456789abcdef';
const OWNER = 'own_e2e_serve_0123456789abcdef';
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-serve-e2e-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Served {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

function asServed(cli: CliChild): Served {
  return {
    child: cli.child,
    stdout: () => cli.output().stdout,
    stderr: () => cli.output().stderr,
    exited: cli.exited.then(({ code }) => code),
  };
}

async function serve(env: Record<string, string>): Promise<Served> {
  const cli = startCli(['serve'], env);
  await untilListening(cli);
  return asServed(cli);
}

async function stop(running: Served): Promise<number | null> {
  running.child.kill('SIGTERM');
  return running.exited;
}

function outbox(dataDir: string): Array<ParsedMessage & { file: string }> {
  let files: string[];
  try {
    files = readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  return files.map((file) => ({
    file,
    ...parseMime(readFileSync(join(dataDir, 'outbox', file))),
  }));
}

describe('serve, end to end over real HTTP with a cadence in seconds', () => {
  it('mails the abandoned cart twice and nobody else, then stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const served = await serve({
      CR_DATA_DIR: dataDir,
      CR_PORT: String(port),
      CR_PUBLIC_URL: base,
      CR_CADENCE: '2s,4s',
      CR_GIVE_UP_AFTER: '6s',
      CR_QUIET_HOURS: 'off',
      CR_FREQUENCY_CAP: 'off',
      CR_WEBHOOK_SECRET: SECRET,
      CR_OWNERS: `sam:${OWNER}`,
    });
    try {
      let n = 0;
      const post = async (cartId: string, email: string, type = 'cart.updated') => {
        const body = JSON.stringify(
          cartEvent({
            id: `evt_${++n}`,
            type: type as 'cart.updated',
            occurredAt: new Date().toISOString(),
            cart: { id: cartId, email, restoreUrl: `https://shop.example/cart/${cartId}` },
            orderId: type === 'cart.checked_out' ? `order_${cartId}` : null,
          }),
        );
        const res = await fetch(`${base}/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-cr-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)),
          },
          body,
        });
        expect(res.status).toBe(200);
      };
      const owner = async (path: string, body: unknown) => {
        const res = await fetch(`${base}/owner/api${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${OWNER}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
      };

      await owner('/unsubscribe', { email: 'gone@example.com' });
      await post('c_abandoned', 'abandoned@example.com');
      await post('c_bought', 'bought@example.com');
      await post('c_suppressed', 'suppressed@example.com');
      await post('c_written_off', 'written-off@example.com');
      await post('c_unsubscribed', 'gone@example.com');
      await owner('/carts/c_suppressed/suppress', {});
      await owner('/carts/c_written_off/write-off', { reason: 'test order' });
      await sleep(1000);
      await post('c_bought', 'bought@example.com', 'cart.checked_out');

      const mails = await eventually('two reminders for the abandoned cart', 15_000, () => {
        const all = outbox(dataDir);
        return all.filter((m) => m.to.includes('abandoned@example.com')).length >= 2
          ? all
          : undefined;
      });
      // Time for anything wrongly due to the others (their step 2 came due at +4 s) to show up.
      await sleep(2000);
      const everything = outbox(dataDir);
      expect(everything.map((m) => m.to)).toEqual(mails.map((m) => m.to));
      expect(everything).toHaveLength(2);
      expect(everything.every((m) => m.to.includes('abandoned@example.com'))).toBe(true);

      for (const mail of everything) {
        const unsubscribe = mail.headers.get('list-unsubscribe')?.[0] ?? '';
        expect(unsubscribe).toMatch(new RegExp(`^<${base}/unsubscribe\\?t=[^>\\s]+>$`));
        expect(mail.headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
        expect(mail.text).toContain('Linen shirt');
        expect(mail.html).toContain('Linen shirt');
        expect(mail.html).toContain('https://shop.example/');
      }
      expect(new Set(everything.map((m) => m.messageId)).size).toBe(2);

      // How late the sends were (reported, never asserted): audit time against due time.
      const res = await fetch(`${base}/owner/api/carts/c_abandoned`, {
        headers: { authorization: `Bearer ${OWNER}` },
      });
      const story = (await res.json()) as {
        cart: { lastActivityAt: string };
        audit: Array<{ action: string; at: string; detail: { step?: number } | null }>;
      };
      const activity = Date.parse(story.cart.lastActivityAt);
      const lateness = story.audit
        .filter((row) => row.action === 'reminder_sent')
        .map((row) => {
          const due = activity + (row.detail?.step === 1 ? 2000 : 4000);
          return `step ${row.detail?.step}: ${Date.parse(row.at) - due} ms after due`;
        });
      console.info(`[serve e2e] send lateness: ${lateness.join(', ')}`);
    } finally {
      const code = await stop(served);
      expect(served.stdout()).toContain('stopped cleanly');
      expect(code).toBe(0);
    }
  });

  it('prints generated secrets on the first start only, and they work', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const env = { CR_DATA_DIR: dataDir, CR_PORT: String(port), CR_QUIET_HOURS: 'off' };
    const first = await serve(env);
    expect(await stop(first)).toBe(0);
    const secret = /CR_WEBHOOK_SECRET\s+(\S+)/.exec(first.stdout())?.[1];
    const ownerToken = /owner token\s+(\S+)/.exec(first.stdout())?.[1];
    expect(secret).toBeDefined();
    expect(ownerToken).toBeDefined();

    const second = await serve(env);
    try {
      expect(second.stdout()).not.toContain('First run');
      expect(second.stdout()).not.toContain(secret);
      expect(second.stdout()).not.toContain(ownerToken);
      const body = JSON.stringify(cartEvent({ occurredAt: new Date().toISOString() }));
      const res = await fetch(`http://127.0.0.1:${port}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-cr-signature': signWebhook(secret ?? '', body, Math.floor(Date.now() / 1000)),
        },
        body,
      });
      expect(res.status).toBe(200);
      const carts = await fetch(`http://127.0.0.1:${port}/owner/api/carts/c_42`, {
        headers: { authorization: `Bearer ${ownerToken}` },
      });
      expect(carts.status).toBe(200);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it('refuses to start on a bad CR_CADENCE, naming it', async () => {
    const refused = asServed(startCli(['serve'], { CR_DATA_DIR: tempDir(), CR_CADENCE: 'abc' }));
    const code = await refused.exited;
    expect(code).not.toBe(0);
    expect(refused.stderr()).toContain('CR_CADENCE');
    expect(refused.stdout()).not.toContain('listening on');
  });
});
