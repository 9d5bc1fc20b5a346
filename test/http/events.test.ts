import { afterEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';
import { makeTestApp, OWNER_TOKEN, SECRET } from '../support/test-app.ts';

let harness: ReturnType<typeof makeTestApp>;
afterEach(() => harness?.close());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await harness.app.request(
    '/events',
    signedRequest(SECRET, raw, harness.clock.now(), headers),
  );
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function countCarts() {
  return (harness.db.prepare('SELECT COUNT(*) AS n FROM carts').get() as { n: number }).n;
}

describe('POST /events: accepted events', () => {
  it('answers 200 with the cart status after storing the row and arming its first wake-up', async () => {
    harness = makeTestApp();
    const res = await post(cartEvent());
    expect(res).toEqual({
      status: 200,
      json: { cart: { id: 'c_42', status: 'open' }, duplicate: false },
    });
    const cart = await harness.store.get('c_42');
    expect(cart?.totalMinor).toBe(8450);
    expect(cart?.items.map((i) => i.priceMinor)).toEqual([5900, 2550]);
    expect(cart?.email).toBe('sam@example.com');
    const lastActivity = Date.parse('2026-11-23T07:58:00Z');
    expect(cart?.lastActivityAt).toBe(lastActivity);
    expect(cart?.wakeAt).toBe(lastActivity + 3_600_000);
    expect(harness.armed).toEqual([{ cartId: 'c_42', at: lastActivity + 3_600_000 }]);
  });

  it('normalises the email and keeps the saved-link flag on the row', async () => {
    harness = makeTestApp();
    await post(cartEvent({ cart: { email: '  Sam@Example.COM ', savedLink: true } }));
    const cart = await harness.store.get('c_42');
    expect(cart?.email).toBe('sam@example.com');
    expect(cart?.savedLink).toBe(true);
  });

  it('answers a repeated event id with duplicate:true and changes nothing', async () => {
    harness = makeTestApp();
    await post(cartEvent());
    const before = await harness.store.get('c_42');
    const again = await post(cartEvent({ cart: { total: '1.00' } }));
    expect(again).toEqual({
      status: 200,
      json: { cart: { id: 'c_42', status: 'open' }, duplicate: true },
    });
    expect(await harness.store.get('c_42')).toEqual(before);
  });

  it('moves the wake-up when the shopper keeps adding items, so no early nudge', async () => {
    harness = makeTestApp();
    await post(cartEvent({ id: 'e1', occurredAt: '2026-11-23T07:00:00Z' }));
    await post(
      cartEvent({ id: 'e2', occurredAt: '2026-11-23T07:50:00Z', cart: { total: '100.00' } }),
    );
    const cart = await harness.store.get('c_42');
    expect(cart?.wakeAt).toBe(Date.parse('2026-11-23T08:50:00Z'));
    expect(cart?.totalMinor).toBe(10000);
  });

  it('ignores an update older than the row holds', async () => {
    harness = makeTestApp();
    await post(
      cartEvent({ id: 'e2', occurredAt: '2026-11-23T07:50:00Z', cart: { total: '100.00' } }),
    );
    const res = await post(
      cartEvent({ id: 'e1', occurredAt: '2026-11-23T07:00:00Z', cart: { total: '1.00' } }),
    );
    expect(res.status).toBe(200);
    expect((await harness.store.get('c_42'))?.totalMinor).toBe(10000);
  });

  it('applies a checkout whatever the order: bought, reminder wake-up replaced by the retention one, audited as system', async () => {
    harness = makeTestApp();
    await post(cartEvent({ id: 'e2', occurredAt: '2026-11-23T07:50:00Z' }));
    const res = await post(
      cartEvent({
        id: 'e1',
        type: 'cart.checked_out',
        occurredAt: '2026-11-23T07:40:00Z',
        orderId: 'o_9',
      }),
    );
    expect(res.json).toEqual({ cart: { id: 'c_42', status: 'bought' }, duplicate: false });
    const cart = await harness.store.get('c_42');
    expect(cart?.status).toBe('bought');
    // The one wake-up left is the end of retention, 90 days after the purchase.
    const retainedUntil = Date.parse('2026-11-23T07:40:00Z') + 90 * 24 * 3_600_000;
    expect(cart?.wakeAt).toBe(retainedUntil);
    expect(harness.armed.at(-1)).toEqual({ cartId: 'c_42', at: retainedUntil });
    const audit = await harness.store.auditFor('c_42');
    expect(audit.map((a) => [a.action, a.actor])).toEqual([['checkout', 'system']]);
    expect(audit[0]?.before?.status).toBe('open');
    expect(audit[0]?.after?.status).toBe('bought');
    // A later update cannot reopen a bought cart.
    await post(cartEvent({ id: 'e3', occurredAt: '2026-11-23T09:00:00Z' }));
    expect((await harness.store.get('c_42'))?.status).toBe('bought');
  });

  it('creates a bought row for a checkout with no earlier update', async () => {
    harness = makeTestApp();
    const res = await post(cartEvent({ type: 'cart.checked_out' }));
    expect(res.json).toEqual({ cart: { id: 'c_42', status: 'bought' }, duplicate: false });
    const row = await harness.store.get('c_42');
    expect(row?.wakeAt).toBe((row?.boughtAt ?? Number.NaN) + 90 * 24 * 3_600_000);
  });
});

describe('POST /events: rejected input is never stored', () => {
  it('401 without a signature', async () => {
    harness = makeTestApp();
    const res = await harness.app.request('/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cartEvent()),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: 'unauthorized',
      details: [{ path: '(headers).x-cr-signature' }],
    });
    expect(await countCarts()).toBe(0);
  });

  it('401 for a signature made with another secret, or over another body', async () => {
    harness = makeTestApp();
    const body = JSON.stringify(cartEvent());
    const wrongSecret = await harness.app.request(
      '/events',
      signedRequest('another-secret-xxxxxxxx', body, harness.clock.now()),
    );
    expect(wrongSecret.status).toBe(401);
    const init = signedRequest(SECRET, body, harness.clock.now());
    const tampered = await harness.app.request('/events', {
      ...init,
      body: body.replace('84.50', '0.01'),
    });
    expect(tampered.status).toBe(401);
    expect(await countCarts()).toBe(0);
  });

  it('401 for a replayed signature more than 300 s old, 200 just inside the window', async () => {
    harness = makeTestApp();
    const body = JSON.stringify(cartEvent());
    const t = Math.floor(harness.clock.now() / 1000) - 301;
    const old = await harness.app.request('/events', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cr-signature': signWebhook(SECRET, body, t),
      },
      body,
    });
    expect(old.status).toBe(401);
    expect(
      ((await old.json()) as { details: Array<{ problem: string }> }).details[0]?.problem,
    ).toMatch(/300s/);
    const fresh = await harness.app.request('/events', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cr-signature': signWebhook(SECRET, body, t + 2),
      },
      body,
    });
    expect(fresh.status).toBe(200);
  });

  it('413 for a body over 64 KiB', async () => {
    harness = makeTestApp();
    const huge = JSON.stringify(cartEvent({ cart: { padding: 'x'.repeat(70 * 1024) } }));
    const res = await post(huge);
    expect(res.status).toBe(413);
    expect(await countCarts()).toBe(0);
  });

  it('415 for a body that is not JSON, or not declared as JSON', async () => {
    harness = makeTestApp();
    const notJson = await post('id=evt_01&type=cart.updated');
    expect(notJson.status).toBe(415);
    const wrongType = await post(JSON.stringify(cartEvent()), { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(await countCarts()).toBe(0);
  });

  it('400 naming every bad field', async () => {
    harness = makeTestApp();
    const res = await post(
      cartEvent({
        type: 'cart.deleted' as 'cart.updated',
        occurredAt: 'yesterday',
        cart: {
          email: 'not-an-email',
          currency: 'XYZ',
          total: '84.5.0',
          items: [{ sku: 'A', name: 'A', quantity: 0, price: '-1' }],
          timezone: 'Mars/Olympus',
        },
      }),
    );
    expect(res.status).toBe(400);
    const paths = (res.json.details as Array<{ path: string }>).map((d) => d.path).sort();
    expect(paths).toEqual(
      [
        'cart.currency',
        'cart.email',
        'cart.items[0].price',
        'cart.items[0].quantity',
        'cart.timezone',
        'cart.total',
        'occurredAt',
        'type',
      ].sort(),
    );
    expect(await countCarts()).toBe(0);
  });

  it('400 for a bad email and for money with more decimals than the currency has', async () => {
    harness = makeTestApp();
    const res = await post(cartEvent({ cart: { email: 'sam@@example', total: '84.505' } }));
    expect(res.status).toBe(400);
    expect((res.json.details as Array<{ path: string }>).map((d) => d.path).sort()).toEqual([
      'cart.email',
      'cart.total',
    ]);
    const yen = await post(cartEvent({ cart: { currency: 'JPY', total: '8450', items: [] } }));
    expect(yen.status).toBe(200);
    expect((await harness.store.get('c_42'))?.totalMinor).toBe(8450);
  });

  it('400 for unknown fields rather than silently dropping them', async () => {
    harness = makeTestApp();
    const res = await post({ ...cartEvent(), extra: 1 });
    expect(res.status).toBe(400);
    expect(res.json.details).toEqual([expect.objectContaining({ path: '(body)' })]);
  });
});

describe('restart durability', () => {
  it('every acknowledged event is in the database after it is closed and reopened', async () => {
    harness = makeTestApp();
    for (let i = 0; i < 20; i++) {
      const res = await post(cartEvent({ id: `e${i}`, cart: { id: `c_${i}` } }));
      expect(res.status).toBe(200);
    }
    const dir = harness.dir;
    harness.close(false);
    harness = makeTestApp({ dir });
    for (let i = 0; i < 20; i++) expect((await harness.store.get(`c_${i}`))?.status).toBe('open');
    const again = await post(cartEvent({ id: 'e3', cart: { id: 'c_3' } }));
    expect(again.json.duplicate).toBe(true);
  });
});

describe('owner read API', () => {
  const auth = { authorization: `Bearer ${OWNER_TOKEN}` };

  it('401 without a token or with a wrong one', async () => {
    harness = makeTestApp();
    expect((await harness.app.request('/owner/api/carts?day=2026-11-23')).status).toBe(401);
    const wrong = await harness.app.request('/owner/api/carts?day=2026-11-23', {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('lists the day carts in the SPEC shape and shows one cart with its audit rows', async () => {
    // The checkout below happens at 08:10; the server's clock is past it (events from the
    // future are refused).
    harness = makeTestApp({ start: Date.parse('2026-11-23T08:15:00Z') });
    await post(cartEvent({ id: 'e1' }));
    await post(cartEvent({ id: 'e2', cart: { id: 'c_43' }, occurredAt: '2026-11-22T23:59:59Z' }));
    await post(
      cartEvent({ id: 'e3', type: 'cart.checked_out', occurredAt: '2026-11-23T08:10:00Z' }),
    );
    const list = await harness.app.request('/owner/api/carts?day=2026-11-23', { headers: auth });
    const body = (await list.json()) as { carts: Array<Record<string, unknown>> };
    expect(body.carts.map((c) => c.id)).toEqual(['c_42']);
    expect(body.carts[0]).toMatchObject({
      id: 'c_42',
      status: 'bought',
      closedReason: null,
      email: 'sam@example.com',
      total: '84.50',
      currency: 'USD',
      remindersSent: 0,
      savedLink: false,
      lastActivityAt: '2026-11-23T08:10:00.000Z',
      recoveredAt: null,
    });
    expect(body.carts[0]?.items).toEqual([
      expect.objectContaining({ sku: 'SHIRT-L', price: '59.00', quantity: 1 }),
      expect.objectContaining({ sku: 'CANDLE', price: '25.50' }),
    ]);
    const one = await harness.app.request('/owner/api/carts/c_42', { headers: auth });
    const detail = (await one.json()) as {
      cart: { status: string };
      audit: Array<{ action: string; actor: string }>;
    };
    expect(detail.cart.status).toBe('bought');
    expect(detail.audit.map((a) => [a.action, a.actor])).toEqual([['checkout', 'system']]);
    expect((await harness.app.request('/owner/api/carts/nope', { headers: auth })).status).toBe(
      404,
    );
    expect(
      (await harness.app.request('/owner/api/carts?day=2026-13-01', { headers: auth })).status,
    ).toBe(400);
  });
});

describe('GET /health', () => {
  it('answers ok', async () => {
    harness = makeTestApp();
    const res = await harness.app.request('/health');
    expect(await res.json()).toEqual({ ok: true });
  });
});
