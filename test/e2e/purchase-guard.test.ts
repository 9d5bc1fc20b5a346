/**
 * The purchase guard against the real thing: `cart-recovery serve` as a child process, real
 * HTTP, SQLite, the timer loop and the file outbox, a cadence of seconds. One shopper leaves a
 * cart, starts another, and buys the second: the first, now the newest open cart of the address,
 * must never be mailed. Another shopper's abandoned cart is the control that mail does flow.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import { parseMime } from '../contracts/mime-parse.ts';
import { eventually, freePort, sleep, startCli, untilListening } from '../support/serve-child.ts';
import { cartEvent } from '../support/signed-event.ts';

const SECRET = 'whsec_e2e_guard_0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'cr-guard-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recipients(): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  return files.map((file) => parseMime(readFileSync(join(dir, 'outbox', file))).to);
}

describe('serve: a purchase on one cart stops the same address’s other carts', () => {
  it('never mails the older cart of a shopper who bought the newer one', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const cli = startCli(['serve'], {
      CR_DATA_DIR: dir,
      CR_PORT: String(port),
      CR_PUBLIC_URL: base,
      CR_CADENCE: '2s,4s',
      CR_GIVE_UP_AFTER: '6s',
      CR_QUIET_HOURS: 'off',
      CR_FREQUENCY_CAP: 'off',
      CR_WEBHOOK_SECRET: SECRET,
    });
    await untilListening(cli);
    try {
      let n = 0;
      const post = async (cartId: string, email: string, checkout = false) => {
        const body = JSON.stringify(
          cartEvent({
            id: `evt_${++n}`,
            type: checkout ? 'cart.checked_out' : 'cart.updated',
            occurredAt: new Date().toISOString(),
            cart: { id: cartId, email, restoreUrl: `https://shop.example/cart/${cartId}` },
            orderId: checkout ? `order_${cartId}` : null,
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
        expect(res.status, await res.text()).toBe(200);
      };

      await post('c_first_visit', 'sam@example.com');
      await post('c_control', 'alex@example.com');
      await post('c_second_visit', 'sam@example.com');
      await post('c_second_visit', 'sam@example.com', true);

      // The control's two reminders show the loop ran past both carts' due times.
      await eventually('two reminders for the control cart', 15_000, () =>
        recipients().filter((to) => to.includes('alex@example.com')).length >= 2 ? true : undefined,
      );
      await sleep(1000);
      expect(recipients().filter((to) => to.includes('sam@example.com'))).toEqual([]);

      const story = await fetch(`${base}/owner/api/carts/c_first_visit`, {
        headers: { authorization: `Bearer ${ownerToken(cli.output().stdout)}` },
      });
      const { audit } = (await story.json()) as {
        audit: Array<{ action: string; reason: string | null }>;
      };
      expect(audit).toContainEqual(
        expect.objectContaining({ action: 'skipped', reason: 'bought_elsewhere' }),
      );
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });
});

/** The owner token a first start prints (no CR_OWNERS given). */
function ownerToken(stdout: string): string {
  return /owner token\s+(\S+)/.exec(stdout)?.[1] ?? '';
}
