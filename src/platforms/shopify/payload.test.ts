import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventOf,
  fixture,
  input,
  type Json,
  problemsOf,
} from '../../../test/fixtures/shopify/load.ts';
import { eventSchema } from '../../domain/events.ts';
import { mapShopifyWebhook, type ShopifyMapResult } from './mapping.ts';

describe('mapShopifyWebhook: malformed payloads name the field', () => {
  const checkout = () => fixture('checkouts-update');

  it.each([
    ['total_price "abc"', { total_price: 'abc' }, 'total_price'],
    ['total_price as a number', { total_price: 118.8 }, 'total_price'],
    ['line_items not an array', { line_items: { 0: 'shirt' } }, 'line_items'],
    [
      'a bad item price',
      { line_items: [{ title: 'Tote', quantity: 1, price: '2,50' }] },
      'line_items[0].price',
    ],
    [
      'an item with no title',
      { line_items: [{ quantity: 1, price: '2.50' }] },
      'line_items[0].title',
    ],
    [
      'a fractional quantity',
      { line_items: [{ title: 'T', quantity: 1.5, price: '2.50' }] },
      'line_items[0].quantity',
    ],
    ['more decimals than the currency has', { total_price: '118.805' }, 'total_price'],
    [
      'a restore link that is not http',
      { abandoned_checkout_url: 'javascript:alert(1)' },
      'abandoned_checkout_url',
    ],
    ['an unreal update time', { updated_at: '2026-13-45T99:00:00Z' }, 'updated_at'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency'],
    ['no currency at all', { currency: undefined, presentment_currency: undefined }, 'currency'],
    ['neither id nor token', { id: undefined, token: null }, 'token'],
  ])('%s', (_label, patch, path) => {
    expect(
      problemsOf(mapShopifyWebhook(input('checkouts/update', { ...checkout(), ...patch }))),
    ).toContain(path);
  });

  it('names every bad field at once', () => {
    const body: Json = { ...checkout(), total_price: 'abc' };
    const lines = body.line_items as Json[];
    body.line_items = [lines[0], { ...lines[1], price: 'free' }];
    expect(problemsOf(mapShopifyWebhook(input('checkouts/update', body)))).toEqual([
      'total_price',
      'line_items[1].price',
    ]);
  });

  it('is invalid for an order without an id, and for a body that is not an object', () => {
    const order = { ...fixture('orders-create'), id: undefined };
    expect(problemsOf(mapShopifyWebhook(input('orders/create', order)))).toEqual(['id']);
    expect(problemsOf(mapShopifyWebhook(input('orders/create', [1, 2])))).toEqual(['(body)']);
    expect(problemsOf(mapShopifyWebhook(input('checkouts/create', null)))).toEqual(['(body)']);
  });
});

describe('mapShopifyWebhook: what Shopify actually sends', () => {
  it('reads two-decimal amounts in a zero-decimal currency exactly', () => {
    const body = {
      ...fixture('checkouts-create'),
      currency: 'JPY',
      total_price: '4500.00',
      line_items: [{ title: 'Tenugui', quantity: 3, price: '1500.00', variant_id: 7 }],
    };
    const event = eventOf(mapShopifyWebhook(input('checkouts/create', body)));
    expect(event.cart.totalMinor).toBe(4500);
    expect(event.cart.items[0]?.priceMinor).toBe(1500);
    const fraction = { ...body, total_price: '4500.50' };
    expect(problemsOf(mapShopifyWebhook(input('checkouts/create', fraction)))).toEqual([
      'total_price',
    ]);
  });

  it('uses presentment_currency when currency is absent', () => {
    const body = { ...fixture('checkouts-update'), currency: null, presentment_currency: 'EUR' };
    expect(eventOf(mapShopifyWebhook(input('checkouts/update', body))).cart.currency).toBe('EUR');
  });

  it('treats a completed checkout as a purchase', () => {
    const body = { ...fixture('checkouts-update'), completed_at: '2026-11-23T09:14:05-05:00' };
    const event = eventOf(mapShopifyWebhook(input('checkouts/update', body)));
    expect(event.type).toBe('cart.checked_out');
    expect(event.cart.id).toBe('shopify_b7e4c1d09a3f4e2b8c6d5a1f0e9d8c7b');
  });

  it("takes the customer's email when the checkout's is blank, and drops one it cannot use", () => {
    const blank = { ...fixture('checkouts-update'), email: '  ' };
    expect(eventOf(mapShopifyWebhook(input('checkouts/update', blank))).cart.email).toBe(
      'sam.rivera@example.com',
    );
    const broken = { ...fixture('checkouts-create'), email: 'sam at example dot com' };
    expect(eventOf(mapShopifyWebhook(input('checkouts/create', broken))).cart.email).toBeNull();
  });

  it('keeps an IANA customer time zone and ignores a display name', () => {
    const withZone = (timezone: string) => {
      const body = fixture('checkouts-update');
      body.customer = { ...(body.customer as Json), timezone };
      return eventOf(mapShopifyWebhook(input('checkouts/update', body))).cart.timezone;
    };
    expect(withZone('America/Los_Angeles')).toBe('America/Los_Angeles');
    expect(withZone('(GMT-08:00) Pacific Time (US & Canada)')).toBeNull();
  });

  it('drops "Default Title" from names and lines with no quantity left', () => {
    const body = {
      ...fixture('checkouts-create'),
      line_items: [
        {
          title: 'Gift card',
          variant_title: 'Default Title',
          sku: 'GC',
          quantity: 1,
          price: '20.00',
        },
        { title: 'Socks', variant_title: null, sku: null, quantity: 0, price: '9.00' },
      ],
    };
    const event = eventOf(mapShopifyWebhook(input('checkouts/create', body)));
    expect(event.cart.items.map((item) => [item.sku, item.name])).toEqual([['GC', 'Gift card']]);
  });
});

const TOPICS = ['checkouts/create', 'checkouts/update', 'orders/create', 'carts/update', ''];
const USED_FIELDS = [
  'id',
  'token',
  'email',
  'currency',
  'presentment_currency',
  'total_price',
  'line_items',
  'abandoned_checkout_url',
  'buyer_accepts_marketing',
  'updated_at',
  'completed_at',
  'customer',
  'checkout_token',
  'checkout_id',
  'cart_token',
  'processed_at',
  'created_at',
  'contact_email',
];

function wellFormed(result: ShopifyMapResult): boolean {
  switch (result.kind) {
    case 'event':
      return (
        eventSchema.shape.id.safeParse(result.event.id).success &&
        eventSchema.shape.cart.shape.id.safeParse(result.event.cart.id).success &&
        eventSchema.shape.aliases.safeParse(result.event.aliases).success &&
        !result.event.aliases?.includes(result.event.cart.id) &&
        (result.event.orderId === null || typeof result.event.orderId === 'string') &&
        Number.isSafeInteger(result.event.cart.totalMinor) &&
        Number.isFinite(result.event.occurredAt)
      );
    case 'ignored':
      return result.reason.length > 0;
    case 'invalid':
      return result.details.length > 0 && result.details.every((detail) => detail.path.length > 0);
  }
}

describe('mapShopifyWebhook: properties', () => {
  it('never throws on arbitrary JSON bodies', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TOPICS),
        fc.jsonValue(),
        fc.option(fc.string()),
        (topic, body, at) =>
          wellFormed(mapShopifyWebhook(input(topic, body, { triggeredAt: at ?? undefined }))),
      ),
      { numRuns: 500 },
    );
  });

  it('never throws when any field it reads holds arbitrary JSON', () => {
    const bodies = ['checkouts-create', 'checkouts-update', 'orders-create'].map(fixture);
    fc.assert(
      fc.property(
        fc.constantFrom(...TOPICS),
        fc.constantFrom(...bodies),
        fc.constantFrom(...USED_FIELDS),
        fc.jsonValue(),
        (topic, body, field, value) =>
          wellFormed(mapShopifyWebhook(input(topic, { ...body, [field]: value }))),
      ),
      { numRuns: 500 },
    );
  });
});
