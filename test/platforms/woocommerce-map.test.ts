import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PlatformDelivery, PlatformMapping } from '../../src/platforms/platform.ts';
import { wooMinor } from '../../src/platforms/woocommerce/payload.ts';
import { wooCommercePlatform } from '../../src/platforms/woocommerce/woocommerce-platform.ts';

const fixture = (name: string) => readFileSync(`test/fixtures/woocommerce/${name}.json`, 'utf8');
const PAY =
  'https://atelier-lin.example/checkout/order-pay/5127/?pay_for_order=true&key=wc_order_Hq7RkT2mYx9Pb';

function lane(
  settings: Record<string, string> = { CR_WOOCOMMERCE_CONSENT_META: 'newsletter_opt_in' },
) {
  return wooCommercePlatform.create({ secrets: ['unused'], settings, storeHosts: [] });
}
function delivery(body: string, header: (name: string) => string | undefined): PlatformDelivery {
  return {
    body: new TextEncoder().encode(body),
    header,
    receivedAt: 0,
    // As the generic route reads it: the parse the platform asks for, over the raw body.
    json: (parse = JSON.parse) => parse(body),
  };
}
function map(
  body: string,
  topic = 'order.updated',
  deliveryId = 'd41d8cd98f00b204e9800998ecf8427e',
  settings?: Record<string, string>,
) {
  const headers: Record<string, string> = {
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-delivery-id': deliveryId,
  };
  return lane(settings).map(
    delivery(body, (name) => headers[name.toLowerCase()]),
  ) as PlatformMapping;
}
function event(mapping: PlatformMapping) {
  if (mapping.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(mapping)}`);
  const [only] = mapping.events;
  if (only === undefined || mapping.events.length !== 1) throw new Error('expected one event');
  return only;
}

describe('WooCommerce order mapping', () => {
  it('a pending order is an open cart: its lines, total, billing email, payment link, consent meta', () => {
    expect(event(map(fixture('order-pending'), 'order.created'))).toMatchObject({
      type: 'cart.updated',
      occurredAt: Date.parse('2026-11-23T12:41:09Z'),
      orderId: null,
      cart: {
        id: 'woocommerce_5127',
        email: 'priya.n@example.org',
        currency: 'EUR',
        totalMinor: 8388,
        items: [
          {
            sku: 'APR-LIN-M',
            name: 'Linen apron - M',
            quantity: 1,
            priceMinor: 3800,
            url: null,
            imageUrl: 'https://atelier-lin.example/wp-content/uploads/2026/03/apron-natural.jpg',
          },
          {
            sku: 'product_251',
            name: 'Waxed cotton tote',
            quantity: 2,
            priceMinor: 1250,
            url: null,
            imageUrl: 'https://atelier-lin.example/wp-content/uploads/2026/02/tote-olive.jpg',
          },
        ],
        restoreUrl: PAY,
        consent: true,
      },
    });
  });

  it('failed and checkout-draft orders are open carts too; consent "0" is a no', () => {
    expect(event(map(fixture('order-failed'))).type).toBe('cart.updated');
    expect(event(map(fixture('order-checkout-draft')))).toMatchObject({
      type: 'cart.updated',
      cart: { id: 'woocommerce_5131', email: 'sam.okafor@example.net', consent: false },
    });
  });

  it('processing, completed and on-hold orders are the purchase, with the order id', () => {
    for (const status of ['processing', 'completed', 'on-hold']) {
      const body = fixture('order-processing').replace(
        '"status": "processing"',
        `"status": "${status}"`,
      );
      expect(event(map(body))).toMatchObject({
        type: 'cart.checked_out',
        orderId: '5127',
        occurredAt: Date.parse('2026-11-23T15:02:12Z'),
        cart: { id: 'woocommerce_5127', restoreUrl: null },
      });
    }
  });

  it('a cancelled or trashed order empties the cart and asks for it to be closed as suppressed', () => {
    for (const status of ['cancelled', 'trash']) {
      const body = fixture('order-cancelled').replace(
        '"status": "cancelled"',
        `"status": "${status}"`,
      );
      expect(event(map(body))).toMatchObject({
        type: 'cart.updated',
        cart: { id: 'woocommerce_5127', items: [], totalMinor: 0, restoreUrl: null },
      });
      expect(map(body)).toMatchObject({ suppress: { reason: `WooCommerce order ${status}` } });
    }
  });

  it('a repeated delivery has the same event id; another delivery or another state does not', () => {
    const first = event(map(fixture('order-pending'))).id;
    expect(event(map(fixture('order-pending'))).id).toBe(first);
    expect(event(map(fixture('order-pending'), 'order.updated', 'another-delivery')).id).not.toBe(
      first,
    );
    // WooCommerce's delivery id is per webhook per second: a paid order sent in the same second
    // as its pending one must not be taken for a repeat.
    expect(event(map(fixture('order-processing'))).id).not.toBe(first);
  });

  it('keeps a 64-bit order id digit for digit', () => {
    expect(event(map(fixture('order-pending-64bit'))).cart.id).toBe(
      'woocommerce_9007199254740993123',
    );
  });

  it('acknowledges the ping, other topics and statuses that change no cart', () => {
    const ping = lane().map(delivery('webhook_id=17', () => undefined));
    expect(ping).toEqual({ kind: 'ignored', reason: 'WooCommerce delivery ping' });
    expect(map('{"id":5127}', 'order.deleted').kind).toBe('ignored');
    expect(map(fixture('order-pending'), 'product.updated').kind).toBe('ignored');
    const refunded = fixture('order-processing').replace(
      '"status": "processing"',
      '"status": "refunded"',
    );
    expect(map(refunded)).toEqual({
      kind: 'ignored',
      reason: 'order status "refunded" changes no cart',
    });
  });

  it('without a consent meta key the consent is unknown', () => {
    expect(event(map(fixture('order-pending'), 'order.updated', 'd1', {})).cart.consent).toBeNull();
  });

  it('names every bad field it reads, and a missing topic header', () => {
    const body = JSON.parse(fixture('order-pending'));
    body.total = 'lots';
    body.currency = 'EURO';
    const mapped = map(JSON.stringify(body));
    expect(mapped.kind === 'invalid' ? mapped.details.map((d) => d.path).sort() : mapped).toEqual([
      'currency',
      'total',
    ]);
    expect(map(fixture('order-pending'), '')).toEqual({
      kind: 'invalid',
      details: [{ path: '(headers).x-wc-webhook-topic', problem: 'is missing' }],
    });
  });

  it('reads amounts written with more decimals than the currency has, rounding half up', () => {
    expect(wooMinor('84.50', 'EUR')).toBe(8450);
    expect(wooMinor('84.505', 'EUR')).toBe(8451);
    expect(wooMinor('84.5', 'EUR')).toBe(8450);
    expect(wooMinor('1200', 'JPY')).toBe(1200);
  });
});
