/**
 * After CR_RETAIN_CARTS shrank a final cart, late deliveries in any order, with duplicates, of
 * updates and checkouts (under the cart's id, with any email) never reopen a bought cart, never
 * put the shopper's data back, and never lead the waiter to a nudge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bodyArb,
  deliveriesArb,
  EVENTS_T0,
  type EventBodySample,
  toEvent,
} from '../../test/support/event-arbitraries.ts';
import { type Cart, CartStatus, ClosedReason } from './cart.ts';
import { type CartEvent, EventType } from './events.ts';
import { applyEvent } from './intake.ts';
import { DAY, DEFAULT_POLICY, giveUpAt } from './policy.ts';
import { retainUntil, tombstoneOf } from './retention.ts';
import { decide } from './waiter.ts';

const policy = DEFAULT_POLICY;

function fold(deliveries: readonly CartEvent[], start: Cart | null = null): Cart {
  let cart = start;
  for (const event of deliveries) cart = applyEvent(cart, event, policy).cart;
  if (cart === null) throw new Error('no deliveries');
  return cart;
}

const Ending = {
  bought: 'bought',
  expired: 'expired',
  suppressed: 'suppressed',
  writtenOff: 'written_off',
} as const;
type Ending = (typeof Ending)[keyof typeof Ending];

/** The cart the first deliveries fold to, made final the way `ending` says. */
function finalCart(deliveries: readonly CartEvent[], ending: Ending): Cart {
  const cart = fold(deliveries);
  if (cart.status === CartStatus.bought || ending === Ending.bought) {
    const checkout = toEvent('evt_final_checkout', EventType.checkedOut, {
      ...SOME_BODY,
      minutes: 13,
    });
    return fold([checkout], cart);
  }
  const closedAt =
    ending === Ending.expired ? giveUpAt(cart, policy) : cart.lastActivityAt + 2 * DAY;
  const closedReason =
    ending === Ending.expired
      ? ClosedReason.expired
      : ending === Ending.suppressed
        ? ClosedReason.suppressed
        : ClosedReason.written_off;
  return { ...cart, status: CartStatus.closed, closedReason, closedAt, wakeAt: null };
}

const SOME_BODY: EventBodySample = {
  minutes: 0,
  email: 'sam@example.com',
  currency: 'USD',
  totalMinor: 100,
  items: [],
  restoreUrl: null,
  savedLink: false,
  timezone: null,
  consent: null,
};

/** A late delivery: any body and type, at a time from a day before the cart to just before now. */
const lateArb = (index: number, latest: number) =>
  fc
    .record({
      body: bodyArb,
      checkout: fc.boolean(),
      at: fc.integer({ min: EVENTS_T0 - DAY, max: latest }),
    })
    .map(({ body, checkout, at }): CartEvent => {
      const event = toEvent(
        `late_${index}`,
        checkout ? EventType.checkedOut : EventType.updated,
        body,
      );
      // Always an address: the one thing a tombstone must never take back.
      const email = event.cart.email ?? 'late@example.com';
      return { ...event, occurredAt: at, cart: { ...event.cart, email } };
    });

const scenarioArb = fc
  .record({
    history: deliveriesArb,
    ending: fc.constantFrom(...Object.values(Ending)),
    count: fc.integer({ min: 1, max: 6 }),
    // Bought tombstones are also sent events from after they were made.
    afterwards: fc.boolean(),
  })
  .chain(({ history, ending, count, afterwards }) => {
    const cart = finalCart(history[1], ending);
    const due = retainUntil(cart, policy) ?? 0;
    const latest = afterwards && cart.status === CartStatus.bought ? due + 30 * DAY : due - 1;
    const lates = Array.from({ length: count }, (_, i) => lateArb(i, latest));
    return fc.tuple(
      fc.constant(cart),
      fc.constant(due),
      fc.tuple(...lates).chain((events) =>
        // Each possibly twice, in any order.
        fc
          .array(fc.boolean(), { minLength: events.length, maxLength: events.length })
          .chain((twice) => {
            const deliveries = events.flatMap((e, i) => (twice[i] ? [e, e] : [e]));
            return fc.shuffledSubarray(deliveries, {
              minLength: deliveries.length,
              maxLength: deliveries.length,
            });
          }),
      ),
    );
  });

describe('a tombstone and late events', () => {
  it('never reopens a bought cart, never takes the shopper data back, never leads to a nudge', () => {
    fc.assert(
      fc.property(scenarioArb, ([cart, due, lates]) => {
        const tomb = tombstoneOf(cart, due);
        const after = fold(lates, tomb);
        // Nothing a tombstone did not see happen gets in, and a bought one takes in nothing.
        expect(after).toEqual(tomb);
        expect(after).toMatchObject({ status: cart.status, email: null, knownEmails: [] });
        expect(after.items).toEqual([]);
        for (const now of [due, due + DAY, due + 60 * DAY]) {
          const move = decide({
            cart: after,
            addressBlock: null,
            recentSendsToAddress: [],
            newestOpenCartId: after.id,
            lastPurchaseByAddress: null,
            senderPaused: false,
            heldOut: false,
            snippetBudgetFull: false,
            policy,
            now,
          });
          expect(move.move).not.toBe('nudge');
        }
      }),
      { numRuns: 500 },
    );
  });
});
