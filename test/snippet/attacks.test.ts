/**
 * The attacks of "The public lanes cannot be turned against the store", replayed through the real
 * routes of a real local runtime (manual clock, recording mailer). Each test fails without the fix
 * it names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MailDeliveryError } from '../../src/ports/mailer.ts';
import { cartEvent } from '../support/signed-event.ts';
import {
  browserToken,
  cartIds,
  cartLinkTarget,
  cartOfMail,
  SNIPPET_KEY as KEY,
  linksIn,
  openSnippetRuntime,
  postSnippet,
  SHOP,
  shopCart,
  type TestRuntime,
} from '../support/snippet.ts';

const H = 3_600_000;
let rt: TestRuntime;
afterEach(async () => rt?.shutdown());

const PUBLIC = 'http://localhost:8787';

/** A forged request as curl sends it: the store's key from its page source, any Origin. */
function phishingCart(over: Record<string, unknown> = {}) {
  return shopCart({
    email: 'victim@example.com',
    consent: true,
    items: [
      {
        sku: 'GIFT',
        name: 'Your account is locked: verify now',
        quantity: 1,
        price: '59.00',
        url: `${SHOP}/p/gift`,
        imageUrl: `${SHOP}/i/gift.jpg`,
      },
    ],
    ...over,
  });
}

describe('phishing relay: links only to the store', () => {
  it.each([
    ['cart.restoreUrl', { restoreUrl: 'https://evil.example/login' }],
    [
      'cart.items[0].url',
      {
        items: [
          { sku: 'G', name: 'Gift', quantity: 1, price: '59.00', url: 'https://evil.example/g' },
        ],
      },
    ],
    [
      'cart.items[0].imageUrl',
      {
        items: [
          {
            sku: 'G',
            name: 'Gift',
            quantity: 1,
            price: '59.00',
            imageUrl: 'https://tracker.example/pixel.gif',
          },
        ],
      },
    ],
    ['cart.restoreUrl', { restoreUrl: 'https://shop.example.evil.example/cart' }],
    ['cart.restoreUrl', { restoreUrl: 'http://shop.example/cart' }],
  ])('refuses %s off the store hosts, stores nothing and mails nothing', async (path, over) => {
    rt = openSnippetRuntime();
    const res = await postSnippet(rt, {
      body: { key: KEY, token: browserToken(), cart: phishingCart(over) },
    });
    expect(res.status).toBe(400);
    expect(res.json.details?.map((d) => d.path)).toEqual([path]);
    expect(cartIds(rt)).toEqual([]);
    await rt.advance(2 * H);
    expect(rt.mailer.sent).toHaveLength(0);
  });

  it('a cart on the store hosts is mailed, and every link in the reminder leads to the store or to us', async () => {
    rt = openSnippetRuntime();
    expect(
      (await postSnippet(rt, { body: { key: KEY, token: browserToken(), cart: shopCart() } }))
        .status,
    ).toBe(200);
    await rt.advance(2 * H);
    const [mail] = rt.mailer.sent;
    if (mail === undefined) throw new Error('no reminder');
    for (const link of linksIn(mail)) expect([SHOP, PUBLIC]).toContain(new URL(link).origin);
    expect(await cartLinkTarget(rt, mail)).toBe(`${SHOP}/cart/c1`);
  });

  it('one client cannot make carts for many addresses: a burst, then a trickle', async () => {
    rt = openSnippetRuntime();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await postSnippet(rt, {
        ip: '198.51.100.7',
        body: {
          key: KEY,
          token: browserToken(),
          cart: phishingCart({ id: `c${i}`, email: `victim${i}@example.com` }),
        },
      });
      statuses.push(res.status);
    }
    // Before: 60 carts, 60 victims mailed. Now 5 new addresses per client network, then 429.
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(55);
    await rt.advance(2 * H);
    expect(new Set(rt.mailer.sent.map((m) => m.to)).size).toBe(5);
  });

  it('an IPv6 client is one client for its whole /64, and a forged X-Forwarded-For changes nothing', async () => {
    rt = openSnippetRuntime();
    let accepted = 0;
    for (let i = 0; i < 20; i++) {
      const res = await postSnippet(rt, {
        ip: `2001:db8:7:7::${(i + 1).toString(16)}`,
        forwardedFor: `192.0.2.${i}`,
        body: {
          key: KEY,
          token: browserToken(),
          cart: phishingCart({ id: `c${i}`, email: `v${i}@example.com` }),
        },
      });
      if (res.status === 200) accepted++;
    }
    expect(accepted).toBe(5);
  });

  it('behind a proxy named in CR_TRUST_PROXY, clients are told apart by X-Forwarded-For', async () => {
    rt = openSnippetRuntime({ CR_TRUST_PROXY: '10.0.0.0/8' });
    let accepted = 0;
    for (let i = 0; i < 20; i++) {
      const res = await postSnippet(rt, {
        ip: '10.0.0.2',
        // The client's own claim first, the proxy's record of it last.
        forwardedFor: `203.0.113.99, 198.51.100.${i % 2}`,
        body: {
          key: KEY,
          token: browserToken(),
          cart: phishingCart({ id: `c${i}`, email: `p${i}@example.com` }),
        },
      });
      if (res.status === 200) accepted++;
    }
    // Two clients behind the proxy, five new addresses each; not one client, not twenty.
    expect(accepted).toBe(10);
  });

  it('many clients cannot pass the daily cap of new addresses: the rest are kept, not mailed, and audited', async () => {
    rt = openSnippetRuntime({ CR_SNIPPET_DAILY_CAP: '20' });
    const ids: string[] = [];
    for (let client = 0; client < 10; client++) {
      for (let i = 0; i < 60; i++) {
        const res = await postSnippet(rt, {
          ip: `198.51.${client}.${i}`,
          body: {
            key: KEY,
            token: browserToken(),
            cart: phishingCart({ id: `c${i}`, email: `v${client}-${i}@example.com` }),
          },
        });
        if (res.json.cart) ids.push(res.json.cart.id);
      }
    }
    // Distinct /32s each: every client's first 5 addresses get in, 600 would without a budget.
    expect(ids.length).toBeGreaterThan(20);
    await rt.advance(2 * H);
    expect(new Set(rt.mailer.sent.map((m) => m.to)).size).toBe(20);
    let capped = 0;
    for (const id of ids) {
      const rows = await rt.store.auditFor(id);
      if (rows.some((r) => r.action === 'skipped' && r.reason === 'snippet_daily_cap')) capped++;
    }
    expect(capped).toBe(ids.length - 20);
    // Every cart is still on record for the owner.
    expect(cartIds(rt)).toHaveLength(ids.length);
  });

  it('the cap counts new addresses: a shopper already mailed is mailed again on a full day', async () => {
    rt = openSnippetRuntime({
      CR_SNIPPET_DAILY_CAP: '1',
      CR_CADENCE: '1h',
      CR_GIVE_UP_AFTER: '2d',
    });
    const shopper = browserToken();
    await postSnippet(rt, { body: { key: KEY, token: shopper, cart: shopCart() } });
    await rt.advance(2 * H);
    expect(rt.mailer.sent.map((m) => m.to)).toEqual(['sam@example.com']);
    // The next day a stranger takes the one new place first; Sam's next cart is still mailed.
    await rt.advance(22 * H, H);
    await postSnippet(rt, {
      ip: '198.51.100.200',
      body: { key: KEY, token: browserToken(), cart: shopCart({ email: 'new@example.com' }) },
    });
    await rt.advance(2 * H);
    await postSnippet(rt, { body: { key: KEY, token: shopper, cart: shopCart({ id: 'c2' }) } });
    await postSnippet(rt, {
      ip: '198.51.100.201',
      body: { key: KEY, token: browserToken(), cart: shopCart({ email: 'third@example.com' }) },
    });
    await rt.advance(2 * H);
    expect(rt.mailer.sent.map((m) => m.to)).toEqual([
      'sam@example.com',
      'new@example.com',
      'sam@example.com',
    ]);
  });
});

describe('hijack: carts belong to the browser that made them', () => {
  async function victimCart() {
    const token = browserToken();
    const res = await postSnippet(rt, { body: { key: KEY, token, cart: shopCart() } });
    expect(res.status).toBe(200);
    return { token, id: res.json.cart?.id ?? '' };
  }

  it('another browser sending the same store cart id writes a row of its own', async () => {
    rt = openSnippetRuntime();
    const victim = await victimCart();
    const attacker = await postSnippet(rt, {
      ip: '198.51.100.66',
      body: {
        key: KEY,
        token: browserToken(),
        cart: shopCart({ email: 'attacker@example.com', restoreUrl: `${SHOP}/cart/evil` }),
      },
    });
    expect(attacker.status).toBe(200);
    expect(attacker.json.cart?.id).not.toBe(victim.id);
    expect(await rt.store.get(victim.id)).toMatchObject({
      email: 'sam@example.com',
      restoreUrl: `${SHOP}/cart/c1`,
    });
  });

  it('a row id read off a page or a header names nothing: without the token there is no write', async () => {
    rt = openSnippetRuntime();
    const victim = await victimCart();
    for (const body of [
      { key: KEY, cart: shopCart({ id: victim.id, email: 'attacker@example.com' }) },
      {
        key: KEY,
        token: browserToken(),
        cart: shopCart({ id: victim.id, email: 'attacker@example.com' }),
      },
    ]) {
      await postSnippet(rt, { ip: '198.51.100.66', body });
    }
    expect((await rt.store.get(victim.id))?.email).toBe('sam@example.com');
    expect(cartIds(rt).filter((id) => id === victim.id)).toHaveLength(1);
  });

  it("once reminded, even the browser's own token cannot re-point the address or the link", async () => {
    rt = openSnippetRuntime();
    const victim = await victimCart();
    await rt.advance(2 * H);
    const [first] = rt.mailer.sent;
    if (first === undefined) throw new Error('no first reminder');
    expect(first.to).toBe('sam@example.com');
    const before = await cartLinkTarget(rt, first);

    // A stolen token (a shared computer, a leaked log): the same browser's word, after the mail.
    const hijack = await postSnippet(rt, {
      ip: '198.51.100.66',
      body: {
        key: KEY,
        token: victim.token,
        cart: shopCart({
          email: 'attacker@example.com',
          restoreUrl: `${SHOP}/account/delete`,
          total: '118.00',
          items: [{ sku: 'SHIRT', name: 'Linen shirt', quantity: 2, price: '59.00' }],
        }),
      },
    });
    expect(hijack.status).toBe(200);
    expect(hijack.json.ignored?.map((i) => i.path)).toEqual(['cart.email', 'cart.restoreUrl']);
    const row = await rt.store.get(victim.id);
    expect(row).toMatchObject({
      email: 'sam@example.com',
      restoreUrl: `${SHOP}/cart/c1`,
      knownEmails: ['sam@example.com'],
      totalMinor: 11800, // the cart itself still changes: the shopper may keep shopping
    });

    await rt.advance(25 * H, 10 * 60_000);
    const second = rt.mailer.sent[1];
    if (second === undefined) throw new Error('no second reminder');
    expect(second.to).toBe('sam@example.com');
    expect(await cartOfMail(rt, second.messageId)).toBe(victim.id);
    expect(await cartLinkTarget(rt, first)).toBe(before);
    expect(await cartLinkTarget(rt, second)).toBe(`${SHOP}/cart/c1`);
  });

  it('before any reminder, the browser may still correct its address', async () => {
    rt = openSnippetRuntime();
    const victim = await victimCart();
    const fix = await postSnippet(rt, {
      body: { key: KEY, token: victim.token, cart: shopCart({ email: 'sam.fixed@example.com' }) },
    });
    expect(fix.json.ignored).toBeUndefined();
    expect((await rt.store.get(victim.id))?.email).toBe('sam.fixed@example.com');
  });
});

describe('self-inflicted pause: the browser lane pauses itself, never the signed lanes', () => {
  it("ten snippet carts to dead addresses hold the snippet's reminders, not a real shopper's", async () => {
    rt = openSnippetRuntime({ CR_REPORT_TO: 'owner@shop.example' });
    for (let i = 0; i < 10; i++) {
      await postSnippet(rt, {
        ip: `198.51.100.${i}`,
        body: {
          key: KEY,
          token: browserToken(),
          cart: shopCart({ email: `dead${i}@example.com` }),
        },
      });
    }
    rt.mailer.failWith = new MailDeliveryError('550 5.1.1 no such user', {
      permanent: true,
      kind: 'rejected',
      responseCode: 550,
    });
    await rt.advance(H + 5 * 60_000);
    rt.mailer.failWith = null;
    expect(await rt.unsubscribes.get('dead0@example.com')).toMatchObject({ kind: 'bounced' });

    // A real shopper through the store's signed webhook, and a real one through the snippet.
    const now = new Date(rt.clock.now()).toISOString();
    await rt.post(cartEvent({ occurredAt: now, cart: { id: 'real', email: 'real@example.com' } }));
    await postSnippet(rt, {
      ip: '198.51.100.50',
      body: { key: KEY, token: browserToken(), cart: shopCart({ email: 'web@example.com' }) },
    });
    await rt.advance(2 * H);

    const to = rt.mailer.sent.map((m) => m.to);
    expect(to).toContain('real@example.com');
    expect(to).not.toContain('web@example.com');
    const held = (await rt.store.auditFor('real')).filter((r) => r.action === 'reminder_held');
    expect(held).toEqual([]);
    const status = await rt.senderHealth.status();
    expect(status.health.verdict).toBe('ok');
    expect(status.browserLane).toMatchObject({ bounced: 10, health: { verdict: 'hold' } });
    // The owner heard that the snippet's reminders, and only those, are on hold.
    expect(rt.mailer.sent.find((m) => m.to === 'owner@shop.example')?.subject).toMatch(
      /storefront-snippet reminders are on hold/,
    );
  });
});
