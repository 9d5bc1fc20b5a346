/**
 * Any delivery order of one cart's events (with duplicates) folds to the same row: the promise
 * that lets the store's webhooks arrive late, twice, or out of order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveriesArb } from '../../test/support/event-arbitraries.ts';
import type { Cart } from './cart.ts';
import { type CartEvent, EventType } from './events.ts';
import { applyEvent } from './intake.ts';
import { DEFAULT_POLICY } from './policy.ts';

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
            wakeAt: checkout.occurredAt + (DEFAULT_POLICY.retainCartsMs ?? 0),
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
