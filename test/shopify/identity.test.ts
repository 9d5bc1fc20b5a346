/**
 * Every id Shopify gives a cart, mapped the same way on the checkout side and the order side, so
 * an order finds its checkout by whichever link it carries; and every id digit for digit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSchema } from '../../src/domain/events.ts';
import { parseShopifyJson } from '../../src/platforms/shopify/json.ts';
import { mapShopifyWebhook } from '../../src/platforms/shopify/mapping.ts';
import { eventOf, fixture, input, problemsOf } from '../fixtures/shopify/load.ts';

const TOKEN = 'b7e4c1d09a3f4e2b8c6d5a1f0e9d8c7b';
const CART_TOKEN = 'Z2NwLXVzLWVhc3QxOjAxSkZBS0VDQVJUVE9LRU4wMDAx';
const CHECKOUT_ID = '35148217712345';
const ORDER_ID = '5901234567890';
const BY = {
  token: `shopify_${TOKEN}`,
  checkoutId: `shopify_checkout_${CHECKOUT_ID}`,
  cartToken: `shopify_cart_${CART_TOKEN}`,
  order: `shopify_order_${ORDER_ID}`,
};

const checkout = (patch: Record<string, unknown>) =>
  eventOf(
    mapShopifyWebhook(input('checkouts/update', { ...fixture('checkouts-update'), ...patch })),
  );
const order = (patch: Record<string, unknown>) =>
  eventOf(mapShopifyWebhook(input('orders/create', { ...fixture('orders-create'), ...patch })));
const idsOf = (event: { cart: { id: string }; aliases?: readonly string[] }) => [
  event.cart.id,
  ...(event.aliases ?? []),
];

describe('a checkout: the token names the cart, its other ids are aliases', () => {
  it.each([
    ['token, id and cart token (before API 2026-04)', {}, BY.token, [BY.checkoutId, BY.cartToken]],
    ['token and cart token (API 2026-04 on: no id)', { id: undefined }, BY.token, [BY.cartToken]],
    ['id and cart token, no token', { token: null }, BY.checkoutId, [BY.cartToken]],
    ['a blank token is no token', { token: '' }, BY.checkoutId, [BY.cartToken]],
    ['token alone', { id: null, cart_token: null }, BY.token, []],
    ['a blank cart token is no cart token', { id: null, cart_token: ' ' }, BY.token, []],
  ])('%s', (_label, patch, id, aliases) => {
    const event = checkout(patch);
    expect(event.cart.id).toBe(id);
    expect(event.aliases).toEqual(aliases);
  });

  it('is invalid with only a cart token: nothing names the checkout itself', () => {
    const body = { ...fixture('checkouts-update'), id: null, token: null };
    expect(problemsOf(mapShopifyWebhook(input('checkouts/update', body)))).toEqual(['token']);
  });
});

describe('an order: its first link names the cart, every other id is an alias', () => {
  it.each([
    ['every link', {}, BY.token, [BY.checkoutId, BY.cartToken, BY.order]],
    [
      'checkout_token and cart_token (API 2026-04 on)',
      { checkout_id: undefined },
      BY.token,
      [BY.cartToken, BY.order],
    ],
    ['only checkout_token', { checkout_id: null, cart_token: null }, BY.token, [BY.order]],
    ['only checkout_id', { checkout_token: null, cart_token: null }, BY.checkoutId, [BY.order]],
    ['only cart_token', { checkout_token: null, checkout_id: null }, BY.cartToken, [BY.order]],
    [
      'blank tokens are no links',
      { checkout_token: '', checkout_id: null, cart_token: '' },
      BY.order,
      [],
    ],
  ])('%s', (_label, patch, id, aliases) => {
    const event = order(patch);
    expect(event.cart.id).toBe(id);
    expect(event.aliases).toEqual(aliases);
    expect(event.orderId).toBe(ORDER_ID);
  });

  it.each([
    ['checkout_token', { checkout_id: null, cart_token: null }, { id: null, cart_token: null }],
    ['checkout_id', { checkout_token: null, cart_token: null }, { token: null, cart_token: null }],
    ['cart_token', { checkout_token: null, checkout_id: null }, { id: null }],
  ])(
    'shares an id with its checkout when linked only by %s',
    (_link, orderPatch, checkoutPatch) => {
      const ours = idsOf(checkout(checkoutPatch));
      expect(idsOf(order(orderPatch)).filter((id) => ours.includes(id))).toHaveLength(1);
    },
  );

  it('maps a cart token that breaks the id rule to the same hash on both sides', () => {
    const cartToken = `c/${'z'.repeat(200)}`;
    const fromCheckout = checkout({ cart_token: cartToken });
    const fromOrder = order({ checkout_token: null, checkout_id: null, cart_token: cartToken });
    expect(fromOrder.cart.id).toMatch(/^shopify_h_[0-9a-f]{40}$/);
    expect(fromCheckout.aliases).toContain(fromOrder.cart.id);
    // Hashed apart from a checkout token with the same text: they name different things.
    expect(checkout({ token: cartToken }).cart.id).not.toBe(fromOrder.cart.id);
  });

  it('keeps ".." out of ids, as the id rule of events.ts does', () => {
    const event = checkout({ token: 'a..b', cart_token: 'c..d' });
    for (const id of idsOf(event)) {
      expect(id).not.toContain('..');
      expect(eventSchema.shape.cart.shape.id.safeParse(id).success).toBe(true);
    }
  });
});

describe('identities: properties', () => {
  // Any text Shopify might send, never blank (a blank token is no token, tested above).
  const token = fc.stringMatching(/^[A-Za-z0-9_.:/=+-][A-Za-z0-9_.:/=+ -]{0,199}$/);
  const id = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String);
  const link = fc.record({
    token: fc.option(token, { nil: null }),
    id: fc.option(id, { nil: null }),
    cartToken: fc.option(token, { nil: null }),
  });

  it('an order that carries any of its checkout’s ids shares one with it; ids keep the id rule', () => {
    fc.assert(
      fc.property(link, fc.constantFrom('token', 'id', 'cartToken'), id, (ids, shared, own) => {
        fc.pre(ids.token !== null || ids.id !== null);
        fc.pre(ids[shared as keyof typeof ids] !== null);
        const fromCheckout = checkout({ token: ids.token, id: ids.id, cart_token: ids.cartToken });
        const fromOrder = order({
          id: own,
          checkout_token: shared === 'token' ? ids.token : null,
          checkout_id: shared === 'id' ? ids.id : null,
          cart_token: shared === 'cartToken' ? ids.cartToken : null,
        });
        const ours = idsOf(fromCheckout);
        for (const event of [fromCheckout, fromOrder]) {
          expect(eventSchema.shape.aliases.safeParse(event.aliases).success).toBe(true);
          expect(event.aliases).not.toContain(event.cart.id);
          expect(new Set(event.aliases).size).toBe(event.aliases?.length);
        }
        expect(idsOf(fromOrder).some((candidate) => ours.includes(candidate))).toBe(true);
        expect(fromOrder.orderId).toBe(own);
      }),
      { numRuns: 300 },
    );
  });
});

describe('64-bit ids, digit for digit', () => {
  // Shopify's own sample ids, past 2^53: JSON.parse would round both.
  const ORDER = '820982911946154508';
  const CHECKOUT = '981820079255243537';
  const VARIANT = '9007199254740993';
  const body = `{"id":${ORDER},"checkout_id":${CHECKOUT},"checkout_token":null,"cart_token":null,
    "email":"ana@example.com","currency":"USD","total_price":"12.00","processed_at":"2026-07-14T10:00:01-04:00",
    "line_items":[{"title":"Mug","quantity":2,"price":"6.00","sku":null,"variant_id":${VARIANT}}]}`;

  it('come through the lossless parse into orderId, the cart id, aliases and skus', () => {
    const event = eventOf(mapShopifyWebhook(input('orders/create', parseShopifyJson(body))));
    expect(event.orderId).toBe(ORDER);
    expect(event.cart.id).toBe(`shopify_checkout_${CHECKOUT}`);
    expect(event.aliases).toEqual([`shopify_order_${ORDER}`]);
    expect(event.cart.items.map((item) => [item.sku, item.quantity])).toEqual([
      [`variant_${VARIANT}`, 2],
    ]);
  });

  it('are refused, not trusted, when something parsed them into rounded numbers', () => {
    expect(JSON.stringify(JSON.parse(body).id)).not.toBe(ORDER);
    const result = mapShopifyWebhook(input('orders/create', JSON.parse(body)));
    expect(problemsOf(result).sort()).toEqual(['checkout_id', 'id', 'line_items[0].variant_id']);
    expect(JSON.stringify(result)).toContain('past 2^53');
  });

  it('are strings whichever way Shopify writes them', () => {
    const small = order({ id: 5901234567890, checkout_id: '35148217712345' });
    expect(small.orderId).toBe('5901234567890');
    expect(small.aliases).toContain('shopify_checkout_35148217712345');
    const named = (id: unknown) =>
      problemsOf(mapShopifyWebhook(input('orders/create', { ...fixture('orders-create'), id })));
    expect(named(-1)).toEqual(['id']);
    expect(named(1.5)).toEqual(['id']);
    expect(named('')).toEqual(['id']);
    expect(named(true)).toEqual(['id']);
  });
});
