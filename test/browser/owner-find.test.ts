/**
 * Finding carts in real Chromium over real HTTP, at 1280 and 390 px (issue 16): search finds one
 * shopper among 20,000 carts, the Older/Newer links walk a 2,000-cart day with no duplicate or
 * gap, an address with no cart is unsubscribed from its page, no page is wider than the window,
 * and axe-core finds no serious or critical violation on the day, search, cart and address pages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cart } from '../../src/domain/cart.ts';
import { makeCart } from '../support/cart-fixtures.ts';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';
import { launchBrowser, type Served, serveApp } from './browser.ts';

const ZONE = 'Europe/Paris';
/** 2026-11-20 00:00 in Paris: the busy day starts here. */
const DAY_START = Date.parse('2026-11-19T23:00:00Z');
const BUSY_DAY = '2026-11-20';
const DAY_CARTS = 2_000;
const ALL_CARTS = 20_000;
const NEEDLE = 'needle.person@example.com';
const AXE = readFileSync(join(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');
const WIDTHS = [1280, 390] as const;

type Runtime = ReturnType<typeof openTestRuntime>;
let rt: Runtime;
let served: Served;
let browser: Browser;
/** The busy day's ids, newest first (ties at one instant order by id, descending). */
let dayOrder: string[];

/** 2,000 carts on the busy day (some sharing an instant), 18,000 on the days before it. */
function seedCarts(): Cart[] {
  const carts: Cart[] = [];
  for (let i = 0; i < ALL_CARTS; i++) {
    const onDay = i < DAY_CARTS;
    // Every fifth pair shares its instant, so the id has to break ties across page edges.
    const at = onDay
      ? DAY_START + Math.floor(i / 2) * 80_000 + (i % 10 < 2 ? 0 : (i % 2) * 1_000)
      : DAY_START - 60_000 - (i - DAY_CARTS) * 90_000;
    const id = `c_${String(i).padStart(5, '0')}`;
    carts.push(
      makeCart({
        id,
        lastActivityAt: at,
        email: i === 12_345 ? NEEDLE : `shopper${i}@example.com`,
        wakeAt: null,
      }),
    );
  }
  return carts;
}

beforeAll(async () => {
  rt = openTestRuntime({ CR_TIMEZONE: ZONE }, Date.parse('2026-11-23T10:00:00Z'));
  const carts = seedCarts();
  // Straight into the store, many at once: the group commit makes 20,000 rows a few seconds.
  for (let i = 0; i < carts.length; i += 500) {
    const saved = await Promise.all(
      carts
        .slice(i, i + 500)
        .map((cart) => rt.store.save({ cart, expectedVersion: null, audit: [] })),
    );
    expect(saved.every((s) => s.kind === 'saved')).toBe(true);
  }
  dayOrder = carts
    .slice(0, DAY_CARTS)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : -1))
    .map((c) => c.id);
  served = await serveApp(rt.app);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await rt?.shutdown();
});

async function signedIn(width: number): Promise<Page> {
  // axe is injected as a script tag; the pages' CSP (rightly) allows none of their own.
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${served.url}/owner`);
  await page.getByLabel('Owner token').fill(RT_OWNER);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/owner/carts');
  return page;
}

/** What a visitor would notice: a page wider than the window, or an axe serious/critical hit. */
async function checkPage(page: Page, what: string): Promise<void> {
  const widths = await page.evaluate(() => {
    const g = globalThis as unknown as InPage;
    return { scroll: g.document.documentElement.scrollWidth, inner: g.innerWidth };
  });
  expect(widths.scroll, `${what} is wider than the window`).toBeLessThanOrEqual(widths.inner);
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as InPage).axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${what}`).toEqual([]);
}
/** The little of the page's globals these checks read (the test's types have no DOM). */
interface InPage {
  document: { documentElement: { scrollWidth: number } };
  innerWidth: number;
  axe: { run(): Promise<{ violations: AxeViolation[] }> };
}
interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

const idsOnPage = (page: Page) => page.locator('table.carts tbody td.id a').allTextContents();

describe.each(WIDTHS)('finding carts at %i px', (width) => {
  it('finds one shopper by email among 20,000 carts, and opens the address', async () => {
    const page = await signedIn(width);
    await checkPage(page, 'the day page');
    await page.getByRole('searchbox', { name: /Search carts/ }).fill(NEEDLE.toUpperCase());
    await page.getByRole('searchbox', { name: /Search carts/ }).press('Enter');
    await page.waitForURL('**/owner/search?q=*');
    expect(await idsOnPage(page)).toEqual(['c_12345']);
    await checkPage(page, 'the search page');

    await page.getByRole('button', { name: 'Open address page' }).click();
    await page.waitForURL('**/owner/address');
    expect(await page.locator('h1').textContent()).toBe(`Address ${NEEDLE}`);
    expect(await page.locator('[data-address-state]').textContent()).toMatch(/^Subscribed/);
    expect(await idsOnPage(page)).toEqual(['c_12345']);
    await checkPage(page, 'the address page');

    await page.getByRole('link', { name: 'c_12345' }).first().click();
    await page.waitForURL('**/owner/carts/c_12345');
    await checkPage(page, 'the cart page');
    await page.context().close();
  }, 120_000);

  it('walks a 2,000-cart day by its Older links with no duplicate or gap, and back', async () => {
    const page = await signedIn(width);
    await page.goto(`${served.url}/owner/carts?day=${BUSY_DAY}`);
    expect(await page.locator('[data-count="line"]').textContent()).toMatch(/^2000 carts/);
    const seen: string[] = [];
    const pages: string[][] = [];
    for (;;) {
      const ids = await idsOnPage(page);
      expect(ids.length).toBeLessThanOrEqual(100);
      seen.push(...ids);
      pages.push(ids);
      // CSS rather than role locators: computing roles over 100 rows on each of 20 pages is slow.
      const older = page.locator('nav.pager a[rel="next"]').first();
      if ((await older.count()) === 0) break;
      await older.click();
      await page.waitForLoadState('domcontentloaded');
    }
    expect(seen).toEqual(dayOrder);
    expect(pages.length).toBe(20);
    await checkPage(page, 'the last page of the day');
    // Back up two pages by the Newer links: the same pages, in the same order.
    for (const expected of [pages[18], pages[17]]) {
      await page.locator('nav.pager a[rel="prev"]').first().click();
      await page.waitForLoadState('domcontentloaded');
      expect(await idsOnPage(page)).toEqual(expected);
    }
    await page.context().close();
  }, 240_000);
});

describe('an address with no cart on screen', () => {
  it('is found by search and unsubscribed from its page', async () => {
    const page = await signedIn(390);
    const nobody = 'no.cart@example.com';
    await page.goto(`${served.url}/owner/search?q=${encodeURIComponent(nobody)}`);
    expect(await page.getByRole('status').textContent()).toBe(`No cart matches “${nobody}”.`);
    await page.getByRole('button', { name: 'Open address page' }).click();
    await page.waitForURL('**/owner/address');
    expect(await page.locator('table.carts').count()).toBe(0);
    await page.getByText(`Unsubscribe ${nobody}…`).click();
    await page.getByRole('button', { name: `Yes, unsubscribe ${nobody}` }).click();
    await page.waitForURL('**/owner/address/unsubscribe');
    expect(await page.getByRole('status').textContent()).toMatch(/^Address unsubscribed/);
    expect(await page.locator('[data-address-state]').textContent()).toMatch(
      /^Unsubscribed by sam on the 23rd Nov 2026 at 11:00\./,
    );
    expect(await rt.unsubscribes.get(nobody)).toMatchObject({ kind: 'unsubscribed', actor: 'sam' });
    await checkPage(page, 'the address page after the unsubscribe');
    await page.context().close();
  });
});
