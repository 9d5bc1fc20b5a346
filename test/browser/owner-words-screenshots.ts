/**
 * `npm run docs:screenshots`: the owner pages on the played November (owner-words-demo.ts), in
 * real Chromium, as the PNGs the README shows (docs/owner-*.png): the day page, a search, the
 * summary, a cart, sending, templates. Desktop at 1280 px, the summary also at 390 px.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { RT_OWNER } from '../support/runtime.ts';
import { launchBrowser, serveApp } from './browser.ts';
import { playNovember } from './owner-words-demo.ts';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');

async function shoot(browser: Browser, url: string, width: number, shots: [string, string][]) {
  const context = await browser.newContext({
    viewport: { width, height: width < 500 ? 844 : 900 },
    deviceScaleFactor: width < 500 ? 2 : 1,
    isMobile: width < 500,
  });
  const page = await context.newPage();
  await page.goto(`${url}/owner`);
  await page.getByLabel('Owner token').fill(RT_OWNER);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/owner/carts');
  for (const [path, file] of shots) {
    await page.goto(`${url}${path}`);
    await page.screenshot({ path: join(DOCS, file), fullPage: true });
    console.log(`docs/${file}  ${path} at ${width} px`);
  }
  await context.close();
}

const demo = await playNovember();
const served = await serveApp(demo.rt.app);
const browser = await launchBrowser();
// The capped cart's day and address: a busy day of the played month, and a shopper to look up.
const capped = await demo.rt.store.get(demo.cappedCart);
if (capped === null || capped.email === null) throw new Error('the demo month has no capped cart');
const cappedDay = new Date(capped.lastActivityAt).toISOString().slice(0, 10);
try {
  await shoot(browser, served.url, 1280, [
    [`/owner/carts?day=${cappedDay}`, 'owner-pages.png'],
    [`/owner/search?q=${encodeURIComponent(capped.email)}`, 'owner-search.png'],
    ['/owner/summary?month=2026-11', 'owner-summary.png'],
    [`/owner/carts/${demo.cappedCart}`, 'owner-cart.png'],
    ['/owner/health', 'owner-health.png'],
    ['/owner/templates', 'owner-templates.png'],
  ]);
  await shoot(browser, served.url, 390, [
    ['/owner/summary?month=2026-11', 'owner-summary-phone.png'],
  ]);
} finally {
  await browser.close();
  await served.close();
  await demo.rt.shutdown();
}
