import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';
import { launchBrowser, type Served, serveApp } from './browser.ts';

const KEY = 'pk_browser_test_0123456789';

/**
 * A store's page that loads the snippet from cart-recovery and reports cart changes. It reads
 * cart-recovery's URL when served, since that is known only once cart-recovery listens.
 */
function storeSite(): Hono {
  const app = new Hono();
  app.get('/page', (c) =>
    c.html(`<!doctype html><html><head><title>Shop</title>
<script src="${recoveryUrl}/snippet.js" data-key="${KEY}"></script></head>
<body><h1>Shop</h1><p id="status">idle</p><script>
  const id = new URLSearchParams(location.search).get('cart') || 'b1';
  const cart = { id, currency: 'EUR', total: '0.00', items: [], restoreUrl: location.origin + '/cart/' + id };
  async function change(update) {
    Object.assign(cart, update);
    const result = await window.cartRecovery.track(cart);
    document.getElementById('status').textContent = result.status + ' ' + JSON.stringify(result.body);
    return result;
  }
  window.addItem = () => change({ items: [{ sku: 'MUG', name: 'Blue mug', quantity: 2, price: '12.50' }], total: '25.00' });
  window.enterEmail = () => change({ email: 'Browser.Shopper@Example.com' });
</script></body></html>`),
  );
  return app;
}

let browser: Browser;
let allowed: Served;
let other: Served;
let recovery: Served;
let rt: ReturnType<typeof openTestRuntime>;
let recoveryUrl = '';

beforeAll(async () => {
  // Two store origins (two ports); only the first is on the allow-list.
  allowed = await serveApp(storeSite());
  other = await serveApp(storeSite());
  rt = openTestRuntime({ CR_SNIPPET_KEY: KEY, CR_SNIPPET_ORIGINS: allowed.url }, Date.now());
  recovery = await serveApp(rt.app);
  recoveryUrl = recovery.url;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([allowed?.close(), other?.close(), recovery?.close()]);
  await rt?.shutdown();
});

type Result = { status: number; body: { cart?: { id: string } } };
type Shop = { addItem(): Promise<Result>; enterEmail(): Promise<Result> };
let firstCart = '';

describe('the storefront snippet in real Chromium', () => {
  it('a page on an allowed origin adds items and enters an email; the cart appears for the owner', async () => {
    const page = await browser.newPage();
    await page.goto(`${allowed.url}/page?saved=1`);
    await page.waitForFunction(() => 'cartRecovery' in globalThis);
    const first = await page.evaluate(() => (globalThis as unknown as Shop).addItem());
    expect(first.status).toBe(200);
    const second = await page.evaluate(() => (globalThis as unknown as Shop).enterEmail());
    expect(second.status).toBe(200);
    // One browser, one store cart id: one row, whose id the server made.
    firstCart = second.body.cart?.id ?? '';
    expect(firstCart).toMatch(/^web_[A-Za-z0-9_-]{32}$/);
    expect(first.body.cart?.id).toBe(firstCart);
    await page.close();

    const res = await rt.app.request(`/owner/api/carts/${firstCart}`, {
      headers: { authorization: `Bearer ${RT_OWNER}` },
    });
    const body = (await res.json()) as { cart: Record<string, unknown> };
    expect(body.cart).toMatchObject({
      id: firstCart,
      email: 'browser.shopper@example.com',
      total: '25.00',
      currency: 'EUR',
      savedLink: true, // the page was opened from a ?saved=1 link
    });
  });

  it('a browser keeps its carts across pages; another browser with the same cart id gets its own', async () => {
    const context = await browser.newContext();
    const idOn = async (ctx: typeof context) => {
      const page = await ctx.newPage();
      await page.goto(`${allowed.url}/page?cart=b3`);
      await page.waitForFunction(() => 'cartRecovery' in globalThis);
      const result = await page.evaluate(() => (globalThis as unknown as Shop).addItem());
      await page.close();
      expect(result.status).toBe(200);
      return result.body.cart?.id ?? '';
    };
    try {
      const first = await idOn(context);
      expect(await idOn(context)).toBe(first);
      const stranger = await browser.newContext();
      try {
        const theirs = await idOn(stranger);
        expect(theirs).toMatch(/^web_/);
        expect(theirs).not.toBe(first);
      } finally {
        await stranger.close();
      }
    } finally {
      await context.close();
    }
  });

  it('a page on another origin is refused by the browser and stores nothing', async () => {
    const before = rt.db.prepare('SELECT id FROM carts ORDER BY id').all();
    const page = await browser.newPage();
    await page.goto(`${other.url}/page?cart=b2`);
    await page.waitForFunction(() => 'cartRecovery' in globalThis);
    const outcome = await page.evaluate(async () => {
      try {
        await (globalThis as unknown as { addItem(): Promise<unknown> }).addItem();
        return 'sent';
      } catch (error) {
        return `refused: ${(error as Error).name}`;
      }
    });
    await page.close();
    expect(outcome).toMatch(/^refused/);
    // The preflight is refused (403), so the browser never sends the event: nothing stored.
    expect(rt.db.prepare('SELECT id FROM carts ORDER BY id').all()).toEqual(before);
    expect(before).toContainEqual({ id: firstCart });
  });
});
