/**
 * The owner's find pages over app.request (issue 16): day pages and their cursors, search, and
 * the address page with its state and its CSRF-guarded unsubscribe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteOwnerSignOuts } from '../../src/adapters/sqlite/sqlite-owner-sign-outs.ts';
import { AuditAction } from '../../src/domain/audit.ts';
import { createApp } from '../../src/http/app.ts';
import { ownerPages } from '../../src/http/owner-pages.ts';
import { makeCart } from '../support/cart-fixtures.ts';
import { makeTestApp, OWNER_TOKEN, SECRET } from '../support/test-app.ts';

let harness: ReturnType<typeof makeTestApp>;
afterEach(() => harness?.close());

const DAY_START = Date.parse('2026-11-23T00:00:00Z');

function setup(withList = true) {
  harness = makeTestApp({ start: Date.parse('2026-11-23T20:00:00Z') });
  return createApp({
    ingest: harness.ingest,
    webhookSecret: SECRET,
    clock: harness.clock,
    store: harness.store,
    stops: harness.stops,
    owners: [{ name: 'sam', token: OWNER_TOKEN }],
    storeTimeZone: 'UTC',
    extraRoutes: [
      ownerPages({
        store: harness.store,
        stops: harness.stops,
        owners: [{ name: 'sam', token: OWNER_TOKEN }],
        clock: harness.clock,
        storeTimeZone: 'UTC',
        cookieSecure: false,
        signOuts: createSqliteOwnerSignOuts(harness.db),
        ...(withList ? { unsubscribes: harness.unsubscribes } : {}),
      }),
    ],
  });
}
type App = ReturnType<typeof setup>;

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function session(app: App) {
  const res = await app.request('/owner/sign-in', form({ token: OWNER_TOKEN }));
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await (await app.request('/owner/search', { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const get = async (path: string) => {
    const r = await app.request(path, { headers: { cookie } });
    return { status: r.status, text: await r.text() };
  };
  const post = async (path: string, fields: Record<string, string>) => {
    const init = form({ csrf, ...fields });
    const r = await app.request(path, { ...init, headers: { ...init.headers, cookie } });
    return { status: r.status, text: await r.text() };
  };
  return { get, post };
}

async function seed(count: number, email = (i: number) => `s${i}@example.com`) {
  for (let i = 0; i < count; i++) {
    const cart = makeCart({
      id: `c_${String(i).padStart(3, '0')}`,
      email: email(i),
      lastActivityAt: DAY_START + i * 60_000,
    });
    const saved = await harness.store.save({ cart, expectedVersion: null, audit: [] });
    expect(saved.kind).toBe('saved');
  }
}

const ids = (page: string) =>
  [...page.matchAll(/href="\/owner\/carts\/(c_\d+)"/g)].map((m) => m[1]);
const link = (page: string, rel: 'next' | 'prev') =>
  new RegExp(`<a class="btn ghost" href="([^"]+)" rel="${rel}">(?:Older|← Newer)`)
    .exec(page)?.[1]
    ?.replaceAll('&amp;', '&');

describe('the day page, a page at a time', () => {
  it('shows 100 carts, newest first, and links the older and newer pages', async () => {
    const app = setup();
    await seed(230);
    const s = await session(app);
    const first = await s.get('/owner/carts?day=2026-11-23');
    expect(first.text).toContain('<strong>230</strong> carts');
    expect(ids(first.text)).toHaveLength(100);
    expect(ids(first.text)[0]).toBe('c_229');
    expect(link(first.text, 'prev')).toBeUndefined();
    const second = await s.get(link(first.text, 'next') as string);
    expect(ids(second.text)[0]).toBe('c_129');
    const third = await s.get(link(second.text, 'next') as string);
    expect(ids(third.text)).toEqual(
      Array.from({ length: 30 }, (_, i) => `c_${String(29 - i).padStart(3, '0')}`),
    );
    expect(link(third.text, 'next')).toBeUndefined();
    const back = await s.get(link(third.text, 'prev') as string);
    expect(ids(back.text)).toEqual(ids(second.text));
  });

  it('answers 400 for a cursor it did not make', async () => {
    const app = setup();
    const s = await session(app);
    const res = await s.get('/owner/carts?day=2026-11-23&cursor=not-a-cursor');
    expect(res.status).toBe(400);
    expect(res.text).toContain('the cursor parameter is not a page of this list');
  });
});

describe('search', () => {
  it('finds an address in any case and offers its page; says when item names were not searched', async () => {
    const app = setup();
    await seed(5, (i) => (i === 3 ? 'ana@example.com' : `s${i}@example.com`));
    const s = await session(app);
    const found = await s.get('/owner/search?q=ANA%40Example.com');
    expect(ids(found.text)).toEqual(['c_003']);
    expect(found.text).toContain('name="email" value="ana@example.com"');
    const short = await s.get('/owner/search?q=c_');
    expect(short.text).toContain('Not searched: item names need at least 3 letters.');
  });
});

describe('the address page', () => {
  it('unsubscribes an address with no cart, refusing a form without the CSRF token', async () => {
    const app = setup();
    const s = await session(app);
    const page = await s.post('/owner/address', { email: 'Nobody@Example.com' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('No cart carries this address.');
    expect(page.text).toContain('Subscribed: reminders may reach this address.');

    const forged = await app.request(
      '/owner/address/unsubscribe',
      form({ email: 'nobody@example.com' }),
    );
    expect(forged.status).toBe(403);
    expect(await harness.unsubscribes.get('nobody@example.com')).toBeNull();

    const done = await s.post('/owner/address/unsubscribe', { email: 'nobody@example.com' });
    expect(done.text).toContain('Address unsubscribed');
    expect(done.text).toContain('Unsubscribed by sam on the 23rd Nov 2026 at 20:00.');
    expect(await harness.unsubscribes.get('nobody@example.com')).toMatchObject({ actor: 'sam' });
    const again = await s.post('/owner/address/unsubscribe', { email: 'nobody@example.com' });
    expect(again.text).toContain('already on the never-send list');
  });

  it('says a bounce or a complaint in words, from the list or else from the audit rows', async () => {
    for (const withList of [true, false]) {
      const app = setup(withList);
      await harness.unsubscribes.add(
        { email: 'b@example.com', kind: 'bounced', at: DAY_START + 3_600_000, actor: 'system' },
        {
          cartId: null,
          email: 'b@example.com',
          action: AuditAction.bounced,
          actor: 'system',
          at: DAY_START + 3_600_000,
          reason: null,
          detail: null,
          before: null,
          after: null,
        },
      );
      const s = await session(app);
      const page = await s.post('/owner/address', { email: 'b@example.com' });
      expect(page.text).toContain('Bounced on the 23rd Nov 2026 at 01:00');
      expect(page.text).not.toContain('Yes, unsubscribe');
      harness.close();
    }
  });

  it('answers 400 for something that is not an address', async () => {
    const app = setup();
    const s = await session(app);
    const res = await s.post('/owner/address', { email: 'not an address' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The address page needs an email address');
  });
});
