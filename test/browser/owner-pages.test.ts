/**
 * The owner pages in real Chromium over real HTTP: sign in, read the day, open a cart, write it off
 * through the confirmation, and see it in the timeline. Leaves screenshots in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ownerPages } from '../../src/http/owner-pages.ts';
import { openTestRuntime, RT_OWNER, RT_SECRET } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';
import { launchBrowser, type Served, serveApp } from './browser.ts';

const HOSTILE = '<script>alert(1)</script>';
const ZONE = 'Europe/Paris';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const MIN = 60_000;

type Runtime = ReturnType<typeof openTestRuntime>;

const item = (sku: string, name: string, quantity: number, price: string) => ({
  sku,
  name,
  quantity,
  price,
});

/** A store's morning: eight carts that end open, bought, recovered, suppressed and nameless. */
const CARTS: Record<string, Record<string, unknown>> = {
  c_1041: {
    email: 'ana.moreau@example.com',
    items: [item('SHIRT-L', 'Linen shirt', 1, '59.00'), item('CANDLE', 'Fig candle', 1, '25.50')],
    total: '84.50',
  },
  c_1042: {
    email: 'ben.okafor@example.com',
    items: [item('MUG', 'Ceramic mug', 2, '18.00')],
    total: '36.00',
  },
  c_1043: {
    email: 'chloe.dubois@example.com',
    savedLink: true,
    items: [
      item('SCARF', 'Wool scarf', 1, '45.00'),
      item('BEANIE', 'Merino beanie', 1, '28.00'),
      item('SOCKS', 'Hiking socks', 2, '12.00'),
    ],
    total: '97.00',
  },
  c_1044: {
    email: 'dev.patel@example.com',
    items: [item('ODD', HOSTILE, 1, '19.99'), item('NOTE', 'Dot-grid notebook', 3, '9.50')],
    total: '48.49',
  },
  c_1045: { email: undefined, items: [item('TEA', 'Tea sampler', 1, '24.00')], total: '24.00' },
  c_1046: {
    email: 'emma.lindqvist@example.com',
    items: [item('WALLET', 'Leather wallet', 1, '120.00')],
    total: '120.00',
  },
  c_1047: {
    email: 'farid.haddad@example.com',
    savedLink: true,
    items: [item('SHOE-42', 'Trail running shoes', 1, '135.00')],
    total: '135.00',
  },
  c_1048: {
    email: 'gina.rossi@example.com',
    items: [item('LAMP', 'Brass desk lamp', 1, '89.00')],
    total: '89.00',
  },
};

async function post(
  rt: Runtime,
  id: string,
  type: 'cart.updated' | 'cart.checked_out' = 'cart.updated',
) {
  await rt.post(
    cartEvent({
      id: `evt_${id}_${rt.clock.now()}`,
      type,
      occurredAt: new Date(rt.clock.now()).toISOString(),
      cart: { id, restoreUrl: `https://shop.example/cart/${id}`, timezone: ZONE, ...CARTS[id] },
      orderId: type === 'cart.checked_out' ? `ord_${id}` : null,
    }),
  );
}

async function playMorning(rt: Runtime) {
  const at = async (minutes: number, act: () => Promise<unknown>) => {
    await rt.advance(minutes * MIN);
    await act();
  };
  await at(5, () => post(rt, 'c_1041'));
  await at(15, () => post(rt, 'c_1042'));
  await at(20, () => post(rt, 'c_1043'));
  await at(5, () => post(rt, 'c_1042', 'cart.checked_out'));
  await at(25, () => post(rt, 'c_1044'));
  await at(20, () => post(rt, 'c_1046'));
  await at(20, () => post(rt, 'c_1047'));
  await at(35, () => post(rt, 'c_1043', 'cart.checked_out'));
  await at(5, () => rt.stops.suppress('c_1046', 'sam'));
  await at(30, () => post(rt, 'c_1045'));
  await at(40, () => post(rt, 'c_1047', 'cart.checked_out'));
  await at(50, () => post(rt, 'c_1048'));
  await rt.advance(30 * MIN);
}

let rt: Runtime;
let served: Served;
let browser: Browser;

beforeAll(async () => {
  rt = openTestRuntime(
    { CR_CADENCE: '30m,2h,6h', CR_TIMEZONE: ZONE },
    Date.parse('2026-11-23T07:00:00Z'),
  );
  await playMorning(rt);
  const app = createApp({
    ingest: rt.ingest,
    webhookSecret: RT_SECRET,
    clock: rt.clock,
    store: rt.store,
    stops: rt.stops,
    owners: rt.owners,
    storeTimeZone: ZONE,
    extraRoutes: [
      ownerPages({
        store: rt.store,
        stops: rt.stops,
        owners: rt.owners,
        clock: rt.clock,
        storeTimeZone: ZONE,
        cookieSecure: false,
        signOuts: rt.signOuts,
      }),
    ],
  });
  served = await serveApp(app);
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await rt?.shutdown();
});

describe('owner pages in Chromium', () => {
  it('signs in, reads the day, writes a cart off through the confirmation, and shows it', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });

    await page.goto(`${served.url}/owner/carts`);
    expect(new URL(page.url()).pathname).toBe('/owner');
    await page.getByLabel('Owner token').fill(RT_OWNER);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/owner/carts');
    expect(await page.locator('h1').textContent()).toBe('Carts for Monday 23 Nov 2026');
    expect(await page.locator('[data-count="line"]').textContent()).toBe(
      '8 carts · 4 open · 3 bought · 1 closed',
    );
    expect(await page.locator('table.carts tbody tr').count()).toBe(8);

    // The hostile name is text on the page, not a script in it.
    const hostileRow = page.locator('tr', { has: page.getByRole('link', { name: 'c_1044' }) });
    expect(await hostileRow.locator('td.items').textContent()).toContain(HOSTILE);
    expect(await page.locator('body script').count()).toBe(0);

    await page.getByRole('link', { name: 'c_1041' }).click();
    await page.waitForURL('**/owner/carts/c_1041');
    const writeOff = page.locator('details', { hasText: 'Write off…' });
    const confirm = writeOff.getByRole('button', { name: 'Write off c_1041' });
    expect(await confirm.isVisible()).toBe(false); // hidden until the owner opens the step
    await writeOff.locator('summary').click();
    await writeOff.getByLabel('Reason').fill('test order');
    await confirm.click();
    await page.waitForURL('**/owner/carts/c_1041?done=written_off');

    expect(await page.getByRole('status').textContent()).toContain('Cart written off');
    const row = await page.locator('ol.timeline li[data-action="write_off"]').textContent();
    expect(row).toMatch(/^written off by sam on the 23rd Nov 2026 at \d\d:\d\d: test order$/);
    expect(await page.locator('ol.timeline li[data-action="reminder_sent"]').count()).toBe(2);
    expect(await page.locator('details', { hasText: 'Write off…' }).count()).toBe(0);
    const cart = await rt.store.get('c_1041');
    expect(cart).toMatchObject({ status: 'closed', closedReason: 'written_off' });

    await page.getByRole('link', { name: /Carts for 23 Nov 2026/ }).click();
    expect(await page.locator('[data-count="line"]').textContent()).toBe(
      '8 carts · 3 open · 3 bought · 2 closed',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'owner-day.png'), fullPage: true });

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      storageState: await context.storageState(),
    });
    const phonePage = await phone.newPage();
    await phonePage.goto(`${served.url}/owner/carts`);
    expect(await phonePage.locator('table.carts thead').isVisible()).toBe(false);
    await phonePage.screenshot({ path: join(ARTIFACTS, 'owner-day-phone.png') });

    await page.getByRole('link', { name: 'c_1041' }).click();
    await page.screenshot({ path: join(ARTIFACTS, 'owner-cart.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    await phone.close();
    await context.close();
  });
});
