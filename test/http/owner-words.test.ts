/**
 * The owner pages in words, over the real local runtime (SQLite, the waiter loop, a simulated
 * clock): held reminders say until when and in whose time, a frequency cap names the cart it
 * waited on, the summary is tables and sentences, sender health and the template preview are
 * pages, and browsers get pages where API clients keep JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

const MIN = 60_000;
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

type Runtime = ReturnType<typeof openTestRuntime>;
let rt: Runtime;
let cookie: string;

async function cart(id: string, email: string, timezone: string) {
  await rt.post(
    cartEvent({
      id: `evt_${id}_${rt.clock.now()}`,
      occurredAt: new Date(rt.clock.now()).toISOString(),
      cart: { id, email, timezone, restoreUrl: `https://shop.example/cart/${id}` },
    }),
  );
}

async function page(path: string, headers: Record<string, string> = {}) {
  const res = await rt.app.request(path, { headers: { cookie, ...headers } });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text: await res.text(),
  };
}

/** The timeline's sentences, tags stripped and entities read back. */
function timeline(text: string): string[] {
  return [...text.matchAll(/<li class="[^"]*" data-action="[^"]+">([^<]*)<\/li>/g)].map((m) =>
    (m[1] ?? '').replaceAll('&#39;', "'").replaceAll('&amp;', '&'),
  );
}

beforeAll(async () => {
  rt = openTestRuntime(
    {
      CR_TIMEZONE: 'America/New_York',
      CR_QUIET_HOURS: '21:00-08:00',
      CR_FREQUENCY_CAP: '20h',
      CR_CADENCE: '1h,24h,72h',
    },
    Date.parse('2026-11-23T12:00:00Z'),
  );
  await cart('c_17', 'bo@example.com', 'Europe/London'); // reminded 13:00Z
  await rt.advance(90 * MIN, 5 * MIN);
  await rt.stops.suppress('c_17', 'sam');
  await rt.advance(30 * MIN, 5 * MIN);
  await cart('c_18', 'bo@example.com', 'Europe/London'); // due 15:00Z: capped by c_17's
  await rt.advance(6.5 * 60 * MIN, 5 * MIN);
  await cart('c_paris', 'ana@example.com', 'Europe/Paris'); // 20:30Z; due 21:30Z, 22:30 in Paris
  await rt.advance(90 * MIN, 5 * MIN);
  await rt.stops.unsubscribe('ana@example.com', 'sam', 'c_paris');
  const res = await rt.app.request('/owner/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: RT_OWNER }).toString(),
  });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
});

afterAll(() => rt?.shutdown());

describe('a cart’s timeline in plain words', () => {
  it('says a reminder held for quiet hours waits until 08:00 in the shopper’s time, Paris', async () => {
    const { text } = await page('/owner/carts/c_paris');
    const lines = timeline(text);
    expect(lines[0]).toBe(
      'cart created on the 23rd Nov 2026 at 15:30: the store’s first event for it',
    );
    expect(lines[1]).toBe(
      'reminder 1 held on the 23rd Nov 2026 at 16:30 until 08:00 on the 24th in the shopper’s time, Europe/Paris (02:00 on the 24th store time): quiet hours',
    );
    expect(text).toContain(
      'Times are America/New_York (the store’s time); the shopper is in Europe/Paris.',
    );
    expect(text).not.toContain('No audit rows yet');
    expect(text).not.toMatch(/\(quiet_hours\)/);
  });

  it('says the same in `cart-recovery audit`, in the shopper’s zone', async () => {
    const { code, stdout } = await runCli(['audit', 'c_paris'], {
      CR_DATA_DIR: rt.dataDir,
      CR_TIMEZONE: 'America/New_York',
      CR_WEBHOOK_SECRET: 'whsec_runtime_test_0123456789',
      CR_OWNERS: `sam:${RT_OWNER}`,
    });
    expect(code).toBe(0);
    expect(stdout).toContain(
      'reminder 1 held on the 23rd Nov 2026 at 16:30 until 08:00 on the 24th in the shopper’s time, Europe/Paris (02:00 on the 24th store time): quiet hours',
    );
  });

  it('names the reminder and the cart a frequency cap waited on', async () => {
    const lines = timeline((await page('/owner/carts/c_18')).text);
    expect(lines).toContain(
      'reminder 1 held on the 23rd Nov 2026 at 10:00: not sent: the same address was reminded 2 h ago about cart c_17; tried again at 04:00 on the 24th',
    );
  });

  it('shows an unsubscribed address on its open cart instead of "open"', async () => {
    const { text } = await page('/owner/carts/c_paris');
    const title = /<div class="title">([\s\S]*?)<\/div>/.exec(text)?.[1] ?? '';
    expect(title).toContain('data-status="unsubscribed"');
    expect(title).not.toContain('badge open');
  });
});

describe('the summary as a page', () => {
  it('has the counts, the steps and the cost lines as tables, the lift in words, and month links', async () => {
    const { status, text } = await page('/owner/summary?month=2026-11');
    expect(status).toBe(200);
    expect(text).toMatch(/<th scope="row">Reminders sent<\/th><td class="num">\d+<\/td>/);
    expect(text).toContain('<td>Reminder 1</td>');
    expect(text).toContain('What this month would cost on AWS (an estimate)');
    expect(text).toContain('pays AWS nothing');
    expect(text).toContain(
      'Every abandoned cart got reminders, so there is no group to compare with',
    );
    expect(text).toContain('href="/owner/summary?month=2026-10" rel="prev"');
    // November is the store's current month: no link on to a month that has not started.
    expect(text).not.toContain('rel="next"');
    expect(text).not.toContain('<pre');
    expect((await page('/owner/summary?month=2026-09')).text).toContain(
      'href="/owner/summary?month=2026-10" rel="next"',
    );
  });
});

describe('sender health and the template preview', () => {
  it('shows the rates against the limits and that reminders are going out', async () => {
    const { text } = await page('/owner/health');
    expect(text).toContain('data-verdict="ok"');
    expect(text).toContain('Provider reviews at');
    expect(text).toContain('5.0%');
    expect(text).not.toContain('clear the hold');
  });

  it('renders every step for an abandoned and a saved-link cart, HTML sandboxed', async () => {
    const { text } = await page('/owner/templates');
    expect(text.match(/<section class="card preview"/g)).toHaveLength(6);
    expect(text).toContain('data-step="3" data-saved="true"');
    expect(text.match(/<iframe[^>]*sandbox=""[^>]*srcdoc="&lt;/g)).toHaveLength(6);
    expect(text).toContain('Linen shirt');
    expect(text).toContain('No problems');
  });
});

describe('pages for people, JSON for clients', () => {
  it('answers GET / with a page pointing to the owner pages for a browser, JSON otherwise', async () => {
    const browser = await page('/', HTML);
    expect(browser.type).toContain('text/html');
    expect(browser.text).toContain('href="/owner"');
    const client = await rt.app.request('/');
    expect(await client.json()).toMatchObject({ ownerPages: '/owner' });
  });

  it('answers an unknown owner or shopper path with an HTML 404 for a browser', async () => {
    const owner = await page('/owner/nope', HTML);
    expect([owner.status, owner.type]).toEqual([404, 'text/html; charset=UTF-8']);
    expect(owner.text).toContain('There is no owner page at /owner/nope');
    const shopper = await page('/unsubscribe-typo', HTML);
    expect(shopper.status).toBe(404);
    expect(shopper.text).toContain('This page does not exist');
    const api = await rt.app.request('/owner/nope');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'no route GET /owner/nope', details: [] });
  });
});
