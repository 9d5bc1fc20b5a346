/**
 * Any delivery order of one cart's events (with duplicates) folds to the same row: the promise
 * that lets the store's webhooks arrive late, twice, or out of order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cart, CartItem } from './cart.ts';
import { type CartEvent, EventType } from './events.ts';
import { applyEvent } from './intake.ts';
import { DEFAULT_POLICY } from './policy.ts';

const T0 = Date.parse('2026-11-23T07:00:00Z');

const itemArb: fc.Arbitrary<CartItem> = fc.record({
  sku: fc.constantFrom('SHIRT-L', 'MUG', 'SOCKS'),
  name: fc.constantFrom('Linen shirt', 'Mug', 'Socks'),
  quantity: fc.integer({ min: 1, max: 5 }),
  priceMinor: fc.integer({ min: 1, max: 20_000 }),
  url: fc.option(fc.constant('https://shop.example/p/1'), { nil: null }),
  imageUrl: fc.option(fc.constant('https://shop.example/i/1.jpg'), { nil: null }),
});

/** One event's body; times come from a small range so equal times happen often. */
const bodyArb = fc.record({
  minutes: fc.integer({ min: 0, max: 12 }),
  email: fc.option(fc.constantFrom('sam@example.com', 'alex@example.com'), { nil: null }),
  currency: fc.constantFrom('USD', 'EUR'),
  totalMinor: fc.integer({ min: 0, max: 100_000 }),
  items: fc.array(itemArb, { maxLength: 3 }),
  restoreUrl: fc.option(
    fc.constantFrom('https://shop.example/cart/1', 'https://shop.example/cart/2'),
    {
      nil: null,
    },
  ),
  savedLink: fc.boolean(),
  timezone: fc.option(fc.constantFrom('Europe/Paris', 'America/New_York'), { nil: null }),
  consent: fc.option(fc.boolean(), { nil: null }),
});

type Body = typeof bodyArb extends fc.Arbitrary<infer B> ? B : never;

function toEvent(id: string, type: CartEvent['type'], body: Body): CartEvent {
  const { minutes, ...cart } = body;
  return {
    id,
    type,
    occurredAt: T0 + minutes * 60_000,
    orderId: type === EventType.checkedOut ? `order_${id}` : null,
    cart: { id: 'c_42', ...cart },
  };
}

/** 1-8 updates, at most one checkout, each possibly delivered twice; and two delivery orders. */
const deliveriesArb = fc
  .record({
    updates: fc.array(bodyArb, { minLength: 1, maxLength: 8 }),
    checkout: fc.option(bodyArb, { nil: null }),
  })
  .chain(({ updates, checkout }) => {
    const events = updates.map((body, i) => toEvent(`evt_${i}`, EventType.updated, body));
    if (checkout !== null) events.push(toEvent('evt_checkout', EventType.checkedOut, checkout));
    return fc
      .array(fc.boolean(), { minLength: events.length, maxLength: events.length })
      .chain((twice) => {
        const deliveries = events.flatMap((e, i) => (twice[i] ? [e, e] : [e]));
        return fc.tuple(
          fc.constant(events),
          fc.shuffledSubarray(deliveries, {
            minLength: deliveries.length,
            maxLength: deliveries.length,
          }),
          fc.shuffledSubarray(deliveries, {
            minLength: deliveries.length,
            maxLength: deliveries.length,
          }),
        );
      });
  });

function fold(deliveries: readonly CartEvent[]): Cart {
  let cart: Cart | null = null;
  for (const event of deliveries) cart = applyEvent(cart, event, DEFAULT_POLICY).cart;
  if (cart === null) throw new Error('no deliveries');
  return cart;
}

function withoutVersion(cart: Cart): Omit<Cart, 'version'> {
  const { version: _version, ...rest } = cart;
  return rest;
}

describe('applyEvent is order-independent', () => {
  it('any two delivery orders, with duplicates, give the same row (all but version)', () => {
    fc.assert(
      fc.property(deliveriesArb, ([, first, second]) => {
        expect(withoutVersion(fold(second))).toEqual(withoutVersion(fold(first)));
      }),
      { numRuns: 1500 },
    );
  });

  it('the row reflects the newest event, the earliest time, and every field last set', () => {
    fc.assert(
      fc.property(deliveriesArb, ([events, deliveries]) => {
        const cart = fold(deliveries);
        const byStamp = [...events].sort(
          (a, b) => a.occurredAt - b.occurredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
        );
        const newest = byStamp.at(-1) as CartEvent;
        const checkout = events.find((e) => e.type === EventType.checkedOut);
        expect(cart.createdAt).toBe(byStamp[0]?.occurredAt);
        expect(cart.lastActivityAt).toBe(newest.occurredAt);
        expect(cart.totalMinor).toBe(newest.cart.totalMinor);
        expect(cart.items).toEqual(newest.cart.items);
        expect(cart.savedLink).toBe(events.some((e) => e.cart.savedLink));
        const lastSet = [...byStamp].reverse().find((e) => e.cart.email !== null);
        expect(cart.email).toBe(lastSet?.cart.email ?? null);
        if (checkout) {
          expect(cart).toMatchObject({
            status: 'bought',
            boughtAt: checkout.occurredAt,
            wakeAt: null,
          });
        } else {
          expect(cart).toMatchObject({
            status: 'open',
            wakeAt: newest.occurredAt + (DEFAULT_POLICY.cadenceMs[0] ?? 0),
          });
        }
      }),
      { numRuns: 1000 },
    );
  });
});
