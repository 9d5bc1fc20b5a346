/**
 * The README's storefront snippet, exactly as written (read out of README.md, so the two cannot
 * drift), in real Chromium: with `defer` a call made before snippet.js has loaded still reaches
 * cart-recovery, and under the README's Content-Security-Policy nothing is blocked.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime } from '../support/runtime.ts';
import { launchBrowser, type Served, serveApp } from './browser.ts';

const KEY = 'pk_readme_test_0123456789';

/** The page's document as these tests touch it (the project's types carry no DOM). */
interface PageDocument {
  readonly readyState: string;
  addEventListener(
    type: string,
    listener: (event: { effectiveDirective?: string; blockedURI?: string }) => void,
  ): void;
}
/** Long enough for a slow machine; short enough that a send that never comes fails soon. */
const WAIT = { timeout: 15_000 };

/** The "Connect a store" section's first html block and its CSP line, as a reader copies them. */
function readmeSnippet(): { html: string; csp: string } {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Connect a store'));
  const block = /\n( *)```html\n([\s\S]*?)\n *```\n/.exec(section);
  const csp = /^ *(Content-Security-Policy: .*)$/m.exec(section);
  if (!block || !csp) throw new Error('README.md "Connect a store" lost its snippet or CSP line');
  const indent = block[1] ?? '';
  const html = (block[2] ?? '')
    .split('\n')
    .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
    .join('\n');
  return { html, csp: csp[1] ?? '' };
}

const README = readmeSnippet();
const INLINE = /<script>([\s\S]*?)<\/script>/.exec(README.html)?.[1] ?? '';
const INLINE_HASH = `'sha256-${createHash('sha256').update(INLINE, 'utf8').digest('base64')}'`;

/** The README's placeholders, filled in the way a store owner would. */
function filled(text: string): string {
  return text
    .replaceAll('https://YOUR-HOST', recovery.url)
    .replaceAll('pk_...', KEY)
    .replaceAll("'sha256-...'", INLINE_HASH);
}

/** The README's CSP header value with the hash filled in. */
function readmeCsp(): string {
  return filled(README.csp.replace(/^Content-Security-Policy: /, ''));
}

/**
 * The store: /page is the README's HTML verbatim; /split moves the inline script into /cart.js
 * (the README's no-inline variant). `csp` is the policy the next page is served under.
 */
let csp: string | null = null;
function storeSite(): Hono {
  const app = new Hono();
  const page = (c: Context, body: string) => {
    if (csp !== null) c.header('content-security-policy', csp);
    return c.html(`<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>
${body}
</body></html>`);
  };
  app.get('/page', (c) => page(c, filled(README.html)));
  app.get('/split', (c) =>
    page(
      c,
      filled(README.html.replace(`<script>${INLINE}</script>`, '<script src="/cart.js"></script>')),
    ),
  );
  app.get('/cart.js', (c) => {
    c.header('content-type', 'application/javascript; charset=utf-8');
    return c.body(INLINE);
  });
  return app;
}

let browser: Browser;
let store: Served;
let recovery: Served;
let rt: ReturnType<typeof openTestRuntime>;
/** POST /snippet/events requests that reached cart-recovery. */
let posts = 0;
/** While set, GET /snippet.js waits for it: the page's own script surely runs first. */
let hold: Promise<void> | null = null;

/** cart-recovery as the store sees it, counting events and able to hold snippet.js back. */
function recoveryFront(): Hono {
  const app = new Hono();
  app.all('*', async (c) => {
    if (c.req.method === 'GET' && c.req.path === '/snippet.js' && hold !== null) await hold;
    if (c.req.method === 'POST' && c.req.path === '/snippet/events') posts++;
    return rt.app.fetch(c.req.raw, c.env);
  });
  return app;
}

beforeAll(async () => {
  expect(README.html).toMatch(
    /<script src="https:\/\/YOUR-HOST\/snippet\.js" data-key="pk_\.\.\." defer><\/script>/,
  );
  store = await serveApp(storeSite());
  // The store's page origin, and the README's example links (https://shop.example/cart/...).
  rt = openTestRuntime(
    { CR_SNIPPET_KEY: KEY, CR_SNIPPET_ORIGINS: `${store.url},https://shop.example` },
    Date.now(),
  );
  recovery = await serveApp(recoveryFront());
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([store?.close(), recovery?.close()]);
  await rt?.shutdown();
});

interface Watched {
  page: Page;
  /** CSP violations the page saw, and console errors that mention the policy. */
  blocked(): Promise<string[]>;
  /** Uncaught errors of the page's scripts (a call to an undefined cartRecovery, say). */
  readonly errors: string[];
  ready(): Promise<void>;
}

/** A fresh page that records CSP violations and the snippet's ready event from the first byte. */
async function watchedPage(): Promise<Watched> {
  const page = await browser.newPage();
  const consoleBlocks: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) consoleBlocks.push(message.text());
  });
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __violations: string[]; __ready: boolean };
    w.__violations = [];
    w.__ready = false;
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    doc.addEventListener('securitypolicyviolation', (event) => {
      w.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
    doc.addEventListener('cart-recovery:ready', () => {
      w.__ready = true;
    });
  });
  return {
    page,
    errors,
    async blocked() {
      const seen = await page.evaluate(
        () => (globalThis as unknown as { __violations: string[] }).__violations,
      );
      return [...seen, ...consoleBlocks];
    },
    async ready() {
      await page.waitForFunction(
        () => (globalThis as unknown as { __ready: boolean }).__ready,
        undefined,
        WAIT,
      );
    },
  };
}

/** The cart whose restore link is `url` (the server makes the ids), or null. */
function cartRestoring(url: string): Record<string, unknown> | null {
  const row = rt.db
    .prepare("SELECT data FROM carts WHERE json_extract(data, '$.restoreUrl') = ?")
    .get(url) as { data: string } | undefined;
  return row === undefined ? null : JSON.parse(row.data);
}

function snippetPost(page: Page) {
  const response = page.waitForResponse(
    (res) => res.url() === `${recovery.url}/snippet/events` && res.request().method() === 'POST',
    WAIT,
  );
  // A test that fails before awaiting it closes the page; that rejection is not a second failure.
  response.catch(() => {});
  return response;
}

describe("the README's snippet in real Chromium", () => {
  it('with defer, a call made before snippet.js has loaded is queued, then delivered', async () => {
    csp = null;
    let release = () => {};
    hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { page, errors, ready } = await watchedPage();
    try {
      const before = posts;
      await page.goto(`${store.url}/page`, { waitUntil: 'commit' });
      // Parsed ("interactive") but snippet.js held back: the page's own call has run and sits in
      // the stub's queue, and nothing was sent yet.
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { document: PageDocument }).document.readyState ===
          'interactive',
        undefined,
        WAIT,
      );
      expect(errors).toEqual([]);
      expect(
        await page.evaluate(
          () => (globalThis as unknown as { cartRecovery?: { q?: unknown[] } }).cartRecovery?.q,
        ),
      ).toHaveLength(1);
      expect(posts).toBe(before);
      expect(cartRestoring('https://shop.example/cart/c_1001')).toBeNull();
      // A caller that keeps the stub's promise hears the server's answer once it is sent.
      await page.evaluate(() => {
        const w = globalThis as unknown as {
          cartRecovery: { track(cart: unknown): Promise<unknown> };
          queued: Promise<unknown>;
        };
        w.queued = w.cartRecovery.track({
          id: 'c_1003',
          currency: 'EUR',
          total: '12.50',
          items: [{ sku: 'MUG', name: 'Blue mug', quantity: 1, price: '12.50' }],
        });
      });

      const sent = snippetPost(page);
      release();
      await ready();
      expect(errors).toEqual([]);
      expect((await sent).status()).toBe(200);
      expect(
        await page.evaluate(() => (globalThis as unknown as { queued: Promise<unknown> }).queued),
      ).toEqual({
        ok: true,
        status: 200,
        body: { cart: { id: expect.stringMatching(/^web_/), status: 'open' }, duplicate: false },
      });
      expect(posts).toBe(before + 2);
      expect(cartRestoring('https://shop.example/cart/c_1001')).toMatchObject({
        email: 'sam@example.com',
        totalMinor: 2500,
        currency: 'EUR',
        restoreUrl: 'https://shop.example/cart/c_1001',
      });
    } finally {
      hold = null;
      release();
      await page.close();
    }
  });

  it('sends queued and later calls one at a time, in call order', async () => {
    csp = null;
    const { page, errors, ready } = await watchedPage();
    // The page's fetch answers only when the test says so, to see what is in flight at once.
    await page.addInitScript(() => {
      const w = globalThis as unknown as { sends: Array<{ body: string; answer(): void }> };
      w.sends = [];
      globalThis.fetch = (_url, init) =>
        new Promise<Response>((resolve) => {
          w.sends.push({
            body: String(init?.body),
            answer: () => resolve(new Response('{"duplicate":false}', { status: 200 })),
          });
        });
    });
    type W = {
      sends: Array<{ body: string; answer(): void }>;
      cartRecovery: { track(cart: unknown): Promise<{ ok: boolean; status: number }> };
      answer: Promise<unknown>;
    };
    try {
      await page.goto(`${store.url}/page`);
      await ready();
      // The README's queued call is out; a second change waits behind it, not beside it.
      await page.evaluate(() => {
        const w = globalThis as unknown as W;
        w.answer = w.cartRecovery.track({ id: 'c_1001', total: '50.00' });
      });
      const inFlight = () =>
        page.evaluate(() =>
          (globalThis as unknown as W).sends.map((s) => JSON.parse(s.body).cart.total as string),
        );
      expect(await inFlight()).toEqual(['25.00']);
      await page.evaluate(() => (globalThis as unknown as W).sends[0]?.answer());
      await page.waitForFunction(
        () => (globalThis as unknown as W).sends.length === 2,
        undefined,
        WAIT,
      );
      expect(await inFlight()).toEqual(['25.00', '50.00']);
      await page.evaluate(() => (globalThis as unknown as W).sends[1]?.answer());
      expect(await page.evaluate(() => (globalThis as unknown as W).answer)).toEqual({
        ok: true,
        status: 200,
        body: { duplicate: false },
      });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("under the README's Content-Security-Policy it is delivered and nothing is blocked", async () => {
    csp = readmeCsp();
    const { page, blocked, errors, ready } = await watchedPage();
    try {
      const sent = snippetPost(page);
      const response = await page.goto(`${store.url}/page`);
      expect(response?.headers()['content-security-policy']).toBe(csp);
      await ready();
      expect(await blocked()).toEqual([]);
      expect(errors).toEqual([]);
      expect((await sent).status()).toBe(200);
    } finally {
      await page.close();
    }
  });

  it("the no-inline variant (the script's lines in the store's own file) works under 'self'", async () => {
    // The README's policy without the hash: only files may run.
    csp = readmeCsp().replace(` ${INLINE_HASH}`, '');
    expect(csp).not.toContain('sha256');
    const { page, blocked, errors, ready } = await watchedPage();
    try {
      const sent = snippetPost(page);
      await page.goto(`${store.url}/split`);
      await ready();
      expect(await blocked()).toEqual([]);
      expect(errors).toEqual([]);
      expect((await sent).status()).toBe(200);
    } finally {
      await page.close();
    }
  });

  it('without connect-src for cart-recovery the browser blocks the send, and the test sees it', async () => {
    // Proves the two claims the tests above rest on: the policy matters, and a block is noticed.
    csp = readmeCsp().replace(/; connect-src [^;]*/, '');
    expect(csp).not.toContain('connect-src');
    const { page, blocked } = await watchedPage();
    try {
      const before = posts;
      await page.goto(`${store.url}/page`);
      await page.waitForFunction(
        () => (globalThis as unknown as { __violations: string[] }).__violations.length > 0,
        undefined,
        WAIT,
      );
      expect((await blocked()).join('\n')).toMatch(/connect-src/);
      expect(posts).toBe(before);
    } finally {
      await page.close();
    }
  });
});
