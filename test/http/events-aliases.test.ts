/**
 * POST /events with `aliases` (SPEC section 7): a store that knows one cart by several ids (a
 * cart token on the storefront, a checkout id at payment, an order id after) can name them all,
 * and any of them finds the same row, in either delivery order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cartEvent } from '../support/signed-event.ts';
import { makeTestApp } from '../support/test-app.ts';

let harness: ReturnType<typeof makeTestApp>;
afterEach(() => harness?.close());

const post = (body: unknown) => harness.postEvent(body);

const storefront = cartEvent({
  id: 'evt_storefront',
  occurredAt: '2026-11-23T07:50:00Z',
  cart: { id: 'cart_tok_7' },
});
const checkout = {
  ...cartEvent({ id: 'evt_checkout', occurredAt: '2026-11-23T07:55:00Z', cart: { id: 'chk_91' } }),
  aliases: ['cart_tok_7'],
};
const order = {
  ...cartEvent({
    id: 'evt_order',
    type: 'cart.checked_out',
    occurredAt: '2026-11-23T07:58:00Z',
    cart: { id: 'ord_820982911946154508' },
    orderId: '820982911946154508',
  }),
  aliases: ['chk_91'],
};

describe('POST /events: aliases', () => {
  it('links a storefront cart, its checkout and its order into one row, bought', async () => {
    harness = makeTestApp();
    expect((await post(storefront)).status).toBe(200);
    expect((await post(checkout)).json).toEqual({
      cart: { id: 'chk_91', status: 'open' },
      duplicate: false,
    });
    expect((await post(order)).json).toEqual({
      cart: { id: 'ord_820982911946154508', status: 'bought' },
      duplicate: false,
    });
    const row = await harness.store.get('cart_tok_7');
    expect(row).toMatchObject({ status: 'bought', orderId: '820982911946154508' });
    expect(row?.wakeAt).toBe((row?.boughtAt ?? Number.NaN) + 90 * 24 * 3_600_000);
    expect(row?.aliases).toEqual(['chk_91', 'ord_820982911946154508']);
    expect(await harness.store.get('chk_91')).toBeNull();
    const rows = harness.db.prepare('SELECT COUNT(*) AS n FROM carts').get() as { n: number };
    expect(rows.n).toBe(1);
  });

  it('order first: the checkout that arrives later is already bought and never armed', async () => {
    harness = makeTestApp();
    await post(order);
    harness.armed.length = 0;
    expect((await post(checkout)).json).toEqual({
      cart: { id: 'chk_91', status: 'bought' },
      duplicate: false,
    });
    expect((await post(storefront)).json).toEqual({
      cart: { id: 'cart_tok_7', status: 'bought' },
      duplicate: false,
    });
    expect(harness.armed.filter((a) => a.at !== null)).toEqual([]);
    expect((await harness.store.get('ord_820982911946154508'))?.aliases).toEqual([
      'chk_91',
      'cart_tok_7',
    ]);
  });

  it('refuses aliases that break the id rule or are too many, naming each', async () => {
    harness = makeTestApp();
    const bad = { ...cartEvent(), aliases: ['ok_1', '../etc', ''] };
    const res = await post(bad);
    expect(res.status).toBe(400);
    const details = res.json.details as Array<{ path: string }>;
    expect(details.map((d) => d.path)).toEqual(['aliases[1]', 'aliases[2]']);
    const many = { ...cartEvent(), aliases: Array.from({ length: 17 }, (_, i) => `a_${i}`) };
    expect((await post(many)).status).toBe(400);
    expect(await harness.store.get('c_42')).toBeNull();
  });
});
