/**
 * Shopify conformance: payloads shaped as Shopify's webhook reference documents them (API 2026-07,
 * and the older versions a store may still be pinned to), posted through the real route with real
 * signatures, in both delivery orders, repeated, and retried hours late; then the waiter runs the
 * whole cadence. The promise under test is the issue's: a shopper who paid never gets a reminder,
 * whichever id the order links its checkout by, and no documented payload is refused.
 *
 * Each case also runs without its order (the control): the same checkout is reminded, so "no
 * reminder after the order" is the order's doing, not a checkout that could never be mailed.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { signShopifyBody } from '../../src/platforms/shopify/signature.ts';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';

const SECRET = 'shpss_conformance_secret_0123456789';
const SECOND = 1000;
const HOUR = 3_600_000;
/** The checkouts' last update in every fixture (10:00 at UTC-4); each order is paid 1 s later. */
const T0 = Date.parse('2026-07-14T14:00:00Z');
const ENV = {
  CR_SHOPIFY_SECRET: SECRET,
  CR_CADENCE: '2s,4s,6s',
  CR_GIVE_UP_AFTER: '20s',
  CR_QUIET_HOURS: 'off',
  CR_FREQUENCY_CAP: 'off',
};
/** Long enough for every step of the cadence and the give-up after it. */
const WHOLE_CADENCE = 25 * SECOND;

const text = (name: string) =>
  readFileSync(new URL(`../fixtures/shopify/conformance/${name}.json`, import.meta.url), 'utf8');

interface Case {
  readonly name: string;
  /** X-Shopify-API-Version the fixtures are shaped by. */
  readonly api: string;
  /** checkouts/create, then checkouts/update for any that follow. */
  readonly checkouts: readonly string[];
  readonly order: string;
  readonly email: string;
  /** The order's id exactly as its fixture writes it, a bare JSON number. */
  readonly orderId: string;
  /** The row both sides end on: whichever side arrives first names it. */
  readonly row: { readonly checkoutFirst: string; readonly orderFirst: string };
  readonly cart: { readonly currency: string; readonly total: string; readonly consent: boolean };
  /** Reminders the checkout gets when no order comes (the control). */
  readonly alone: number;
  readonly env?: Readonly<Record<string, string>>;
}

const CASES: readonly Case[] = [
  {
    name: 'linked only by checkout_token; checkout without id; Shopify’s sample order id',
    api: '2026-07',
    checkouts: ['token-only.checkout'],
    order: 'token-only.order',
    email: 'rosa.delgado@example.com',
    orderId: '820982911946154508',
    row: {
      checkoutFirst: 'shopify_4c1e8b0d2a9f47c6b3e5d7a1f0c2e9b8',
      orderFirst: 'shopify_4c1e8b0d2a9f47c6b3e5d7a1f0c2e9b8',
    },
    cart: { currency: 'USD', total: '38.88', consent: true },
    alone: 3,
  },
  {
    name: 'linked only by cart_token (a "?key=" token, hashed alike on both sides)',
    api: '2026-07',
    checkouts: ['cart-token-only.checkout'],
    order: 'cart-token-only.order',
    email: 'kofi.mensah@example.com',
    orderId: '7340032914522871809',
    row: {
      checkoutFirst: 'shopify_9a7e3c1b5d0f42e8a6c4b2d0e8f6a4c2',
      orderFirst: 'shopify_h_',
    },
    cart: { currency: 'USD', total: '40.50', consent: false },
    alone: 3,
  },
  {
    name: 'linked only by checkout_id, Shopify’s sample checkout id (API 2026-01)',
    api: '2026-01',
    checkouts: ['checkout-id-only.checkout'],
    order: 'checkout-id-only.order',
    email: 'mei.tanaka@example.com',
    orderId: '6918273645501928374',
    row: {
      checkoutFirst: 'shopify_c3b1a9f7e5d34b2a0c8e6f4d2b0a9e7c',
      orderFirst: 'shopify_checkout_981820079255243537',
    },
    cart: { currency: 'USD', total: '25.92', consent: true },
    alone: 3,
  },
  {
    name: 'EUR, every link, a subscribed consent record over an unticked box (API 2024-10)',
    api: '2024-10',
    checkouts: ['eur-consent-record.checkout'],
    order: 'eur-consent-record.order',
    email: 'jonas.becker@example.com',
    orderId: '6918273645501928404',
    row: {
      checkoutFirst: 'shopify_e1d9c7b5a3f14e0d8c6b4a2f0e9d7c5b',
      orderFirst: 'shopify_e1d9c7b5a3f14e0d8c6b4a2f0e9d7c5b',
    },
    cart: { currency: 'EUR', total: '39.90', consent: true },
    alone: 3,
    env: { CR_REQUIRE_CONSENT: 'true' },
  },
  {
    name: 'JPY, "1500" on the checkout and "1500.00" on the order',
    api: '2026-07',
    checkouts: ['jpy.checkout'],
    order: 'jpy.order',
    email: 'haruto.sato@example.com',
    orderId: '6918273645501928405',
    row: {
      checkoutFirst: 'shopify_a5f3d1b9c7e54a3f1d9b7c5e3a1f9d7b',
      orderFirst: 'shopify_a5f3d1b9c7e54a3f1d9b7c5e3a1f9d7b',
    },
    cart: { currency: 'JPY', total: '4500', consent: true },
    alone: 3,
  },
  {
    name: 'a first checkout with email "" and no line items, then the update, then the order',
    api: '2026-07',
    checkouts: ['empty-email-no-items.checkout-create', 'empty-email-no-items.checkout-update'],
    order: 'empty-email-no-items.order',
    email: 'ines.moreau@example.com',
    orderId: '6918273645501928406',
    row: {
      checkoutFirst: 'shopify_b2e0c8a6f4d24b0e8c6a4f2d0b8e6c4a',
      orderFirst: 'shopify_b2e0c8a6f4d24b0e8c6a4f2d0b8e6c4a',
    },
    cart: { currency: 'USD', total: '28.08', consent: true },
    alone: 3,
  },
  {
    name: 'a consent record still pending double opt-in, box ticked (API 2024-10)',
    api: '2024-10',
    checkouts: ['pending-consent.checkout'],
    order: 'pending-consent.order',
    email: 'priya.nair@example.com',
    orderId: '6918273645501928407',
    row: {
      checkoutFirst: 'shopify_d4c2b0a8e6f44d2c0b8a6e4f2d0c8b6a',
      orderFirst: 'shopify_d4c2b0a8e6f44d2c0b8a6e4f2d0c8b6a',
    },
    cart: { currency: 'USD', total: '47.52', consent: false },
    alone: 0,
    env: { CR_REQUIRE_CONSENT: 'true' },
  },
  {
    name: 'paid in a second checkout of the same cart, whose own webhooks never came',
    api: '2026-07',
    checkouts: ['second-checkout.checkout'],
    order: 'second-checkout.order',
    email: 'sam.okafor@example.com',
    orderId: '6918273645501928408',
    row: {
      checkoutFirst: 'shopify_f6e4d2c0b8a64f6e4d2c0b8a6f4e2d0c',
      // The order names checkout B by its token; checkout A then finds that row by its cart token.
      orderFirst: 'shopify_0c2e4f6a8b0d42c4e6f8a0b2d4f6a8c0',
    },
    cart: { currency: 'USD', total: '103.68', consent: true },
    alone: 3,
  },
];

interface Delivery {
  readonly topic: string;
  readonly body: string;
  readonly eventId: string;
}

interface Answer {
  readonly status: number;
  readonly json: {
    readonly cart?: { readonly id: string; readonly status: string };
    readonly duplicate?: boolean;
  };
}

let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

function open(c: Case) {
  rt = openTestRuntime({ ...ENV, ...c.env }, T0);
  return rt;
}

/** As Shopify posts it: the raw body, its HMAC, and Shopify's headers (event id optional). */
async function deliver(
  c: Case,
  { topic, body, eventId }: Delivery,
  withId = true,
): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-hmac-sha256': signShopifyBody(body, SECRET),
    'x-shopify-shop-domain': 'tidewater-goods.myshopify.com',
    'x-shopify-api-version': c.api,
    'x-shopify-triggered-at': new Date(rt.clock.now()).toISOString(),
  };
  if (withId) {
    headers['x-shopify-event-id'] = eventId;
    headers['x-shopify-webhook-id'] = eventId;
  }
  const res = await rt.app.request('/webhooks/shopify', { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as Answer['json'] };
}

function deliveries(c: Case): { checkouts: Delivery[]; order: Delivery } {
  return {
    checkouts: c.checkouts.map((name, index) => ({
      topic: index === 0 ? 'checkouts/create' : 'checkouts/update',
      body: text(name),
      eventId: randomUUID(),
    })),
    order: { topic: 'orders/create', body: text(c.order), eventId: randomUUID() },
  };
}

const remindersTo = (email: string) => rt.mailer.sent.filter((mail) => mail.to === email);

async function ownerView(id: string) {
  const res = await rt.app.request(`/owner/api/carts/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${RT_OWNER}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    cart: { id: string; status: string; currency: string; total: string };
    audit: Array<{ action: string; detail: Record<string, unknown> | null }>;
  };
}

function expectRow(answer: Answer, row: string) {
  expect(answer.status).toBe(200);
  const id = answer.json.cart?.id ?? '';
  // A "?key=" cart token cannot be an id: the row is named by its hash, the same on both sides.
  if (row === 'shopify_h_') expect(id).toMatch(/^shopify_h_[0-9a-f]{40}$/);
  else expect(id).toBe(row);
  return id;
}

describe.each(CASES)('Shopify conformance: $name', (c) => {
  it('the fixture writes its ids as bare JSON numbers, as Shopify does', () => {
    expect(text(c.order)).toMatch(new RegExp(`\\n  "id": ${c.orderId},\\n`));
  });

  it.each([
    ['checkout first', 'checkoutFirst'],
    ['order first', 'orderFirst'],
  ] as const)(
    '%s: one bought row, no reminder ever, ids digit for digit',
    async (_label, first) => {
      open(c);
      const { checkouts, order } = deliveries(c);
      const answers: Answer[] = [];
      if (first === 'checkoutFirst') {
        for (const delivery of checkouts) answers.push(await deliver(c, delivery));
        await rt.advance(SECOND, SECOND);
        answers.push(await deliver(c, order));
      } else {
        await rt.advance(SECOND, SECOND);
        answers.push(await deliver(c, order));
        for (const delivery of checkouts) answers.push(await deliver(c, delivery));
      }
      // Every delivery reaches the same row, whichever id it names the cart by.
      const row = expectRow(answers[0] as Answer, c.row[first]);
      for (const answer of answers)
        expect(answer).toMatchObject({ status: 200, json: { cart: { id: row } } });
      expect(answers.at(-1)?.json).toEqual({
        cart: { id: row, status: 'bought' },
        duplicate: false,
      });

      // Shopify delivers at least once: the same event ids again are duplicates.
      for (const delivery of [...checkouts, order]) {
        expect(await deliver(c, delivery)).toEqual({
          status: 200,
          json: { cart: { id: row, status: 'bought' }, duplicate: true },
        });
      }

      await rt.advance(WHOLE_CADENCE, SECOND);
      expect(remindersTo(c.email)).toEqual([]);

      // Hours later, Shopify retries the first checkout with its original body: under its event id
      // a duplicate, and without one still older than the row, so nothing moves.
      rt.clock.set(rt.clock.now() + 4 * HOUR);
      const late = checkouts[0] as Delivery;
      expect((await deliver(c, late)).json).toEqual({
        cart: { id: row, status: 'bought' },
        duplicate: true,
      });
      expect(await deliver(c, late, false)).toMatchObject({
        status: 200,
        json: { cart: { id: row, status: 'bought' } },
      });
      await rt.advance(WHOLE_CADENCE, SECOND);
      expect(remindersTo(c.email)).toEqual([]);
      expect(rt.mailer.sent).toEqual([]);

      const stored = await rt.store.get(row);
      expect(stored).toMatchObject({
        status: 'bought',
        orderId: c.orderId,
        email: c.email,
        currency: c.cart.currency,
        consent: c.cart.consent,
      });
      const view = await ownerView(row);
      expect(view.cart).toMatchObject({ id: row, status: 'bought', total: c.cart.total });
      const checkoutsAudited = view.audit.filter((entry) => entry.action === 'checkout');
      expect(checkoutsAudited.length).toBeGreaterThan(0);
      for (const entry of checkoutsAudited) expect(entry.detail?.orderId).toBe(c.orderId);
    },
  );

  it(`control: with no order, the checkout gets ${c.alone} reminder(s)`, async () => {
    open(c);
    const { checkouts } = deliveries(c);
    for (const delivery of checkouts) {
      expectRow(await deliver(c, delivery), c.row.checkoutFirst);
    }
    await rt.advance(WHOLE_CADENCE, SECOND);
    expect(remindersTo(c.email)).toHaveLength(c.alone);
    expect((await rt.store.get(c.row.checkoutFirst))?.status).not.toBe('bought');
  });
});

describe('Shopify conformance: before the shopper types anything', () => {
  it('a checkout with email "" and no line items is kept, with no address and no items', async () => {
    const c = CASES.find((each) => each.checkouts.length > 1) as Case;
    open(c);
    const first = deliveries(c).checkouts[0] as Delivery;
    const row = expectRow(await deliver(c, first), c.row.checkoutFirst);
    expect(await rt.store.get(row)).toMatchObject({ email: null, items: [], totalMinor: 0 });
    await rt.advance(WHOLE_CADENCE, SECOND);
    expect(rt.mailer.sent).toEqual([]);
  });
});
