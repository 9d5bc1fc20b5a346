/**
 * CR_STORE_HOSTS on the signed lanes, through the real local runtime (serve's wiring): a store
 * event whose links leave the store is refused, naming the field; a Shopify checkout whose link
 * leaves the store is kept without the link (a refused webhook would be retried, then lost) and
 * is then never mailed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signShopifyBody } from '../../src/platforms/shopify/signature.ts';
import { openTestRuntime, RT_SECRET } from '../support/runtime.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';

const SHOPIFY_SECRET = 'shpss_store_hosts_0123456789';
let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

function open() {
  rt = openTestRuntime(
    {
      CR_STORE_HOSTS: 'shop.example, https://cdn.shop.example',
      CR_SHOPIFY_SECRET: SHOPIFY_SECRET,
      CR_CADENCE: '1m,2m',
      CR_GIVE_UP_AFTER: '10m',
    },
    Date.parse('2026-11-23T08:00:00Z'),
  );
  return rt;
}

async function postEvent(event: unknown) {
  const res = await rt.app.request(
    '/events',
    signedRequest(RT_SECRET, JSON.stringify(event), rt.clock.now()),
  );
  return { status: res.status, json: (await res.json()) as { details?: Array<{ path: string }> } };
}

describe('CR_STORE_HOSTS', () => {
  it('refuses a store event whose image, item link or restore link is off the store, naming each', async () => {
    open();
    const res = await postEvent(
      cartEvent({
        cart: {
          restoreUrl: 'https://shop.example.evil.example/cart',
          items: [
            {
              sku: 'A',
              name: 'A',
              quantity: 1,
              price: '84.50',
              url: 'https://shop.example/p/a',
              imageUrl: 'https://tracker.example/pixel.gif',
            },
          ],
          total: '84.50',
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.json.details?.map((d) => d.path)).toEqual([
      'cart.restoreUrl',
      'cart.items[0].imageUrl',
    ]);
    expect(await rt.store.get('c_42')).toBeNull();
  });

  it('takes links on the listed hosts', async () => {
    open();
    const ok = await postEvent(
      cartEvent({
        cart: {
          restoreUrl: 'https://shop.example/cart/c_42',
          items: [
            {
              sku: 'A',
              name: 'A',
              quantity: 1,
              price: '84.50',
              imageUrl: 'https://cdn.shop.example/a.jpg',
            },
          ],
          total: '84.50',
        },
      }),
    );
    expect(ok.status).toBe(200);
  });

  it('keeps a Shopify checkout whose link is off the store, without the link, and never mails it', async () => {
    open();
    const body = JSON.stringify({
      token: 'tok_offsite_1',
      email: 'sam@example.com',
      currency: 'USD',
      total_price: '20.00',
      updated_at: '2026-11-23T07:59:00Z',
      abandoned_checkout_url: 'https://phish.example/recover',
      line_items: [{ title: 'Mug', quantity: 1, price: '20.00', sku: 'MUG' }],
    });
    const res = await rt.app.request('/webhooks/shopify', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'checkouts/create',
        'x-shopify-hmac-sha256': signShopifyBody(body, SHOPIFY_SECRET),
        'x-shopify-event-id': 'evt-offsite-1',
      },
      body,
    });
    expect(res.status).toBe(200);
    const row = await rt.store.get('shopify_tok_offsite_1');
    expect(row?.restoreUrl).toBeNull();
    await rt.advance(15 * 60_000);
    expect(rt.mailer.sent).toEqual([]);
  });
});
