/**
 * The owner pages in real Chromium at a desktop and a phone width, over the real local runtime
 * with a store's November: no page is wider than the viewport, axe-core finds no serious or
 * critical accessibility violation, and the words, the summary tables and the template preview
 * are what an owner sees.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RT_OWNER } from '../support/runtime.ts';
import { launchBrowser, type Served, serveApp } from './browser.ts';
import { type Demo, playNovember } from './owner-words-demo.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [1280, 390] as const;

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

let demo: Demo;
let served: Served;
let browser: Browser;
const contexts = new Map<number, BrowserContext>();

async function signedInContext(width: number): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    ...(width < 500 ? { isMobile: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  await page.goto(`${served.url}/owner`);
  await page.getByLabel('Owner token').fill(RT_OWNER);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/owner/carts');
  await page.close();
  return context;
}

async function open(width: number, path: string): Promise<Page> {
  const context = contexts.get(width);
  if (context === undefined) throw new Error(`no signed-in context at ${width} px`);
  const page = await context.newPage();
  const res = await page.goto(`${served.url}${path}`);
  expect(res?.status(), path).toBeLessThan(500);
  return page;
}

/** How much wider than the viewport the page is (0: it fits). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  ) as Promise<number>;
}

/** axe-core run in the page itself; evaluated over DevTools, so the pages' no-script CSP stays. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

beforeAll(async () => {
  demo = await playNovember();
  served = await serveApp(demo.rt.app);
  browser = await launchBrowser();
  for (const width of WIDTHS) contexts.set(width, await signedInContext(width));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await demo?.rt.shutdown();
});

const PAGES = () => [
  ['summary', '/owner/summary?month=2026-11'],
  ['cart', `/owner/carts/${demo.quietCart}`],
  ['preview', '/owner/templates'],
  ['health', '/owner/health'],
  ['not found', '/owner/nope'],
];

describe.each(WIDTHS)('at %i px', (width) => {
  it('fits every new page in the viewport, and axe finds nothing serious on any', async () => {
    const problems: string[] = [];
    for (const [name, path] of PAGES()) {
      const page = await open(width, path ?? '');
      const wider = await overflow(page);
      if (wider > 0) problems.push(`${name} is ${wider} px wider than ${width} px`);
      for (const v of await seriousViolations(page)) problems.push(`${name}: ${v}`);
      await page.close();
    }
    expect(problems).toEqual([]);
  });

  it('shows the summary chart drawn for this width, every axis label inside it', async () => {
    const page = await open(width, '/owner/summary?month=2026-11');
    const visible = page.locator('figure.chart svg:visible');
    expect(await visible.count()).toBe(1);
    const box = await visible.boundingBox();
    expect(box?.width).toBeLessThanOrEqual(width);
    // Drawn at about the width it is shown at, so 11 px labels stay about 11 px on screen.
    const drawn = Number(await visible.getAttribute('width'));
    expect((box?.width ?? 0) / drawn).toBeGreaterThan(0.75);
    const outside = await visible.evaluate((svg) => {
      const frame = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('text')].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.left < frame.left - 1 || r.right > frame.right + 1;
      }).length;
    });
    expect(outside).toBe(0);
    await page.close();
  });
});

describe('what the owner reads', () => {
  it('tells a quiet-hours hold and a frequency cap in words, in both zones', async () => {
    const page = await open(1280, `/owner/carts/${demo.quietCart}`);
    const rows = await page.locator('ol.timeline li').allTextContents();
    expect(rows[0]).toMatch(
      /^cart created on the 23rd Nov 2026 at 21:00: the store’s first event for it$/,
    );
    expect(rows[1]).toBe(
      'reminder 1 held on the 23rd Nov 2026 at 22:00 until 08:00 on the 24th in the shopper’s time, Europe/Paris: quiet hours',
    );
    await page.goto(`${served.url}/owner/carts/${demo.cappedCart}`);
    expect(await page.locator('ol.timeline li[data-action="reminder_held"]').textContent()).toMatch(
      /^reminder 1 held on the 23rd Nov 2026 at 17:30: not sent: the same address was reminded 90 min ago about cart c_2002; tried again at 12:00 on the 24th$/,
    );
    await page.goto(`${served.url}/owner/carts/${demo.unsubscribedCart}`);
    expect(await page.locator('.title [data-status="unsubscribed"]').isVisible()).toBe(true);
    expect(await page.locator('.title .badge.open').count()).toBe(0);
    await page.close();
  });

  it('renders every reminder in a sandboxed frame that runs no script, with its text beside', async () => {
    const page = await open(1280, '/owner/templates');
    expect(await page.locator('section.preview').count()).toBe(6);
    const frames = page.locator('section.preview iframe');
    expect(await frames.count()).toBe(6);
    expect(await frames.first().getAttribute('sandbox')).toBe('');
    const frame = page.frameLocator('section.preview[data-step="1"][data-saved="false"] iframe');
    expect(await frame.locator('body').textContent()).toContain('Linen shirt');
    expect(await page.locator('pre.text-part').first().textContent()).toContain('Linen shirt');
    await page.close();
  });

  it('links the months and labels the cost an AWS estimate on this local install', async () => {
    const page = await open(390, '/owner/summary?month=2026-11');
    expect(await page.locator('#cost-h').textContent()).toBe(
      'What this month would cost on AWS (an estimate)',
    );
    await page.getByRole('link', { name: '← October 2026' }).click();
    await page.waitForURL('**/owner/summary?month=2026-10');
    expect(await page.getByRole('link', { name: 'November 2026 →' }).count()).toBe(1);
    await page.close();
  });
});
