/**
 * The shopper's public links, tried as an attacker on loopback would (issue "The public lanes
 * cannot be turned against the store"): a sent link cannot be re-pointed, floods are throttled and
 * write a bounded number of rows, every page sends the security headers, the shopper's link cannot
 * lift the store's unsubscribe, and an unsubscribe link shows no address. All through the routes
 * of a real local runtime, links taken from the reminders it sent.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../src/ports/mailer.ts';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

type Runtime = ReturnType<typeof openTestRuntime>;
const STORE_URL = 'https://shop.example/';
const RESTORE = 'https://shop.example/cart/c_42';
const EMAIL = 'sam@example.com';
const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

let rt: Runtime;
afterEach(async () => {
  await rt?.shutdown();
});

/** A runtime that has mailed c_42's first reminder. */
async function reminded(): Promise<Runtime> {
  rt = openTestRuntime({ CR_STORE_URL: STORE_URL });
  await rt.post(cartEvent({ id: 'evt_1', occurredAt: new Date(rt.clock.now()).toISOString() }));
  await rt.advance(61 * 60_000);
  expect(rt.mailer.sent).toHaveLength(1);
  return rt;
}

const mail = (i = 0): OutgoingEmail => {
  const sent = rt.mailer.sent[i];
  if (sent === undefined) throw new Error(`no mail #${i}`);
  return sent;
};
/** The path and query of the cart link in the reminder's text part. */
function cartLink(sent = mail()): string {
  const found = /https?:\/\/\S+?(\/c\?t=[A-Za-z0-9._%-]+)/.exec(sent.text);
  if (!found?.[1]) throw new Error('no cart link in the reminder');
  return found[1];
}
function unsubscribeLink(sent = mail()): string {
  const url = new URL((sent.headers['List-Unsubscribe'] ?? '').replace(/^<|>$/g, ''));
  return `${url.pathname}${url.search}`;
}

/** A request from one client address, as the Node server hands it to the app. */
function from(ip: string, path: string, init: RequestInit = {}) {
  return rt.app.request(path, init, { incoming: { socket: { remoteAddress: ip } } });
}
const post = (headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: 'List-Unsubscribe=One-Click',
});

/** Changes c_42's restore link the way any lane that carries it can. */
async function repoint(url: string, id: string) {
  const occurredAt = new Date(rt.clock.now()).toISOString();
  await rt.post(cartEvent({ id, occurredAt, cart: { restoreUrl: url } }));
}

/** A link as the code before this change made it: readable JSON, HMAC-signed, no target. */
function legacyToken(wire: unknown): string {
  const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
  const secret = rt.secrets.secrets.linkSecret;
  const mac = createHmac('sha256', secret).update('cart-recovery/link/v1\n').update(body);
  return `${body}.${mac.digest('base64url')}`;
}

async function summaryClicked(month: string): Promise<number> {
  const res = await rt.app.request(`/owner/api/summary?month=${month}`, {
    headers: { authorization: `Bearer ${RT_OWNER}` },
  });
  return ((await res.json()) as { clicked: number }).clicked;
}
const clickRows = async () =>
  (await rt.store.auditFor('c_42')).filter((row) => row.action === 'clicked');

describe('a sent cart link cannot be re-pointed', () => {
  it('leads to the link it was sent with; once the cart link changes, to the store page instead', async () => {
    await reminded();
    const link = cartLink();
    const before = await rt.app.request(link, { headers: BROWSER });
    expect(before.status).toBe(302);
    expect(before.headers.get('location')).toBe(RESTORE);

    rt.clock.set(rt.clock.now() + 61 * 60_000); // past the hour, so this click is a row of its own
    await repoint('https://evil.example/login', 'evt_evil');
    const after = await rt.app.request(link, { headers: BROWSER });
    expect(after.status).toBe(404);
    expect(after.headers.get('location')).toBeNull();
    const page = await after.text();
    expect(page).toContain('This cart is no longer available');
    expect(page).toContain(`href="${STORE_URL}"`);
    expect(page).not.toContain('evil.example');
    // Still a click the reminder brought: counted, and marked as not restored.
    expect((await clickRows()).at(-1)?.detail).toEqual({
      step: 1,
      restored: false,
      why: 'link_changed',
    });

    rt.clock.set(rt.clock.now() + 1000);
    await repoint(RESTORE, 'evt_back');
    expect((await rt.app.request(link)).headers.get('location')).toBe(RESTORE);
  });

  it('a link sent before targets (v1) still restores, until the cart link changes after its reminder', async () => {
    await reminded();
    const old = `/c?t=${legacyToken({ p: 'c', c: 'c_42', s: 1 })}`;
    const first = await rt.app.request(old);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(RESTORE);

    rt.clock.set(rt.clock.now() + 60_000);
    await repoint('https://evil.example/login', 'evt_evil');
    const after = await rt.app.request(old, { headers: BROWSER });
    expect(after.status).toBe(404);
    expect(after.headers.get('location')).toBeNull();
    expect(await after.text()).toContain(`href="${STORE_URL}"`);
  });
});

describe('throttled public routes', () => {
  it('one link clicked over and over: 429 with Retry-After, a page for a browser, then open again', async () => {
    await reminded();
    const link = cartLink();
    for (let i = 0; i < 20; i++) expect((await from('203.0.113.7', link)).status).toBe(302);
    const refused = await from('203.0.113.7', link, { headers: BROWSER });
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(wait) && wait > 0).toBe(true);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toContain('Too many tries');
    // The limit is the link's, whichever address asks.
    expect((await from('198.51.100.4', link)).status).toBe(429);
    rt.clock.set(rt.clock.now() + wait * 1000);
    expect((await from('203.0.113.7', link)).status).toBe(302);
  });

  it('one client address trying many links: 429 after its budget; another address is still served', async () => {
    await reminded();
    const links = Array.from(
      { length: 61 },
      (_, i) =>
        `/unsubscribe?t=${rt.links.sign({ purpose: 'unsubscribe', email: `u${i}@example.com`, cartId: null })}`,
    );
    for (const link of links.slice(0, 60))
      expect((await from('203.0.113.7', link)).status).toBe(200);
    const refused = await from('203.0.113.7', links[60] ?? '');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      error: expect.stringMatching(/from this address/),
    });
    expect((await from('198.51.100.4', links[60] ?? '')).status).toBe(200);
  });

  it('a flood of clicks writes one row per cart and step an hour, and the summary still counts one cart', async () => {
    await reminded();
    const link = cartLink();
    for (let i = 0; i < 15; i++) await from(`203.0.113.${i}`, link);
    expect(await clickRows()).toHaveLength(1);
    rt.clock.set(rt.clock.now() + 61 * 60_000);
    await rt.app.request(link);
    expect(await clickRows()).toHaveLength(2);
    expect(await summaryClicked('2026-11')).toBe(1);
  });

  it('a click either side of midnight at a month end is counted in both months', async () => {
    await reminded();
    const link = cartLink();
    rt.clock.set(Date.parse('2026-11-30T23:50:00Z'));
    await rt.app.request(link);
    rt.clock.set(Date.parse('2026-12-01T00:10:00Z'));
    await rt.app.request(link);
    expect(await clickRows()).toHaveLength(2);
    expect(await summaryClicked('2026-11')).toBe(1);
    expect(await summaryClicked('2026-12')).toBe(1);
  });

  it('unsubscribe and resubscribe ping-pong writes a bounded number of audit rows', async () => {
    await reminded();
    const unsubscribe = unsubscribeLink();
    const resubscribe = `/resubscribe?t=${rt.links.sign({ purpose: 'resubscribe', email: EMAIL })}`;
    // The same state again writes nothing.
    for (let i = 0; i < 3; i++)
      expect((await rt.app.request(unsubscribe, post())).status).toBe(200);
    const rows = async () =>
      (await rt.store.auditForEmail(EMAIL)).filter((r) =>
        ['unsubscribe', 'resubscribe'].includes(r.action),
      ).length;
    expect(await rows()).toBe(1);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await rt.app.request(resubscribe, post())).status);
      await rt.app.request(unsubscribe, post());
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3).every((s) => s === 429)).toBe(true);
    const refused = await rt.app.request(resubscribe, post(BROWSER));
    expect(await refused.text()).toMatch(/Nothing was changed\. Please try again in \d+ minutes\./);
    expect(await rows()).toBe(7);
    expect((await rt.unsubscribes.get(EMAIL))?.kind).toBe('unsubscribed');
  });
});

describe('shopper pages send the security headers of the owner pages', () => {
  const NAMES = [
    'content-security-policy',
    'x-frame-options',
    'x-content-type-options',
    'referrer-policy',
    'cache-control',
  ];

  it('on every page, redirect and error of /c, /unsubscribe and /resubscribe', async () => {
    await reminded();
    const owner = await rt.app.request('/owner');
    const expected = Object.fromEntries(NAMES.map((n) => [n, owner.headers.get(n)]));
    expect(expected['content-security-policy']).toContain("form-action 'self'");
    expect(expected['x-frame-options']).toBe('DENY');
    const resubscribe = `/resubscribe?t=${rt.links.sign({ purpose: 'resubscribe', email: EMAIL })}`;
    const gone = `/c?t=${rt.links.sign({ purpose: 'click', cartId: 'c_gone', step: 1, target: 'A'.repeat(22) })}`;
    const answers: Array<[string, Response]> = [
      ['GET /unsubscribe', await rt.app.request(unsubscribeLink(), { headers: BROWSER })],
      ['POST /unsubscribe', await rt.app.request(unsubscribeLink(), post(BROWSER))],
      ['GET /resubscribe', await rt.app.request(resubscribe, { headers: BROWSER })],
      ['POST /resubscribe', await rt.app.request(resubscribe, post(BROWSER))],
      ['GET /c redirect', await rt.app.request(cartLink(), { headers: BROWSER })],
      ['GET /c gone', await rt.app.request(gone, { headers: BROWSER })],
      ['GET /c invalid page', await rt.app.request('/c?t=nope', { headers: BROWSER })],
      ['POST /unsubscribe invalid JSON', await rt.app.request('/unsubscribe?t=nope', post())],
    ];
    for (const [what, res] of answers) {
      expect(res.status, what).toBeLessThan(500);
      const got = Object.fromEntries(NAMES.map((n) => [n, res.headers.get(n)]));
      expect(got, what).toEqual(expected);
    }
  });
});

describe("the shopper's link lifts only the shopper's own unsubscribe", () => {
  const ownerUnsubscribe = () =>
    rt.app.request('/owner/api/unsubscribe', {
      method: 'POST',
      headers: { authorization: `Bearer ${RT_OWNER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL }),
    });
  const resubscribe = () =>
    rt.app.request(
      `/resubscribe?t=${rt.links.sign({ purpose: 'resubscribe', email: EMAIL })}`,
      post(BROWSER),
    );

  it("an owner's unsubscribe stays, and the page tells the shopper to contact the store", async () => {
    await reminded();
    expect((await ownerUnsubscribe()).status).toBe(200);
    const rows = (await rt.store.auditForEmail(EMAIL)).length;
    const res = await resubscribe();
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('The store has stopped reminders to <strong>sam@example.com</strong>');
    expect(page).toContain('contact the store');
    expect(await rt.unsubscribes.get(EMAIL)).toMatchObject({ kind: 'unsubscribed', actor: 'sam' });
    expect(await rt.store.auditForEmail(EMAIL)).toHaveLength(rows);
  });

  it("the owner's unsubscribe after the shopper's own is the store's too", async () => {
    await reminded();
    expect((await rt.app.request(unsubscribeLink(), post())).status).toBe(200);
    expect((await ownerUnsubscribe()).status).toBe(200);
    expect(await (await resubscribe()).text()).toContain('contact the store');
    expect(await rt.unsubscribes.get(EMAIL)).toMatchObject({ actor: 'sam' });
  });

  it("the shopper's own unsubscribe is theirs to undo", async () => {
    await reminded();
    expect((await rt.app.request(unsubscribeLink(), post())).status).toBe(200);
    expect(await (await resubscribe()).text()).toContain('Welcome back');
    expect(await rt.unsubscribes.get(EMAIL)).toBeNull();
  });
});

describe('an unsubscribe link shows no address', () => {
  it('the List-Unsubscribe header and the cart link carry neither the address nor readable JSON', async () => {
    await reminded();
    const header = mail().headers['List-Unsubscribe'] ?? '';
    expect(header.length).toBeLessThan(400);
    const token = new URL(header.slice(1, -1)).searchParams.get('t') ?? '';
    const cart = new URL(`http://x${cartLink()}`).searchParams.get('t') ?? '';
    for (const t of [token, cart]) {
      const decoded = t
        .split('.')
        .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
        .join('.');
      for (const text of [t, decoded]) {
        expect(text).not.toContain(EMAIL);
        expect(text).not.toContain('c_42');
        expect(text).not.toContain('"e":"');
      }
    }
    // And it still does its job, one click.
    expect((await rt.app.request(unsubscribeLink(), post())).status).toBe(200);
    expect(await rt.unsubscribes.get(EMAIL)).toMatchObject({ actor: 'shopper' });
  });

  it('an unsubscribe link sent before (readable, v1) still unsubscribes', async () => {
    await reminded();
    const old = `/unsubscribe?t=${legacyToken({ p: 'u', e: EMAIL, c: 'c_42' })}`;
    expect((await rt.app.request(old, post())).status).toBe(200);
    expect(await rt.unsubscribes.get(EMAIL)).toMatchObject({ kind: 'unsubscribed' });
  });
});
