/**
 * The shopper's links as a browser meets them (issue "Never email a buyer"): a cart link that can
 * no longer restore lands on a small page that sends the shopper on to CR_STORE_URL, and a link
 * that is not valid is a page too, never JSON. API clients keep their JSON errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkSigner, restoreTarget } from '../../src/domain/link-tokens.ts';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

/** What Chromium sends when it follows a link from an email. */
const BROWSER = {
  accept:
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8',
};
const STORE_URL = 'https://shop.example/en?from=cart-link';

type Runtime = ReturnType<typeof openTestRuntime>;
let rt: Runtime;
let bare: Runtime;

beforeAll(async () => {
  rt = openTestRuntime({ CR_STORE_URL: STORE_URL, CR_STORE_NAME: 'Bob & <Sons>' });
  bare = openTestRuntime();
  const at = new Date(rt.clock.now()).toISOString();
  await rt.post(cartEvent({ id: 'evt_1', occurredAt: at }));
  await rt.post(
    cartEvent({ id: 'evt_2', occurredAt: at, cart: { id: 'c_nolink', restoreUrl: null } }),
  );
});
afterAll(async () => {
  await rt?.shutdown();
  await bare?.shutdown();
});

/** A click on the link a reminder for the cart would carry: pinned to its restore link now. */
async function click(runtime: Runtime, cartId: string, headers: Record<string, string> = BROWSER) {
  const restoreUrl = (await runtime.store.get(cartId))?.restoreUrl ?? '';
  const target = restoreTarget(restoreUrl);
  const token = runtime.links.sign({ purpose: 'click', cartId, step: 1, target });
  return runtime.app.request(`/c?t=${encodeURIComponent(token)}`, { headers });
}

async function page(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return res.text();
}

const storeLink =
  '<a class="button" href="https://shop.example/en?from=cart-link">Go to Bob &amp; &lt;Sons&gt;</a>';

describe('GET /c for a cart that can no longer restore', () => {
  it('a cart that is gone: a 404 page saying so, with a button to CR_STORE_URL', async () => {
    const res = await click(rt, 'c_deleted');
    expect(res.status).toBe(404);
    const body = await page(res);
    expect(body).toContain('This cart is no longer available');
    expect(body).toContain(storeLink);
    expect(await rt.store.auditFor('c_deleted')).toEqual([]);
  });

  it('is a page even for a client that asks for nothing in particular', async () => {
    const res = await click(rt, 'c_deleted', {});
    expect(res.status).toBe(404);
    expect(await page(res)).toContain('This cart is no longer available');
  });

  it('a cart with no restore link: the same page, and the click is still counted', async () => {
    const res = await click(rt, 'c_nolink');
    expect(res.status).toBe(404);
    const body = await page(res);
    expect(body).toContain('This cart is no longer available');
    expect(body).toContain(storeLink);

    const cart = await rt.store.get('c_nolink');
    expect(cart?.clickedAt).toBe(rt.clock.now());
    const clicks = (await rt.store.auditFor('c_nolink')).filter((row) => row.action === 'clicked');
    expect(clicks).toMatchObject([{ actor: 'shopper', detail: { step: 1, restored: false } }]);
    const summary = await rt.app.request('/owner/api/summary?month=2026-11', {
      headers: { authorization: `Bearer ${RT_OWNER}` },
    });
    expect(((await summary.json()) as { clicked: number }).clicked).toBe(1);
  });

  it('without CR_STORE_URL the page says the cart is gone and offers no link', async () => {
    const res = await click(bare, 'c_deleted');
    expect(res.status).toBe(404);
    const body = await page(res);
    expect(body).toContain('This cart is no longer available');
    expect(body).not.toContain('<a ');
  });

  it('a cart with its link still redirects there', async () => {
    const res = await click(rt, 'c_42');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/cart/c_42');
  });
});

describe('a shopper link that is not valid', () => {
  const forged = createLinkSigner('another-secret-0123456789abcdef');
  const links: Array<[string, string, string]> = [
    [
      'GET',
      '/c',
      forged.sign({
        purpose: 'click',
        cartId: 'c_42',
        step: 1,
        target: restoreTarget('https://shop.example/cart/c_42'),
      }),
    ],
    [
      'GET',
      '/unsubscribe',
      forged.sign({ purpose: 'unsubscribe', email: 'sam@example.com', cartId: null }),
    ],
    ['POST', '/unsubscribe', 'not-a-token'],
    ['GET', '/resubscribe', forged.sign({ purpose: 'resubscribe', email: 'sam@example.com' })],
    ['POST', '/resubscribe', ''],
  ];

  it.each(links)(
    '%s %s is a 400 page for a browser, with the way to the store',
    async (method, path, token) => {
      const res = await rt.app.request(`${path}?t=${encodeURIComponent(token)}`, {
        method,
        headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
        ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click' } : {}),
      });
      expect(res.status).toBe(400);
      const body = await page(res);
      expect(body).toContain('This link is not valid');
      expect(body).toContain(storeLink);
    },
  );

  it.each(links)(
    '%s %s stays JSON for a client that asks for JSON',
    async (method, path, token) => {
      const res = await rt.app.request(`${path}?t=${encodeURIComponent(token)}`, {
        method,
        headers: { accept: 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: 'this link is not valid',
        details: [{ path: 't' }],
      });
    },
  );

  it('the API keeps JSON errors even for a browser', async () => {
    const res = await rt.app.request('/owner/api/carts', { headers: BROWSER });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
