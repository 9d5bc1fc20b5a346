import { describe, expect, it } from 'vitest';
import {
  eventOf,
  fixture,
  input,
  type Json,
  problemsOf,
} from '../../../test/fixtures/shopify/load.ts';
import { eventSchema } from '../../domain/events.ts';
import { mapShopifyWebhook } from './mapping.ts';

const TOKEN = 'b7e4c1d09a3f4e2b8c6d5a1f0e9d8c7b';
const CART_TOKEN = 'Z2NwLXVzLWVhc3QxOjAxSkZBS0VDQVJUVE9LRU4wMDAx';
const RESTORE = `https://linen-and-loom.example.com/59876543210/checkouts/ac/${TOKEN}/recover?key=3f9c2e8a1b7d6054`;
const SHIRT = {
  sku: 'SHIRT-LIN-L-SAND',
  name: 'Linen shirt — L / Sand',
  quantity: 1,
  priceMinor: 5900,
  url: null,
  imageUrl: null,
};
const TOTE = {
  sku: 'variant_44012345670002',
  name: 'Canvas tote',
  quantity: 2,
  priceMinor: 2550,
  url: null,
  imageUrl: null,
};

describe('mapShopifyWebhook: the fixtures', () => {
  it('maps checkouts/create to a cart update with no email yet', () => {
    const event = eventOf(
      mapShopifyWebhook(input('checkouts/create', fixture('checkouts-create'))),
    );
    expect(event).toEqual({
      id: 'shopify_a1f3c9e2-7b4d-4e8a-9c61-0d2e5f7a8b90',
      type: 'cart.updated',
      occurredAt: Date.UTC(2026, 10, 23, 13, 52, 11),
      orderId: null,
      aliases: ['shopify_checkout_35148217712345', `shopify_cart_${CART_TOKEN}`],
      cart: {
        id: `shopify_${TOKEN}`,
        email: null,
        currency: 'USD',
        totalMinor: 6372,
        items: [SHIRT],
        restoreUrl: RESTORE,
        savedLink: false,
        timezone: null,
        consent: false,
      },
    });
  });

  it('maps checkouts/update to the same cart, later, with the added item and the email', () => {
    const event = eventOf(
      mapShopifyWebhook(input('checkouts/update', fixture('checkouts-update'))),
    );
    expect(event.type).toBe('cart.updated');
    expect(event.occurredAt).toBe(Date.UTC(2026, 10, 23, 13, 58, 40));
    expect(event.cart).toEqual({
      id: `shopify_${TOKEN}`,
      email: 'sam.rivera@example.com',
      currency: 'USD',
      totalMinor: 11880,
      items: [SHIRT, TOTE],
      restoreUrl: RESTORE,
      savedLink: false,
      timezone: null,
      consent: true,
    });
  });

  it('keeps a checkout with no email, with email null', () => {
    const event = eventOf(
      mapShopifyWebhook(input('checkouts/update', fixture('checkouts-update-no-email'))),
    );
    expect(event.cart.id).toBe('shopify_e2a9f7c31d4b4a6c9e0f8b7a6d5c4b3a');
    expect(event.cart.email).toBeNull();
    expect(event.cart.totalMinor).toBe(2754);
    expect(event.cart.items).toEqual([{ ...TOTE, quantity: 1 }]);
  });

  it('carries buyer_accepts_marketing false as consent false', () => {
    const event = eventOf(
      mapShopifyWebhook(input('checkouts/update', fixture('checkouts-update-no-marketing'))),
    );
    expect(event.cart.consent).toBe(false);
    expect(event.cart.email).toBe('jo.bloggs@example.com');
    expect(event.occurredAt).toBe(Date.UTC(2026, 10, 24, 7, 44, 19, 123));
    expect(event.cart.id).toBe('shopify_c0ffee00d15ea5e0b0a7f00d12345678');
  });

  it('maps orders/create to a checkout of the cart the order came from', () => {
    const event = eventOf(mapShopifyWebhook(input('orders/create', fixture('orders-create'))));
    expect(event.type).toBe('cart.checked_out');
    expect(event.orderId).toBe('5901234567890');
    expect(event.occurredAt).toBe(Date.UTC(2026, 10, 23, 14, 14, 5));
    expect(event.cart).toEqual({
      id: `shopify_${TOKEN}`,
      email: 'sam.rivera@example.com',
      currency: 'USD',
      totalMinor: 11880,
      items: [SHIRT, TOTE],
      restoreUrl: null,
      savedLink: false,
      timezone: null,
      consent: true,
    });
  });

  it('gives every fixture event ids that satisfy the id rule of events.ts', () => {
    const cases = [
      ['checkouts/create', 'checkouts-create'],
      ['checkouts/update', 'checkouts-update'],
      ['checkouts/update', 'checkouts-update-no-email'],
      ['checkouts/update', 'checkouts-update-no-marketing'],
      ['orders/create', 'orders-create'],
    ] as const;
    for (const [topic, name] of cases) {
      const event = eventOf(mapShopifyWebhook(input(topic, fixture(name), { eventId: undefined })));
      expect(eventSchema.shape.id.safeParse(event.id).success).toBe(true);
      expect(eventSchema.shape.cart.shape.id.safeParse(event.cart.id).success).toBe(true);
    }
  });
});

describe('mapShopifyWebhook: topics and headers', () => {
  it('acknowledges and ignores a topic it does not use', () => {
    const result = mapShopifyWebhook(input('products/update', { id: 1, title: 'Linen shirt' }));
    expect(result.kind).toBe('ignored');
    expect(mapShopifyWebhook(input('orders/paid', fixture('orders-create'))).kind).toBe('ignored');
  });

  it('names the missing topic header', () => {
    expect(problemsOf(mapShopifyWebhook(input(undefined, fixture('checkouts-create'))))).toEqual([
      'headers.X-Shopify-Topic',
    ]);
  });

  it('falls back to X-Shopify-Triggered-At when the body has no time', () => {
    const body = { ...fixture('checkouts-create'), updated_at: null };
    const event = eventOf(
      mapShopifyWebhook(
        input('checkouts/create', body, { triggeredAt: '2026-11-23T13:52:30.123456789Z' }),
      ),
    );
    expect(event.occurredAt).toBe(Date.UTC(2026, 10, 23, 13, 52, 30, 123));
  });

  it('is invalid when neither the body nor the header gives a time', () => {
    const body = { ...fixture('checkouts-create'), updated_at: undefined };
    expect(problemsOf(mapShopifyWebhook(input('checkouts/create', body)))).toEqual(['updated_at']);
    const order = { ...fixture('orders-create'), processed_at: null, created_at: null };
    expect(problemsOf(mapShopifyWebhook(input('orders/create', order)))).toEqual([
      'processed_at or created_at',
    ]);
    const badHeader = input('checkouts/create', body, { triggeredAt: 'yesterday' });
    expect(problemsOf(mapShopifyWebhook(badHeader))).toEqual(['headers.X-Shopify-Triggered-At']);
  });

  it('uses processed_at for an order, else created_at', () => {
    const order: Json = { ...fixture('orders-create'), created_at: '2026-11-23T09:20:00-05:00' };
    const processed = eventOf(mapShopifyWebhook(input('orders/create', order)));
    expect(processed.occurredAt).toBe(Date.UTC(2026, 10, 23, 14, 14, 5));
    order.processed_at = undefined;
    const created = eventOf(mapShopifyWebhook(input('orders/create', order)));
    expect(created.occurredAt).toBe(Date.UTC(2026, 10, 23, 14, 20, 0));
  });
});

describe('mapShopifyWebhook: identities', () => {
  it('records an order that links to no checkout as a bought cart of its own', () => {
    const order = {
      ...fixture('orders-create'),
      checkout_token: null,
      checkout_id: null,
      cart_token: null,
    };
    const event = eventOf(mapShopifyWebhook(input('orders/create', order)));
    expect(event.type).toBe('cart.checked_out');
    expect(event.cart.id).toBe('shopify_order_5901234567890');
    expect(event.aliases).toEqual([]);
    expect(event.orderId).toBe('5901234567890');
  });

  it('falls back to the checkout id, on both sides, when there is no token', () => {
    const checkout = { ...fixture('checkouts-update'), token: undefined };
    const order = { ...fixture('orders-create'), checkout_token: undefined };
    const fromCheckout = eventOf(mapShopifyWebhook(input('checkouts/update', checkout)));
    const fromOrder = eventOf(mapShopifyWebhook(input('orders/create', order)));
    expect(fromCheckout.cart.id).toBe('shopify_checkout_35148217712345');
    expect(fromOrder.cart.id).toBe(fromCheckout.cart.id);
  });

  it('hashes a token that would break the id rule, the same way for checkout and order', () => {
    const token = `tok/${'x'.repeat(200)}`;
    const checkout = eventOf(
      mapShopifyWebhook(input('checkouts/update', { ...fixture('checkouts-update'), token })),
    );
    const order = eventOf(
      mapShopifyWebhook(
        input('orders/create', { ...fixture('orders-create'), checkout_token: token }),
      ),
    );
    expect(checkout.cart.id).toMatch(/^shopify_h_[0-9a-f]{40}$/);
    expect(order.cart.id).toBe(checkout.cart.id);
    const other = eventOf(
      mapShopifyWebhook(
        input('checkouts/update', { ...fixture('checkouts-update'), token: `${token}y` }),
      ),
    );
    expect(other.cart.id).not.toBe(checkout.cart.id);
  });

  it('hashes an event id header that would break the id rule', () => {
    const eventId = 'id with spaces/and/slashes';
    const event = eventOf(
      mapShopifyWebhook(input('checkouts/update', fixture('checkouts-update'), { eventId })),
    );
    expect(event.id).toMatch(/^shopify_h_[0-9a-f]{40}$/);
  });

  it('derives a stable event id without the headers, so a retry is still a duplicate', () => {
    const derive = (topic: string, body: Json) =>
      eventOf(mapShopifyWebhook(input(topic, body, { eventId: undefined }))).id;
    const first = derive('checkouts/update', fixture('checkouts-update'));
    // A retry is the same payload, parsed again: the same id.
    expect(derive('checkouts/update', fixture('checkouts-update'))).toBe(first);
    expect(first).toMatch(/^shopify_d_[0-9a-f]{40}$/);
    // A real change moves updated_at, so it is a new event.
    const later = { ...fixture('checkouts-update'), updated_at: '2026-11-23T09:01:00-05:00' };
    expect(derive('checkouts/update', later)).not.toBe(first);
    // The same payload under another topic is another delivery.
    expect(derive('checkouts/create', fixture('checkouts-update'))).not.toBe(first);
    // Another checkout at the same instant is another event.
    const other = { ...fixture('checkouts-update'), token: 'another-token' };
    expect(derive('checkouts/update', other)).not.toBe(first);
  });

  it('uses the same event id for the same header whatever the body', () => {
    const a = eventOf(mapShopifyWebhook(input('checkouts/update', fixture('checkouts-update'))));
    const b = eventOf(mapShopifyWebhook(input('checkouts/create', fixture('checkouts-create'))));
    expect(a.id).toBe(b.id);
  });
});

describe('mapShopifyWebhook: shopper text and links as the store lane takes them', () => {
  it('removes bidi overrides and zero-width characters from titles, and refuses a link with a line break', () => {
    const body = fixture('checkouts-create') as Json & { line_items: Json[] };
    const spoofed = {
      ...body,
      line_items: [{ ...body.line_items[0], title: 'Linen \u202Etrihs\u202C\u200B shirt' }],
    };
    const event = eventOf(mapShopifyWebhook(input('checkouts/create', spoofed)));
    expect(event.cart.items[0]?.name).toBe('Linen trihs shirt — L / Sand');
    const broken = { ...body, abandoned_checkout_url: `${RESTORE}\r\nSet-Cookie: x=1` };
    expect(problemsOf(mapShopifyWebhook(input('checkouts/create', broken)))).toEqual([
      'abandoned_checkout_url',
    ]);
  });
});
