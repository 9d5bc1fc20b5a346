/**
 * Stripe retries for days and delivers in no set order: whatever order the abandonment, the
 * purchase through its recovery link and the late async success arrive in, with repeats, they
 * land on one cart, it ends bought, and no reminder goes out.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signStripePayload } from '../../src/platforms/stripe/signature.ts';
import { openPlatformRuntime } from './platform-route.ts';

const SECRET = 'whsec_order_test_3Kp8Vx1Qm';
const DELIVERIES = ['session-expired', 'session-completed-recovered', 'session-async-succeeded'];
const bodies = DELIVERIES.map((name) => readFileSync(`test/fixtures/stripe/${name}.json`, 'utf8'));

describe('Stripe deliveries in any order', () => {
  it('end on one bought cart and never mail', { timeout: 120_000 }, async () => {
    const order = fc
      .shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 })
      .chain((firsts) =>
        fc.array(fc.constantFrom(0, 1, 2), { maxLength: 3 }).map((again) => [...firsts, ...again]),
      );
    await fc.assert(
      fc.asyncProperty(order, async (sequence) => {
        const { rt, deliver } = openPlatformRuntime(
          { CR_STRIPE_SECRET: SECRET },
          Date.parse('2026-11-25T09:01:00Z'),
        );
        try {
          const ids = new Set<string>();
          let last = '';
          for (const index of sequence) {
            const body = bodies[index] ?? '';
            const t = Math.floor(rt.clock.now() / 1000);
            const answer = await deliver('/webhooks/stripe', body, {
              'content-type': 'application/json',
              'stripe-signature': signStripePayload(SECRET, body, t),
            });
            expect(answer.status).toBe(200);
            const cart = answer.json.cart as { id: string; status: string };
            ids.add(cart.id);
            last = cart.status;
          }
          expect(ids.size).toBe(1);
          expect(last).toBe('bought');
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
