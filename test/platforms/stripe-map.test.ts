import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlatformDelivery, PlatformMapping } from '../../src/platforms/platform.ts';
import { fromStripeAmount } from '../../src/platforms/stripe/payload.ts';
import { stripePlatform } from '../../src/platforms/stripe/stripe-platform.ts';
import { type StripeStandIn, startStripeStandIn } from './stripe-standin.ts';

const KEY = 'rk_live_51QbT_readonly_sessions';
const A = 'cs_live_a1Qm7Zt3Kd9Xw2Lp5Rv8Bn4Hc6Jf0Gy1Ue3Ti7Oa9Ps2Dk5Lm';
const B = 'cs_live_b2Rn8Au4Le0Yx3Mq6Sw9Co5Id7Kg1Hz2Vf4Uj8Pb0Qt3El6Mn';
const RECOVERY = 'https://buy.stripe.com/r/live_YWNjdF8xUGZrM2xLcTRtUjdxOTJU';
const fixture = (name: string) => readFileSync(`test/fixtures/stripe/${name}.json`, 'utf8');

let standIn: StripeStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
  vi.restoreAllMocks();
});

function lane(settings: Record<string, string> = {}) {
  return stripePlatform.create({
    secrets: ['whsec_unused_here'],
    settings,
    storeHosts: [],
    ...(standIn ? { fetch: standIn.fetch } : {}),
  });
}
function delivery(body: string): PlatformDelivery {
  return {
    body: new TextEncoder().encode(body),
    header: () => undefined,
    receivedAt: 0,
    json: (parse = JSON.parse) => parse(body),
  };
}
async function events(mapping: Promise<PlatformMapping> | PlatformMapping) {
  const result = await mapping;
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  return result.events;
}

describe('Stripe Checkout mapping', () => {
  it('maps checkout.session.expired to an open cart with the recovery link and the API line items', async () => {
    standIn = await startStripeStandIn(KEY);
    const [event] = await events(
      lane({ CR_STRIPE_API_KEY: KEY }).map(delivery(fixture('session-expired'))),
    );
    expect(event).toEqual({
      id: 'stripe_evt_1QcA2bLkd8e3Wq2XexP1r9Km',
      type: 'cart.updated',
      occurredAt: Date.parse('2026-11-23T13:00:02Z'),
      orderId: null,
      cart: {
        id: `stripe_${A}`,
        email: 'dana.whitfield@example.com',
        currency: 'USD',
        totalMinor: 8450,
        items: [
          {
            sku: 'price_1QbS1aLkd8e3Wq2XsEn1',
            name: 'Sencha Kabusecha 100 g',
            quantity: 2,
            priceMinor: 1850,
            url: null,
            imageUrl: null,
          },
          {
            sku: 'price_1QbS2bLkd8e3Wq2XtEt2',
            name: 'Cast-iron tetsubin, 0.6 l',
            quantity: 1,
            priceMinor: 3600,
            url: null,
            imageUrl: null,
          },
          {
            sku: 'price_1QbS3cLkd8e3Wq2XbSc3',
            name: 'Bamboo tea scoop',
            quantity: 1,
            priceMinor: 600,
            url: null,
            imageUrl: null,
          },
        ],
        restoreUrl: RECOVERY,
        savedLink: false,
        timezone: null,
        consent: true,
      },
    });
  });

  it('without CR_STRIPE_API_KEY the cart holds one line for its total and nothing is fetched', async () => {
    const [event] = await events(lane().map(delivery(fixture('session-expired'))));
    expect(event?.cart.items).toEqual([
      {
        sku: 'stripe_checkout_total',
        name: 'Your order',
        quantity: 1,
        priceMinor: 8450,
        url: null,
        imageUrl: null,
      },
    ]);
  });

  it('keeps the cart, total only, and says so in the log when the API call fails', async () => {
    standIn = await startStripeStandIn(KEY);
    standIn.failWith(500);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const [event] = await events(
      lane({ CR_STRIPE_API_KEY: KEY }).map(delivery(fixture('session-expired'))),
    );
    expect(event?.cart).toMatchObject({
      id: `stripe_${A}`,
      totalMinor: 8450,
      restoreUrl: RECOVERY,
    });
    expect(event?.cart.items.map((item) => item.sku)).toEqual(['stripe_checkout_total']);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      new RegExp(`line items of ${A} unavailable.*answered 500`),
    );
  });

  it('an expired session without recovery has no restore link; customer_email stands in for the details', async () => {
    const [event] = await events(lane().map(delivery(fixture('session-expired-no-recovery'))));
    expect(event?.cart).toMatchObject({
      restoreUrl: null,
      email: 'lee.ortega@example.com',
      consent: null,
    });
  });

  it('checkout.session.completed is the purchase, aliased to the session it recovered', async () => {
    const [event] = await events(lane().map(delivery(fixture('session-completed-recovered'))));
    expect(event).toMatchObject({
      id: 'stripe_evt_1QcC5eLkd8e3Wq2XrQ4u2Np',
      type: 'cart.checked_out',
      orderId: B,
      cart: { id: `stripe_${B}`, email: 'dana.whitfield@example.com', totalMinor: 8450, items: [] },
      aliases: [`stripe_${A}`],
    });
  });

  it('checkout.session.async_payment_succeeded is a purchase too; a plain completion has no alias', async () => {
    const [late] = await events(lane().map(delivery(fixture('session-async-succeeded'))));
    expect(late).toMatchObject({ type: 'cart.checked_out', cart: { id: `stripe_${B}` } });
    const [plain] = await events(lane().map(delivery(fixture('session-completed'))));
    expect(plain).toMatchObject({ type: 'cart.checked_out', cart: { id: `stripe_${A}` } });
    expect(plain).not.toHaveProperty('aliases');
  });

  it('acknowledges and ignores an event type it does not use', async () => {
    expect(await lane().map(delivery(fixture('payment-intent-succeeded')))).toEqual({
      kind: 'ignored',
      reason: 'event type "payment_intent.succeeded" is not one we use',
    });
  });

  it('names every bad field of a session it cannot trust', async () => {
    const body = JSON.parse(fixture('session-expired'));
    body.data.object.amount_total = 84.5;
    body.data.object.currency = 'usdx';
    const mapped = await lane().map(delivery(JSON.stringify(body)));
    expect(mapped.kind).toBe('invalid');
    const paths = mapped.kind === 'invalid' ? mapped.details.map((d) => d.path) : [];
    expect(paths.sort()).toEqual(['data.object.amount_total', 'data.object.currency']);
  });

  it("reads Stripe's minor units: cents, zero-decimal yen, three-decimal dinar, two-decimal ISK", () => {
    expect(fromStripeAmount(8450, 'USD')).toBe(8450);
    expect(fromStripeAmount(5000, 'JPY')).toBe(5000);
    expect(fromStripeAmount(12340, 'KWD')).toBe(12340);
    // Stripe's 990000 ISK is 9 900 kr, which has no minor unit.
    expect(fromStripeAmount(990000, 'ISK')).toBe(9900);
  });
});
