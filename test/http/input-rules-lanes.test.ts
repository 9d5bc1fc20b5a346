/**
 * One rule, every lane: a cart id with ".." (or any id outside the rule) is refused, or never
 * becomes a row id, wherever one comes in; and every route answers the same 413.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeServer } from '../../src/http/node-server.ts';
import { parseWaiterInput } from '../../src/lambda/waiter.ts';
import { signShopifyBody } from '../../src/platforms/shopify/signature.ts';
import { RT_OWNER, RT_SECRET } from '../support/runtime.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';
import {
  browserToken,
  openSnippetRuntime,
  postSnippet,
  shopCart,
  type TestRuntime,
} from '../support/snippet.ts';

const SHOPIFY_SECRET = 'shpss_rules_test_0123456789';
let rt: TestRuntime;
afterEach(async () => rt?.shutdown());

function open() {
  rt = openSnippetRuntime({ CR_SHOPIFY_SECRET: SHOPIFY_SECRET });
  return rt;
}

async function postEvent(body: unknown) {
  const res = await rt.app.request(
    '/events',
    signedRequest(RT_SECRET, JSON.stringify(body), rt.clock.now()),
  );
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const paths = (json: Record<string, unknown>) =>
  ((json.details ?? []) as Array<{ path: string }>).map((detail) => detail.path);

describe('a ".." cart id', () => {
  it('is refused on POST /events as the cart id, the event id and an alias', async () => {
    open();
    const asCart = await postEvent(cartEvent({ cart: { id: 'c..42' } }));
    expect(asCart.status).toBe(400);
    expect(paths(asCart.json)).toContain('cart.id');
    const asEvent = await postEvent(cartEvent({ id: 'evt..1' }));
    expect(asEvent.status).toBe(400);
    expect(paths(asEvent.json)).toContain('id');
    const asAlias = await postEvent({ ...cartEvent(), aliases: ['a..b'] });
    expect(asAlias.status).toBe(400);
    expect(paths(asAlias.json)).toContain('aliases[0]');
    expect(await rt.store.get('c_42')).toBeNull();
  });

  it('is refused by the owner API before any store read', async () => {
    open();
    const res = await rt.app.request('/owner/api/carts/c..42/suppress', {
      method: 'POST',
      headers: { authorization: `Bearer ${RT_OWNER}` },
    });
    expect(res.status).toBe(400);
    expect(paths((await res.json()) as Record<string, unknown>)).toEqual(['id']);
  });

  it('is dropped by the Lambda waiter (never retried, never a key)', () => {
    expect(parseWaiterInput({ cartId: 'c..42' })).toMatchObject({ ok: false });
    expect(parseWaiterInput({ cartId: 'c.42' })).toEqual({ ok: true, cartId: 'c.42' });
  });

  it('from Shopify is stored under a hashed id, never as written', async () => {
    open();
    const body = JSON.stringify({
      token: 'tok..en',
      email: 'sam@example.com',
      currency: 'USD',
      total_price: '10.00',
      line_items: [],
      updated_at: '2026-11-23T09:00:00Z',
    });
    const res = await rt.app.request('/webhooks/shopify', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'checkouts/update',
        'x-shopify-hmac-sha256': signShopifyBody(body, SHOPIFY_SECRET),
        'x-shopify-event-id': 'ev..1',
      },
      body,
    });
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { cart: { id: string } }).cart.id;
    expect(id).toMatch(/^shopify_h_[0-9a-f]{40}$/);
    expect(await rt.store.get(id)).not.toBeNull();
  });

  it('from the snippet is only a hint: the row id is derived and has no ".."', async () => {
    open();
    const answer = await postSnippet(rt, {
      body: { key: 'pk_test_0123456789', token: browserToken(), cart: shopCart({ id: '../c..1' }) },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.cart?.id).toMatch(/^web_[A-Za-z0-9_-]{32}$/);
  });
});

describe('one 413 for every route', () => {
  const expected = (limit: number) => ({
    error: `body is larger than ${limit / 1024} KiB`,
    details: [{ path: '(body)', problem: `at most ${limit} bytes` }],
  });

  it('on POST /events, the snippet and the Shopify webhook, each at its own limit', async () => {
    open();
    const big = (bytes: number) => 'x'.repeat(bytes + 1);
    const events = await rt.app.request('/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big(64 * 1024),
    });
    const snippet = await rt.app.request(
      '/snippet/events',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
        body: big(64 * 1024),
      },
      { incoming: { socket: { remoteAddress: '203.0.113.9' } } },
    );
    const shopify = await rt.app.request('/webhooks/shopify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big(512 * 1024),
    });
    for (const res of [events, snippet]) {
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual(expected(64 * 1024));
    }
    expect(shopify.status).toBe(413);
    expect(await shopify.json()).toEqual(expected(512 * 1024));
  });

  it('on the Node fast path of POST /events as through Hono', async () => {
    open();
    const server = createNodeServer(rt.app, rt.handleEvent);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(64 * 1024 + 1),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual(expected(64 * 1024));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
