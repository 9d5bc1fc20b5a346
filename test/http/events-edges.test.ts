/**
 * POST /events at the edges an attacker (or a careless store) reaches for: times far ahead or
 * before 1970, URLs with line breaks, invisible characters in names, an event id reused for
 * another cart. Each is refused or cleaned at the edge, through the real route.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cartEvent } from '../support/signed-event.ts';
import { makeTestApp } from '../support/test-app.ts';

let harness: ReturnType<typeof makeTestApp>;
afterEach(() => harness?.close());

const post = (body: unknown) => harness.postEvent(body);

const paths = (json: Record<string, unknown>) =>
  (json.details as Array<{ path: string }>).map((d) => d.path);

describe('POST /events: times', () => {
  it('refuses an occurredAt more than 5 minutes ahead of the server clock, and takes 4 minutes', async () => {
    harness = makeTestApp({ start: Date.parse('2026-11-23T08:00:00Z') });
    const ahead = await post(cartEvent({ occurredAt: '2036-11-23T08:00:00Z' }));
    expect(ahead.status).toBe(400);
    expect(paths(ahead.json)).toEqual(['occurredAt']);
    expect(await harness.store.get('c_42')).toBeNull();
    expect(
      (await post(cartEvent({ id: 'evt_skew', occurredAt: '2026-11-23T08:04:00Z' }))).status,
    ).toBe(200);
    expect(
      (await post(cartEvent({ id: 'evt_max', occurredAt: '9999-12-31T23:59:59Z' }))).status,
    ).toBe(400);
  });

  it('refuses a time before 1970, which would sort after later ones', async () => {
    harness = makeTestApp();
    const old = await post(cartEvent({ occurredAt: '1900-01-01T00:00:00Z' }));
    expect(old.status).toBe(400);
    expect(paths(old.json)).toEqual(['occurredAt']);
    expect((await post(cartEvent({ occurredAt: '1970-01-01T00:00:00Z' }))).status).toBe(200);
  });
});

describe('POST /events: links and text', () => {
  it('refuses a restore link with a line break (it would reach a Location header)', async () => {
    harness = makeTestApp();
    const crlf = await post(
      cartEvent({ cart: { restoreUrl: 'https://shop.example/cart/c_42\r\nSet-Cookie: x=1' } }),
    );
    expect(crlf.status).toBe(400);
    expect(paths(crlf.json)).toEqual(['cart.restoreUrl']);
    const tab = await post(
      cartEvent({
        cart: {
          items: [
            { sku: 'A', name: 'A', quantity: 1, price: '84.50', url: 'https://shop.example/\tp' },
          ],
        },
      }),
    );
    expect(paths(tab.json)).toEqual(['cart.items[0].url']);
  });

  it('stores links in one normal spelling, so what is signed is what is sent', async () => {
    harness = makeTestApp();
    await post(cartEvent({ cart: { restoreUrl: 'HTTPS://Shop.Example:443/cart/c_42' } }));
    expect((await harness.store.get('c_42'))?.restoreUrl).toBe('https://shop.example/cart/c_42');
  });

  it('removes zero-width and bidi-override characters from item names, and refuses a name of nothing else', async () => {
    harness = makeTestApp();
    const spoofed = cartEvent({
      cart: {
        total: '84.50',
        items: [
          {
            sku: 'SH\u200BIRT',
            name: 'Linen \u202Etrihs\u202C shirt\u200D',
            quantity: 1,
            price: '84.50',
          },
        ],
      },
    });
    const res = await post(spoofed);
    expect(res.status).toBe(200);
    const item = (await harness.store.get('c_42'))?.items[0];
    expect(item?.name).toBe('Linen trihs shirt');
    expect(item?.sku).toBe('SHIRT');
    const invisible = cartEvent({
      id: 'evt_2',
      cart: {
        items: [{ sku: 'X', name: '\u200B\u2060', quantity: 1, price: '84.50' }],
        total: '84.50',
      },
    });
    const refused = await post(invisible);
    expect(refused.status).toBe(400);
    expect(paths(refused.json)).toEqual(['cart.items[0].name']);
  });
});

describe('POST /events: event ids', () => {
  it('answers 409 to an event id reused for another cart, and writes nothing for it', async () => {
    harness = makeTestApp();
    expect((await post(cartEvent({ id: 'evt_same' }))).status).toBe(200);
    const reused = await post(cartEvent({ id: 'evt_same', cart: { id: 'c_other' } }));
    expect(reused.status).toBe(409);
    expect(paths(reused.json)).toEqual(['id']);
    expect(await harness.store.get('c_other')).toBeNull();
    // A true retry of the first is still a duplicate, answered 200.
    expect((await post(cartEvent({ id: 'evt_same' }))).json).toMatchObject({ duplicate: true });
  });

  it('tells a retry that reaches its row by an alias from a reuse', async () => {
    harness = makeTestApp();
    await post(cartEvent({ id: 'evt_a', cart: { id: 'c_store' } }));
    const viaAlias = { ...cartEvent({ id: 'evt_b', cart: { id: 'chk_1' } }), aliases: ['c_store'] };
    expect((await post(viaAlias)).status).toBe(200);
    expect((await post(viaAlias)).json).toMatchObject({ duplicate: true });
  });
});
