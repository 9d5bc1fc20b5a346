/**
 * Browser events are stamped with the server's clock, so a shopper's quick changes can share a
 * millisecond; the change that arrived last must still be the one the cart keeps.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openTestRuntime } from '../support/runtime.ts';
import { browserToken } from '../support/snippet.ts';

const KEY = 'pk_order_test_0123456789';
const SHOP = 'https://shop.example';
// A manual clock that never moves: every event below lands in the same millisecond.
const rt = openTestRuntime({ CR_SNIPPET_KEY: KEY, CR_SNIPPET_ORIGINS: SHOP });
afterAll(() => rt.shutdown());
const token = browserToken();
let cartId = '';

function change(quantity: number) {
  return rt.app.request('/snippet/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SHOP },
    body: JSON.stringify({
      key: KEY,
      token,
      cart: {
        id: 'same-ms',
        currency: 'EUR',
        total: (quantity * 2).toFixed(2),
        items: [{ sku: 'PEN', name: 'Pen', quantity, price: '2.00' }],
      },
    }),
  });
}

describe('snippet events in one millisecond', () => {
  it('the last change to arrive is the one the cart keeps', async () => {
    // 20 in a row: with a coin-toss tie-break the last would win only 1 time in 20.
    for (let quantity = 1; quantity <= 20; quantity++) {
      const res = await change(quantity);
      expect(res.status).toBe(200);
      cartId = ((await res.json()) as { cart: { id: string } }).cart.id;
    }
    const cart = await rt.store.get(cartId);
    expect(cart?.items[0]?.quantity).toBe(20);
    expect(cart?.totalMinor).toBe(4000);
  });
});
