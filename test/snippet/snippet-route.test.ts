import { afterEach, describe, expect, it } from 'vitest';
import { openTestRuntime } from '../support/runtime.ts';

const KEY = 'pk_test_0123456789';
const SHOP = 'https://shop.example';
const H = 3_600_000;
let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

function open(extra: Record<string, string> = {}) {
  rt = openTestRuntime({ CR_SNIPPET_KEY: KEY, CR_SNIPPET_ORIGINS: SHOP, ...extra });
  return rt;
}

const cart = (over: Record<string, unknown> = {}) => ({
  id: 'c1',
  email: 'sam@example.com',
  currency: 'USD',
  total: '59.00',
  items: [{ sku: 'SHIRT', name: 'Linen shirt', quantity: 1, price: '59.00' }],
  restoreUrl: 'https://shop.example/cart/c1',
  ...over,
});

async function send(body: unknown, origin: string | null = SHOP) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (origin !== null) headers.origin = origin;
  const res = await rt.app.request('/snippet/events', {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    cors: res.headers.get('access-control-allow-origin'),
  };
}

describe('the storefront snippet lane', () => {
  it('is off (404) unless a publishable key is configured', async () => {
    rt = openTestRuntime();
    expect((await rt.app.request('/snippet.js')).status).toBe(404);
    expect((await send({ key: KEY, cart: cart() })).status).toBe(404);
  });

  it('serves the script and accepts a cart from an allowed origin, in its own id space', async () => {
    open();
    const script = await rt.app.request('/snippet.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('cartRecovery');
    const res = await send({ key: KEY, cart: cart() });
    expect(res).toMatchObject({
      status: 200,
      json: { cart: { id: 'web_c1', status: 'open' } },
      cors: SHOP,
    });
    expect(await rt.store.get('web_c1')).toMatchObject({
      email: 'sam@example.com',
      totalMinor: 5900,
    });
    expect(await rt.store.get('c1')).toBeNull(); // cannot touch a server-lane cart
  });

  it('answers a preflight only for allowed origins', async () => {
    open();
    const ok = await rt.app.request('/snippet/events', {
      method: 'OPTIONS',
      headers: { origin: SHOP },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    const evil = await rt.app.request('/snippet/events', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
  });

  it('refuses another origin, a missing origin, and a wrong key, storing nothing', async () => {
    open();
    expect((await send({ key: KEY, cart: cart() }, 'https://evil.example')).status).toBe(403);
    expect((await send({ key: KEY, cart: cart() }, null)).status).toBe(403);
    expect((await send({ key: 'pk_wrong_0123456789', cart: cart() })).status).toBe(401);
    expect(await rt.store.get('web_c1')).toBeNull();
  });

  it('can never mark a cart bought', async () => {
    open();
    await send({ key: KEY, cart: cart() });
    const res = await send({ key: KEY, type: 'cart.checked_out', cart: cart() });
    expect(res.status).toBe(403);
    expect((await rt.store.get('web_c1'))?.status).toBe('open');
  });

  it('names bad fields like the webhook does', async () => {
    open();
    const res = await send({ key: KEY, cart: cart({ total: 'lots', email: 'nope' }) });
    expect(res.status).toBe(400);
    expect((res.json.details as Array<{ path: string }>).map((d) => d.path).sort()).toEqual([
      'cart.email',
      'cart.total',
    ]);
  });

  it('rate-limits per address, and the gate still allows one reminder per address per 20 h', async () => {
    open({ CR_FREQUENCY_CAP: '20h' });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await send({ key: KEY, cart: cart({ id: `c${i}` }) })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    await rt.advance(19 * H, 10 * 60_000);
    // Twenty carts for one address (someone typed a victim's email twenty times): one reminder
    // in the 20 h window, and the other nineteen carts are audited as not chased.
    expect(rt.mailer.sent).toHaveLength(1);
    let olderSkipped = 0;
    for (let i = 0; i < 20; i++) {
      const rows = await rt.store.auditFor(`web_c${i}`);
      if (rows.some((r) => r.action === 'skipped' && r.reason === 'older_cart')) olderSkipped++;
    }
    expect(olderSkipped).toBe(19);
  });

  it('carries the saved-link flag into the row and the "Still saving these?" copy', async () => {
    open();
    await send({ key: KEY, cart: cart({ savedLink: true }) });
    expect((await rt.store.get('web_c1'))?.savedLink).toBe(true);
    await rt.advance(2 * H);
    expect(rt.mailer.sent[0]?.subject).toMatch(/still saving/i);
  });
});

describe('the saved-link flag through the generic webhook', () => {
  it('picks the saved copy, and the plain copy otherwise', async () => {
    rt = openTestRuntime();
    const { cartEvent } = await import('../support/signed-event.ts');
    await rt.post(
      cartEvent({ id: 'a', cart: { id: 'saved', savedLink: true, email: 'a@example.com' } }),
    );
    await rt.post(cartEvent({ id: 'b', cart: { id: 'plain', email: 'b@example.com' } }));
    await rt.advance(2 * H);
    const subjects = Object.fromEntries(rt.mailer.sent.map((m) => [m.to, m.subject]));
    expect(subjects['a@example.com']).toMatch(/still saving/i);
    expect(subjects['b@example.com']).not.toMatch(/still saving/i);
  });
});
