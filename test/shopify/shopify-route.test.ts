import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { signShopifyBody } from '../../src/platforms/shopify/signature.ts';
import { openTestRuntime } from '../support/runtime.ts';

const SHOPIFY_SECRET = 'shpss_test_secret_0123456789';
const H = 3_600_000;
const fixture = (name: string) => readFileSync(`test/fixtures/shopify/${name}.json`, 'utf8');
const CART = 'shopify_b7e4c1d09a3f4e2b8c6d5a1f0e9d8c7b';

let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

function open(env: Record<string, string> = {}) {
  // The fixtures are from the morning of 2026-11-23 (UTC-5); the clock starts just after.
  rt = openTestRuntime(
    { CR_SHOPIFY_SECRET: SHOPIFY_SECRET, ...env },
    Date.parse('2026-11-23T14:00:00Z'),
  );
  return rt;
}

async function deliver(topic: string, body: string, eventId: string, secret = SHOPIFY_SECRET) {
  const res = await rt.app.request('/webhooks/shopify', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': signShopifyBody(body, secret),
      'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': '2026-11-23T14:00:00Z',
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('POST /webhooks/shopify', () => {
  it('answers 404 when no Shopify secret is configured', async () => {
    rt = openTestRuntime();
    const res = await rt.app.request('/webhooks/shopify', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });

  it('accepts a correctly signed checkout and refuses a wrong signature without storing anything', async () => {
    open();
    const bad = await deliver(
      'checkouts/update',
      fixture('checkouts-update'),
      'ev1',
      'another_secret_xxxxxxxx',
    );
    expect(bad.status).toBe(401);
    expect(await rt.store.get(CART)).toBeNull();
    const ok = await deliver('checkouts/update', fixture('checkouts-update'), 'ev1');
    expect(ok).toEqual({
      status: 200,
      json: { cart: { id: CART, status: 'open' }, duplicate: false },
    });
    const cart = await rt.store.get(CART);
    expect(cart).toMatchObject({
      email: 'sam.rivera@example.com',
      totalMinor: 11880,
      currency: 'USD',
      consent: true,
    });
  });

  it('treats a repeated delivery (same X-Shopify-Event-Id) as a duplicate', async () => {
    open();
    await deliver('checkouts/update', fixture('checkouts-update'), 'ev1');
    const again = await deliver('checkouts/update', fixture('checkouts-update'), 'ev1');
    expect(again.json.duplicate).toBe(true);
  });

  it('a late retry of the older checkouts/create does not overwrite the newer update', async () => {
    open();
    await deliver('checkouts/update', fixture('checkouts-update'), 'ev2');
    await deliver('checkouts/create', fixture('checkouts-create'), 'ev1');
    expect((await rt.store.get(CART))?.totalMinor).toBe(11880);
  });

  it('checkout then order: bought, no reminder ever', async () => {
    open();
    await deliver('checkouts/update', fixture('checkouts-update'), 'ev1');
    const order = await deliver('orders/create', fixture('orders-create'), 'ev2');
    expect(order.json).toEqual({ cart: { id: CART, status: 'bought' }, duplicate: false });
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
    expect((await rt.store.auditFor(CART)).map((r) => r.action)).toEqual(['checkout']);
  });

  it('an order arriving before the last checkout update still wins', async () => {
    open();
    await deliver('orders/create', fixture('orders-create'), 'ev2');
    await deliver('checkouts/update', fixture('checkouts-update'), 'ev1');
    expect((await rt.store.get(CART))?.status).toBe('bought');
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
  });

  it('a checkout with no email is kept and never mailed', async () => {
    open();
    const res = await deliver('checkouts/update', fixture('checkouts-update-no-email'), 'ev1');
    expect(res.status).toBe(200);
    const id = (res.json.cart as { id: string }).id;
    expect((await rt.store.get(id))?.email).toBeNull();
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
  });

  it('buyer_accepts_marketing false is never mailed when consent is required', async () => {
    open({ CR_REQUIRE_CONSENT: 'true' });
    rt.clock.set(Date.parse('2026-11-24T08:00:00Z'));
    const res = await deliver('checkouts/update', fixture('checkouts-update-no-marketing'), 'ev1');
    const id = (res.json.cart as { id: string }).id;
    expect((await rt.store.get(id))?.consent).toBe(false);
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
  });

  it('without consent required, the same abandoned checkout is reminded', async () => {
    open();
    await deliver('checkouts/update', fixture('checkouts-update'), 'ev1');
    await rt.advance(2 * H);
    expect(rt.mailer.sent.map((m) => m.to)).toEqual(['sam.rivera@example.com']);
  });

  it('acknowledges and ignores topics it does not use, and rejects malformed payloads clearly', async () => {
    open();
    const ignored = await deliver('products/update', '{"id":1}', 'ev9');
    expect(ignored).toMatchObject({ status: 200, json: { ignored: true } });
    const broken = JSON.parse(fixture('checkouts-update')) as Record<string, unknown>;
    broken.total_price = 'abc';
    const bad = await deliver('checkouts/update', JSON.stringify(broken), 'ev10');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.details)).toContain('total_price');
  });

  it('refuses a body that is not JSON with 415, after the signature and before the fields', async () => {
    open();
    const notJson = await deliver('orders/create', '{"id": 820982911946154508,', 'ev11');
    expect(notJson.status).toBe(415);
    expect(notJson.json).toMatchObject({
      error: 'body is not valid JSON',
      details: [{ path: '(body)' }],
    });
    const unsigned = await deliver('orders/create', '{"id":', 'ev12', 'another_secret_xxxxxxxx');
    expect(unsigned.status).toBe(401);
  });

  it('answers with the row the order reached, and keeps its 64-bit id digit for digit', async () => {
    open();
    await deliver('checkouts/update', fixture('checkouts-update'), 'ev1');
    // Linked only by cart_token, with Shopify's own sample order id (past 2^53).
    const order = fixture('orders-create')
      .replace('"id": 5901234567890', '"id": 820982911946154508')
      .replace(/"checkout_token": "[^"]*"/, '"checkout_token": null')
      .replace(/"checkout_id": \d+/, '"checkout_id": null');
    const res = await deliver('orders/create', order, 'ev2');
    expect(res.json).toEqual({ cart: { id: CART, status: 'bought' }, duplicate: false });
    expect((await rt.store.get(CART))?.orderId).toBe('820982911946154508');
  });

  it('takes a large real order (over the 64 KiB of /events) and refuses one over 512 KiB', async () => {
    open();
    const order = JSON.parse(fixture('orders-create')) as { line_items: unknown[] };
    const line = order.line_items[0];
    order.line_items = Array.from({ length: 150 }, () => line);
    const big = JSON.stringify(order);
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect((await deliver('orders/create', big, 'ev-big')).status).toBe(200);
    const huge = JSON.stringify({ ...order, line_items: Array.from({ length: 1200 }, () => line) });
    expect(huge.length).toBeGreaterThan(512 * 1024);
    expect((await deliver('orders/create', huge, 'ev-huge')).status).toBe(413);
  });
});
