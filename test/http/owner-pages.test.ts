import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteOwnerSignOuts } from '../../src/adapters/sqlite/sqlite-owner-sign-outs.ts';
import { tombstoneOf } from '../../src/domain/retention.ts';
import { createApp } from '../../src/http/app.ts';
import { type OwnerPagesDeps, ownerPages } from '../../src/http/owner-pages.ts';
import { SESSION_COOKIE } from '../../src/http/owner-session.ts';
import { html } from '../../src/http/page.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';
import { makeTestApp, OWNER_TOKEN, SECRET } from '../support/test-app.ts';

const OWNERS = [{ name: 'sam', token: OWNER_TOKEN }];
const HOSTILE = '<script>alert(1)</script>';

let harness: ReturnType<typeof makeTestApp>;
afterEach(() => harness?.close());

function setup() {
  harness = makeTestApp();
  return appFor(OWNERS);
}

/** An app over the current harness's store, with the given owner tokens and page options. */
function appFor(
  owners: typeof OWNERS,
  pages: Partial<Pick<OwnerPagesDeps, 'cookieSecure' | 'summaryHtml'>> = {},
) {
  return createApp({
    ingest: harness.ingest,
    webhookSecret: SECRET,
    clock: harness.clock,
    store: harness.store,
    stops: harness.stops,
    owners: OWNERS,
    storeTimeZone: 'UTC',
    extraRoutes: [
      ownerPages({
        store: harness.store,
        stops: harness.stops,
        owners,
        clock: harness.clock,
        storeTimeZone: 'UTC',
        cookieSecure: true,
        signOuts: createSqliteOwnerSignOuts(harness.db),
        ...pages,
      }),
    ],
  });
}

type App = ReturnType<typeof setup>;

async function addCart(app: App, id: string, cart: Record<string, unknown> = {}) {
  const body = JSON.stringify(cartEvent({ id: `evt_${id}`, cart: { id, ...cart } }));
  const res = await app.request('/events', signedRequest(SECRET, body, harness.clock.now()));
  expect(res.status).toBe(200);
}

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});

async function signIn(app: App, token = OWNER_TOKEN) {
  const res = await app.request('/owner/sign-in', form({ token }));
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  return { res, setCookie, cookie };
}

/** The CSRF token from a page's first form. */
async function csrfFrom(app: App, cookie: string, path: string) {
  const page = await (await app.request(path, { headers: { cookie } })).text();
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error(`no CSRF field on ${path}`);
  return match[1];
}

describe('owner pages: signing in', () => {
  it('sets an HttpOnly, SameSite=Strict, Secure session cookie that holds no raw token', async () => {
    const app = setup();
    const { res, setCookie, cookie } = await signIn(app);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/owner/carts');
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/owner/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).not.toContain(OWNER_TOKEN);
    expect(decodeURIComponent(setCookie)).not.toContain(OWNER_TOKEN);
    const page = await app.request('/owner/carts', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Signed in as <\/span><strong>sam<\/strong>/);
  });

  it('answers a wrong token with the form again and 401, and no cookie', async () => {
    const app = setup();
    const { res, setCookie } = await signIn(app, 'own_wrong_token');
    expect(res.status).toBe(401);
    expect(setCookie).toBe('');
    const page = await res.text();
    expect(page).toContain('name="token"');
    expect(page).toContain('not one of this store');
  });

  it('sends visitors without a session to the sign-in form', async () => {
    const app = setup();
    for (const path of ['/owner/carts', '/owner/carts/c_42', '/owner/summary']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe('/owner');
    }
    for (const path of ['/owner/', '/owner/sign-in']) {
      expect((await app.request(path)).headers.get('location'), path).toBe('/owner');
    }
    const form = await app.request('/owner');
    expect(await form.text()).toContain('action="/owner/sign-in"');
  });

  it('refuses an altered, forged or expired cookie, and one whose token was revoked', async () => {
    const app = setup();
    const { cookie } = await signIn(app);
    const [name = '', value = ''] = cookie.split('=');
    const [who = '', exp = '', sig = ''] = value.split('.');
    const altered = [
      `${name}=${Buffer.from('alex').toString('base64url')}.${exp}.${sig}`,
      `${name}=${who}.${Number(exp) + 3600}.${sig}`,
      `${name}=${who}.${exp}.${sig.slice(0, -2)}AA`,
      `${name}=${OWNER_TOKEN}`,
    ];
    for (const forged of altered) {
      const res = await app.request('/owner/carts', { headers: { cookie: forged } });
      expect(res.status, forged).toBe(303);
    }
    harness.clock.advance(13 * 60 * 60 * 1000);
    expect((await app.request('/owner/carts', { headers: { cookie } })).status).toBe(303);

    // Same store, same cookie, but the owner's token was rotated in CR_OWNERS.
    const rotated = appFor([{ name: 'sam', token: 'own_rotated_token_0123456789' }]);
    const fresh = await signIn(app);
    expect((await app.request('/owner/carts', { headers: { cookie: fresh.cookie } })).status).toBe(
      200,
    );
    expect(
      (await rotated.request('/owner/carts', { headers: { cookie: fresh.cookie } })).status,
    ).toBe(303);
  });
});

describe('owner pages: signing out', () => {
  it('needs the CSRF token, then clears the cookie; a signed-in visit to /owner goes to the carts', async () => {
    const app = setup();
    const { cookie } = await signIn(app);
    const home = await app.request('/owner', { headers: { cookie } });
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/owner/carts');
    expect((await app.request('/owner/sign-out', form({}, { cookie }))).status).toBe(403);
    const csrf = await csrfFrom(app, cookie, '/owner/carts');
    const out = await app.request('/owner/sign-out', form({ csrf }, { cookie }));
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });
});

describe('owner pages: the stops, guarded', () => {
  it('refuses a POST without the CSRF token (403) and changes nothing', async () => {
    const app = setup();
    await addCart(app, 'c_1');
    const { cookie } = await signIn(app);
    const res = await app.request(
      '/owner/carts/c_1/write-off',
      form({ reason: 'test order' }, { cookie }),
    );
    expect(res.status).toBe(403);
    const wrong = await app.request(
      '/owner/carts/c_1/suppress',
      form({ csrf: 'not-the-token' }, { cookie }),
    );
    expect(wrong.status).toBe(403);
    expect((await harness.store.get('c_1'))?.status).toBe('open');
    expect((await harness.store.auditFor('c_1')).map((r) => r.action)).not.toContain('write_off');
  });

  it('refuses a POST from another origin (403) even with a valid token', async () => {
    const app = setup();
    await addCart(app, 'c_1');
    const { cookie } = await signIn(app);
    const csrf = await csrfFrom(app, cookie, '/owner/carts/c_1');
    const res = await app.request(
      'http://localhost/owner/carts/c_1/suppress',
      form({ csrf }, { cookie, origin: 'https://evil.example' }),
    );
    expect(res.status).toBe(403);
    expect((await harness.store.get('c_1'))?.status).toBe('open');
    const signInElsewhere = await app.request(
      '/owner/sign-in',
      form({ token: OWNER_TOKEN }, { origin: 'null' }),
    );
    expect(signInElsewhere.status).toBe(403);
  });

  it("shows an open cart's next wake-up, a final cart's retention end, and a tombstone's removal", async () => {
    const app = setup();
    await addCart(app, 'c_1');
    const { cookie } = await signIn(app);
    const page = async () =>
      (await app.request('/owner/carts/c_1', { headers: { cookie } })).text();
    expect(await page()).toContain('<dt>Next wake-up</dt>');
    await harness.stops.writeOff('c_1', 'sam', 'test order');
    const closed = await page();
    expect(closed).toContain('<dt>Shopper data kept until</dt>');
    expect(closed).not.toContain('Next wake-up');
    const cart = await harness.store.get('c_1');
    if (cart === null) throw new Error('no cart');
    const at = harness.clock.now() + 90 * 24 * 3_600_000;
    await harness.store.save({
      cart: tombstoneOf(cart, at),
      expectedVersion: cart.version,
      audit: [],
    });
    const gone = await page();
    expect(gone).toContain('<dt>Shopper data</dt><dd>removed');
    expect(gone).not.toContain('sam@example.com');
  });

  it('writes a cart off through the form: the cart closes and the audit row names the owner', async () => {
    const app = setup();
    await addCart(app, 'c_1');
    const { cookie } = await signIn(app);
    const csrf = await csrfFrom(app, cookie, '/owner/carts/c_1');
    const res = await app.request(
      'http://localhost/owner/carts/c_1/write-off',
      form({ csrf, reason: 'test order' }, { cookie, origin: 'http://localhost' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/owner/carts/c_1?done=written_off');
    const cart = await harness.store.get('c_1');
    expect(cart?.status).toBe('closed');
    expect(cart?.closedReason).toBe('written_off');
    const row = (await harness.store.auditFor('c_1')).find((r) => r.action === 'write_off');
    expect(row).toMatchObject({ actor: 'sam', reason: 'test order' });
    const page = await (
      await app.request('/owner/carts/c_1?done=written_off', { headers: { cookie } })
    ).text();
    expect(page).toContain('written off by sam on the 23rd Nov 2026 at 08:00: test order');
    expect(page).toContain('Cart written off');
    expect(page).not.toContain('action="/owner/carts/c_1/write-off"');
  });

  it('unsubscribes the address and suppresses a cart, each with the owner as actor', async () => {
    const app = setup();
    await addCart(app, 'c_1', { email: 'ana@example.com' });
    await addCart(app, 'c_2');
    const { cookie } = await signIn(app);
    const csrf = await csrfFrom(app, cookie, '/owner/carts/c_1');
    const unsub = await app.request('/owner/carts/c_1/unsubscribe', form({ csrf }, { cookie }));
    expect(unsub.headers.get('location')).toBe('/owner/carts/c_1?done=unsubscribed');
    expect(await harness.unsubscribes.get('ana@example.com')).toMatchObject({ actor: 'sam' });
    const page = await (await app.request('/owner/carts/c_1', { headers: { cookie } })).text();
    expect(page).toContain('ana@example.com unsubscribed by sam');
    expect(page).not.toContain('/unsubscribe"');
    const sup = await app.request('/owner/carts/c_2/suppress', form({ csrf }, { cookie }));
    expect(sup.headers.get('location')).toBe('/owner/carts/c_2?done=suppressed');
    expect(await harness.store.get('c_2')).toMatchObject({
      status: 'closed',
      closedReason: 'suppressed',
    });
  });
});

describe('owner pages: what they show', () => {
  it('escapes a hostile item name on the day page and the cart page, under a no-script CSP', async () => {
    const app = setup();
    await addCart(app, 'c_x', {
      items: [{ sku: 'X', name: HOSTILE, quantity: 1, price: '84.50' }],
    });
    const { cookie } = await signIn(app);
    for (const path of ['/owner/carts', '/owner/carts/c_x']) {
      const page = await (await app.request(path, { headers: { cookie } })).text();
      expect(page, path).not.toContain(HOSTILE);
      expect(page, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const res = await app.request('/owner/carts/c_x', { headers: { cookie } });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('lists the day with counts and filters by status; unknown carts are a 404 page', async () => {
    const app = setup();
    await addCart(app, 'c_1');
    await addCart(app, 'c_2', { savedLink: true });
    await addCart(app, 'c_3');
    const { cookie } = await signIn(app);
    const csrf = await csrfFrom(app, cookie, '/owner/carts/c_3');
    await app.request('/owner/carts/c_3/suppress', form({ csrf }, { cookie }));
    const get = async (path: string) => (await app.request(path, { headers: { cookie } })).text();
    const day = await get('/owner/carts?day=2026-11-23');
    expect(day).toContain('3</strong> carts · 2 open · 0 bought · 1 closed');
    expect(day).toContain('saved link');
    const open = await get('/owner/carts?day=2026-11-23&status=closed');
    expect(open).toContain('href="/owner/carts/c_3"');
    expect(open).not.toContain('href="/owner/carts/c_1"');
    expect(await get('/owner/carts?day=2026-11-22')).toContain('No carts on this day.');
    expect((await app.request('/owner/carts?day=2026-13-01', { headers: { cookie } })).status).toBe(
      400,
    );
    const missing = await app.request('/owner/carts/c_nope', { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No cart c_nope');
    expect(await get('/owner/summary?month=2026-11')).toContain('not configured');
  });

  it('renders the summary HTML it is given, for the month asked', async () => {
    harness = makeTestApp();
    const app = appFor(OWNERS, {
      cookieSecure: false,
      summaryHtml: async (month) => html`<p class="made">summary of ${month}</p>`,
    });
    const { cookie } = await signIn(app);
    const page = await (
      await app.request('/owner/summary?month=2026-10', { headers: { cookie } })
    ).text();
    expect(page).toContain('<p class="made">summary of 2026-10</p>');
    const now = await (await app.request('/owner/summary', { headers: { cookie } })).text();
    expect(now).toContain('summary of 2026-11');
    expect(
      (await app.request('/owner/summary?month=2026-13', { headers: { cookie } })).status,
    ).toBe(400);
  });
});
