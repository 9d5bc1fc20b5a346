import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { signWooCommerceBody } from '../../src/platforms/woocommerce/signature.ts';
import { openPlatformRuntime, type TestRuntime } from './platform-route.ts';

const SECRET = 'wc-route-secret-5Tn8Qw1Zk';
const CART = 'woocommerce_5127';
const H = 3_600_000;
const fixture = (name: string) => readFileSync(`test/fixtures/woocommerce/${name}.json`, 'utf8');
const ENV = { CR_WOOCOMMERCE_SECRET: SECRET, CR_WOOCOMMERCE_CONSENT_META: 'newsletter_opt_in' };

let rt: TestRuntime | undefined;
let deliverTo: ReturnType<typeof openPlatformRuntime>['deliver'];
afterEach(async () => {
  await rt?.shutdown();
  rt = undefined;
});

// The pending order was placed at 12:41 UTC and paid at 15:02.
function open(env: Record<string, string> = ENV, start = '2026-11-23T12:42:00Z') {
  const opened = openPlatformRuntime(env, Date.parse(start));
  rt = opened.rt;
  deliverTo = opened.deliver;
  return opened.rt;
}
function deliver(
  name: string,
  { topic = 'order.updated', deliveryId = `d-${name}`, secret = SECRET } = {},
) {
  const body = fixture(name);
  return deliverTo('/webhooks/woocommerce', body, {
    'content-type': 'application/json',
    'x-wc-webhook-source': 'https://atelier-lin.example/',
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': 'order',
    'x-wc-webhook-event': topic.split('.')[1] ?? '',
    'x-wc-webhook-id': '17',
    'x-wc-webhook-delivery-id': deliveryId,
    'x-wc-webhook-signature': signWooCommerceBody(secret, body),
  });
}

describe('POST /webhooks/woocommerce', () => {
  it('answers 404 when CR_WOOCOMMERCE_SECRET is not set', async () => {
    open({});
    expect((await deliver('order-pending')).status).toBe(404);
  });

  it("answers WooCommerce's unsigned save-time ping with 200, storing nothing", async () => {
    open();
    const answer = await deliverTo('/webhooks/woocommerce', 'webhook_id=17', {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'WooCommerce/9.4.2 Hookshot (WordPress/6.7)',
    });
    expect(answer).toEqual({
      status: 200,
      json: { ignored: true, reason: 'WooCommerce delivery ping' },
    });
  });

  it('a pending order is an abandoned cart, restored by its payment link, and gets a reminder', async () => {
    const r = open();
    expect(await deliver('order-pending', { topic: 'order.created' })).toEqual({
      status: 200,
      json: { cart: { id: CART, status: 'open' }, duplicate: false },
    });
    expect(await r.store.get(CART)).toMatchObject({
      email: 'priya.n@example.org',
      totalMinor: 8388,
      currency: 'EUR',
      consent: true,
      restoreUrl:
        'https://atelier-lin.example/checkout/order-pay/5127/?pay_for_order=true&key=wc_order_Hq7RkT2mYx9Pb',
    });
    await r.advance(2 * H, 10 * 60_000);
    expect(r.mailer.sent.map((m) => m.to)).toEqual(['priya.n@example.org']);
  });

  it('the order paid after a reminder is the purchase, recovered; nothing is sent after it', async () => {
    const r = open();
    await deliver('order-pending', { topic: 'order.created' });
    await r.advance(Date.parse('2026-11-23T15:03:00Z') - r.clock.now(), 10 * 60_000);
    expect(r.mailer.sent).toHaveLength(1);
    expect((await deliver('order-processing')).json).toEqual({
      cart: { id: CART, status: 'bought' },
      duplicate: false,
    });
    expect((await r.store.get(CART))?.recoveredAt).toBe(Date.parse('2026-11-23T15:02:12Z'));
    await r.advance(96 * H, 30 * 60_000);
    expect(r.mailer.sent).toHaveLength(1);
  });

  it('a late order.created (pending) after the payment never reopens the bought cart', async () => {
    const r = open(ENV, '2026-11-23T15:03:00Z');
    await deliver('order-processing');
    const late = await deliver('order-pending', { topic: 'order.created' });
    expect(late.json).toEqual({ cart: { id: CART, status: 'bought' }, duplicate: false });
    await r.advance(96 * H, 30 * 60_000);
    expect(r.mailer.sent).toEqual([]);
  });

  it('a cancelled order is never mailed', async () => {
    const r = open();
    await deliver('order-pending', { topic: 'order.created' });
    r.clock.set(Date.parse('2026-11-23T13:42:00Z'));
    await deliver('order-cancelled');
    await r.advance(96 * H, 30 * 60_000);
    expect(r.mailer.sent).toEqual([]);
  });

  it('a cancelled order is closed as suppressed by woocommerce, audited, and a late pending delivery leaves it closed', async () => {
    const r = open();
    await deliver('order-pending', { topic: 'order.created' });
    r.clock.set(Date.parse('2026-11-23T13:42:00Z'));
    const cancelled = await deliver('order-cancelled');
    expect(cancelled.json).toEqual({ cart: { id: CART, status: 'closed' }, duplicate: false });
    expect(await r.store.get(CART)).toMatchObject({ status: 'closed', closedReason: 'suppressed' });
    const stops = (await r.store.auditFor(CART)).filter((row) => row.action === 'suppress');
    expect(stops).toMatchObject([{ actor: 'woocommerce', reason: 'WooCommerce order cancelled' }]);
    const late = await deliver('order-pending', { topic: 'order.updated', deliveryId: 'late-1' });
    expect(late.json.cart).toEqual({ id: CART, status: 'closed' });
    await r.advance(96 * H, 30 * 60_000);
    expect(r.mailer.sent).toEqual([]);
  });

  it('a cancellation delivered before its order leaves a closed row the order cannot reopen', async () => {
    const r = open();
    await deliver('order-cancelled');
    expect(await r.store.get(CART)).toMatchObject({ status: 'closed', closedReason: 'suppressed' });
    await deliver('order-pending', { topic: 'order.created' });
    expect(await r.store.get(CART)).toMatchObject({ status: 'closed' });
    await r.advance(96 * H, 30 * 60_000);
    expect(r.mailer.sent).toEqual([]);
  });

  it('a repeated delivery (same X-WC-Webhook-Delivery-ID, same body) is a duplicate', async () => {
    open();
    await deliver('order-pending', { deliveryId: 'a1b2c3' });
    expect((await deliver('order-pending', { deliveryId: 'a1b2c3' })).json.duplicate).toBe(true);
  });

  it('a wrong signature is 401 and stores nothing', async () => {
    const r = open();
    expect((await deliver('order-pending', { secret: 'not-the-secret' })).status).toBe(401);
    expect(await r.store.get(CART)).toBeNull();
  });

  it('a topic we do not use is acknowledged and ignored', async () => {
    open();
    expect(await deliver('order-pending', { topic: 'product.updated' })).toEqual({
      status: 200,
      json: { ignored: true, reason: 'topic "product.updated" is not one we use' },
    });
  });

  it('a 64-bit order id is kept digit for digit', async () => {
    const r = open();
    const answer = await deliver('order-pending-64bit', { topic: 'order.created' });
    expect(answer.json.cart).toEqual({ id: 'woocommerce_9007199254740993123', status: 'open' });
    expect(await r.store.get('woocommerce_9007199254740993123')).not.toBeNull();
  });

  it('with CR_STORE_HOSTS a payment link off the listed hosts is dropped, so the cart is never mailed', async () => {
    const r = open({ ...ENV, CR_STORE_HOSTS: 'shop.elsewhere.example' });
    await deliver('order-pending', { topic: 'order.created' });
    expect((await r.store.get(CART))?.restoreUrl).toBeNull();
    await r.advance(4 * H, 10 * 60_000);
    expect(r.mailer.sent).toEqual([]);
  });
});
