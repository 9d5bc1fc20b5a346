/**
 * Browser events are stamped with the server's clock, so a shopper's quick changes can share a
 * millisecond; the change that arrived last must still be the one the cart keeps.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openTestRuntime } from '../support/runtime.ts';

const KEY = 'pk_order_test_0123456789';
const SHOP = 'https://shop.example';
// A manual clock that never moves: every event below lands in the same millisecond.
const rt = openTestRuntime({ CR_SNIPPET_KEY: KEY, CR_SNIPPET_ORIGINS: SHOP });
afterAll(() => rt.shutdown());

function change(quantity: number) {
  return rt.app.request('/snippet/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SHOP },
    body: JSON.stringify({
      key: KEY,
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
      expect((await change(quantity)).status).toBe(200);
    }
    const cart = await rt.store.get('web_same-ms');
    expect(cart?.items[0]?.quantity).toBe(20);
    expect(cart?.totalMinor).toBe(4000);
  });
});
