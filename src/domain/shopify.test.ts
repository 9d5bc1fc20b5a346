import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CartEvent } from './events.ts';
import { eventSchema } from './events.ts';
import { mapShopifyWebhook, type ShopifyMapResult, type ShopifyWebhookInput } from './shopify.ts';

type Json = Record<string, unknown>;

const fixture = (name: string): Json =>
  JSON.parse(
    readFileSync(new URL(`../../test/fixtures/shopify/${name}.json`, import.meta.url), 'utf8'),
  ) as Json;

const TOKEN = 'b7e4c1d09a3f4e2b8c6d5a1f0e9d8c7b';
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

function input(topic: string | undefined, body: unknown, extra: Partial<ShopifyWebhookInput> = {}) {
  return {
    topic,
    eventId: 'a1f3c9e2-7b4d-4e8a-9c61-0d2e5f7a8b90',
    triggeredAt: undefined,
    body,
    ...extra,
  };
}

function eventOf(result: ShopifyMapResult): CartEvent {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

function problemsOf(result: ShopifyMapResult): string[] {
  if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
  return result.details.map((detail) => detail.path);
}

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

describe('mapShopifyWebhook: identities', () => {
  it('records an order with no checkout_token as a bought cart of its own', () => {
    const order = { ...fixture('orders-create'), checkout_token: null, checkout_id: null };
    const event = eventOf(mapShopifyWebhook(input('orders/create', order)));
    expect(event.type).toBe('cart.checked_out');
    expect(event.cart.id).toBe('shopify_order_5901234567890');
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
    expect(event.cart.id).toBe(`shopify_${TOKEN}`);
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
