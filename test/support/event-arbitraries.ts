/**
 * Arbitraries for one cart's store events delivered late, twice and out of order: shared by the
 * pure intake property test and the one through SQLite, so both explore the same deliveries.
 */
import fc from 'fast-check';
import type { CartItem } from '../../src/domain/cart.ts';
import { type CartEvent, EventType } from '../../src/domain/events.ts';

/** 2026-11-23T07:00Z: events fall in the 12 minutes after it. */
export const EVENTS_T0 = Date.parse('2026-11-23T07:00:00Z');
export const EVENTS_CART_ID = 'c_42';

export const itemArb: fc.Arbitrary<CartItem> = fc.record({
  sku: fc.constantFrom('SHIRT-L', 'MUG', 'SOCKS'),
  name: fc.constantFrom('Linen shirt', 'Mug', 'Socks'),
  quantity: fc.integer({ min: 1, max: 5 }),
  priceMinor: fc.integer({ min: 1, max: 20_000 }),
  url: fc.option(fc.constant('https://shop.example/p/1'), { nil: null }),
  imageUrl: fc.option(fc.constant('https://shop.example/i/1.jpg'), { nil: null }),
});

/** One event's body; times come from a small range so equal times happen often. */
export const bodyArb = fc.record({
  minutes: fc.integer({ min: 0, max: 12 }),
  email: fc.option(fc.constantFrom('sam@example.com', 'alex@example.com'), { nil: null }),
  // A zero-decimal currency (JPY) beside two-decimal ones: a currency change is one more field to order.
  currency: fc.constantFrom('USD', 'EUR', 'JPY'),
  totalMinor: fc.integer({ min: 0, max: 100_000 }),
  items: fc.array(itemArb, { maxLength: 3 }),
  restoreUrl: fc.option(
    fc.constantFrom('https://shop.example/cart/1', 'https://shop.example/cart/2'),
    { nil: null },
  ),
  savedLink: fc.boolean(),
  timezone: fc.option(fc.constantFrom('Europe/Paris', 'America/New_York', 'Asia/Tokyo'), {
    nil: null,
  }),
  consent: fc.option(fc.boolean(), { nil: null }),
});

export type EventBodySample = typeof bodyArb extends fc.Arbitrary<infer B> ? B : never;

export function toEvent(id: string, type: CartEvent['type'], body: EventBodySample): CartEvent {
  const { minutes, ...cart } = body;
  return {
    id,
    type,
    occurredAt: EVENTS_T0 + minutes * 60_000,
    orderId: type === EventType.checkedOut ? `order_${id}` : null,
    cart: { id: EVENTS_CART_ID, ...cart },
  };
}

const permutation = <T>(items: readonly T[]) =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

/**
 * 1-8 updates and at most one checkout, each possibly delivered twice: the distinct events, then
 * two independent delivery orders of the same deliveries.
 */
export const deliveriesArb: fc.Arbitrary<
  [readonly CartEvent[], readonly CartEvent[], readonly CartEvent[]]
> = fc
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
        return fc.tuple(fc.constant(events), permutation(deliveries), permutation(deliveries));
      });
  });
