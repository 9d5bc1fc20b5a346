/**
 * A cart known by several ids (a checkout token, a checkout id, a cart token) and an order that
 * points back by any of them: whatever order the checkout updates and the order arrive in, and
 * however often, they end on one row, bought, and every id names that row. This is the promise
 * that an order linked only by cart_token or checkout_id stops the checkout's reminders.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../src/adapters/sqlite/sqlite-cart-store.ts';
import { createIntake } from '../src/app/intake.ts';
import { type CartEvent, EventType } from '../src/domain/events.ts';
import { DEFAULT_POLICY } from '../src/domain/policy.ts';
import { createManualClock } from '../src/ports/clock.ts';
import type { Wakeups } from '../src/ports/wakeups.ts';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const MIN = 60_000;
const TOKEN = 'shop_token_5f1c';
const CHECKOUT_ID = 'shop_checkout_981820079255243537';
const CART_TOKEN = 'shop_cart_c1a2';
const ORDER_ID = 'shop_order_820982911946154508';

function snapshot(id: string, email: string | null) {
  return {
    id,
    email,
    currency: 'USD',
    totalMinor: 4200,
    items: [{ sku: 'MUG', name: 'Mug', quantity: 2, priceMinor: 2100, url: null, imageUrl: null }],
    restoreUrl: 'https://shop.example/checkouts/5f1c/recover',
    savedLink: false,
    timezone: null,
    consent: null,
  };
}

/** What the checkout knows itself by (the token always; id and cart token when sent). */
const scenarioArb = fc
  .record({
    hasCheckoutId: fc.boolean(),
    hasCartToken: fc.boolean(),
    updates: fc.integer({ min: 1, max: 4 }),
    email: fc.constantFrom('sam@example.com', null),
    linkPick: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    orderMinute: fc.integer({ min: 1, max: 120 }),
  })
  .chain((s) => {
    const identities = [
      TOKEN,
      ...(s.hasCheckoutId ? [CHECKOUT_ID] : []),
      ...(s.hasCartToken ? [CART_TOKEN] : []),
    ];
    // The order links back by a non-empty subset of what the checkout carries, in Shopify's
    // order of preference: checkout_token, checkout_id, cart_token.
    let links = identities.filter((_, i) => s.linkPick[i]);
    if (links.length === 0) links = [identities[identities.length - 1] ?? TOKEN];
    const checkouts: CartEvent[] = Array.from({ length: s.updates }, (_, i) => ({
      id: `evt_checkout_${i}`,
      type: EventType.updated,
      occurredAt: T0 + i * MIN,
      cart: snapshot(TOKEN, i === 0 ? null : s.email),
      orderId: null,
      aliases: identities.slice(1),
    }));
    const order: CartEvent = {
      id: 'evt_order',
      type: EventType.checkedOut,
      occurredAt: T0 + s.orderMinute * MIN,
      cart: snapshot(links[0] ?? TOKEN, s.email),
      orderId: ORDER_ID,
      aliases: [...links.slice(1), ORDER_ID],
    };
    const all = [...checkouts, order];
    // Any delivery order, with repeats (Shopify retries with the original body).
    return fc
      .tuple(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.array(fc.constantFrom(...all), { maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 3 }),
      )
      .map(([shuffled, repeats, positions]) => {
        const deliveries = [...shuffled];
        repeats.forEach((event, i) => {
          deliveries.splice((positions[i] ?? 0) % (deliveries.length + 1), 0, event);
        });
        return { identities, deliveries };
      });
  });

describe('one cart known by several ids', () => {
  it('ends on one bought row that every id names, in any delivery order', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ identities, deliveries }) => {
        const db = openDatabase({ path: ':memory:' });
        try {
          const store = createSqliteCartStore(db);
          const armed = new Map<string, number | null>();
          const wakeups: Wakeups = {
            async set(cartId, at) {
              armed.set(cartId, at);
            },
          };
          const ingest = createIntake({
            store,
            wakeups,
            policy: DEFAULT_POLICY,
            clock: createManualClock(T0 + 3 * 3_600_000),
          });
          for (const event of deliveries) await ingest(event);
          const owners = await store.ownersOf([...identities, ORDER_ID]);
          const rows = new Set(owners.values());
          expect(rows.size).toBe(1);
          expect(owners.size).toBe(identities.length + 1);
          const [rowId] = [...rows];
          const row = await store.get(rowId ?? '');
          expect(row?.status).toBe('bought');
          expect(row?.orderId).toBe(ORDER_ID);
          // Once bought, the one timer left is the end of retention, and it is the row's own.
          const retainMs = DEFAULT_POLICY.retainCartsMs ?? Number.NaN;
          expect(row?.wakeAt).toBe((row?.boughtAt ?? Number.NaN) + retainMs);
          expect(armed.get(rowId ?? '') ?? null).toBe(row?.wakeAt);
        } finally {
          db.close();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('buys every row an order names, when two rows formed before anything linked them', async () => {
    const db = openDatabase({ path: ':memory:' });
    try {
      const store = createSqliteCartStore(db);
      const wakeups: Wakeups = { async set() {} };
      const ingest = createIntake({
        store,
        wakeups,
        policy: DEFAULT_POLICY,
        clock: createManualClock(T0 + 3_600_000),
      });
      // The storefront's cart and the checkout arrive under ids nothing links yet.
      await ingest({
        id: 'evt_cart',
        type: EventType.updated,
        occurredAt: T0,
        cart: snapshot(CART_TOKEN, 'sam@example.com'),
        orderId: null,
      });
      await ingest({
        id: 'evt_checkout',
        type: EventType.updated,
        occurredAt: T0 + MIN,
        cart: snapshot(TOKEN, 'sam@example.com'),
        orderId: null,
      });
      const order: CartEvent = {
        id: 'evt_order',
        type: EventType.checkedOut,
        occurredAt: T0 + 5 * MIN,
        cart: snapshot(TOKEN, 'sam@example.com'),
        orderId: ORDER_ID,
        aliases: [CART_TOKEN, ORDER_ID],
      };
      expect((await ingest(order)).kind).toBe('accepted');
      expect((await store.get(TOKEN))?.status).toBe('bought');
      expect((await store.get(CART_TOKEN))?.status).toBe('bought');
      // A retry of the order changes nothing on either row.
      expect((await ingest(order)).kind).toBe('duplicate');
      expect((await store.get(CART_TOKEN))?.orderId).toBe(ORDER_ID);
    } finally {
      db.close();
    }
  });
});
