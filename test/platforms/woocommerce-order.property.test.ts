/**
 * WooCommerce fires order.created and order.updated for every save, from several webhooks, in no
 * set order: whatever order a pending, failed, paid and later cancelled order's deliveries arrive
 * in, with repeats, the one cart ends bought, and no reminder goes out after the payment.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWooCommerceBody } from '../../src/platforms/woocommerce/signature.ts';
import { openPlatformRuntime } from './platform-route.ts';

const SECRET = 'wc-order-secret-8Lq3Zr';
const NAMES = ['order-pending', 'order-failed', 'order-processing', 'order-cancelled'];
const bodies = NAMES.map((name) => readFileSync(`test/fixtures/woocommerce/${name}.json`, 'utf8'));
const PAID = 2;

describe('WooCommerce deliveries in any order', () => {
  it('end on one bought cart and never mail', { timeout: 120_000 }, async () => {
    const order = fc
      .shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 })
      .chain((firsts) =>
        fc.array(fc.nat(3), { maxLength: 3 }).map((again) => [...firsts, ...again]),
      );
    await fc.assert(
      fc.asyncProperty(order, async (sequence) => {
        const { rt, deliver } = openPlatformRuntime(
          { CR_WOOCOMMERCE_SECRET: SECRET },
          Date.parse('2026-11-23T15:03:00Z'),
        );
        try {
          let paidSeen = false;
          for (const index of sequence) {
            const body = bodies[index] ?? '';
            const answer = await deliver('/webhooks/woocommerce', body, {
              'content-type': 'application/json',
              'x-wc-webhook-topic': 'order.updated',
              'x-wc-webhook-delivery-id': `d-${index}`,
              'x-wc-webhook-signature': signWooCommerceBody(SECRET, body),
            });
            expect(answer.status).toBe(200);
            paidSeen ||= index === PAID;
            const cart = answer.json.cart as { id: string; status: string };
            expect(cart.id).toBe('woocommerce_5127');
            if (paidSeen) expect(cart.status).toBe('bought');
          }
          await rt.advance(96 * 3_600_000, 60 * 60_000);
          expect(rt.mailer.sent).toEqual([]);
        } finally {
          await rt.shutdown();
        }
      }),
      { numRuns: 15 },
    );
  });
});
