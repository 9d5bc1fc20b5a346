import { afterEach, describe, expect, it } from 'vitest';
import { createStripeApi, StripeApiError } from '../../src/platforms/stripe/api.ts';
import { type StripeStandIn, startStripeStandIn } from './stripe-standin.ts';

const KEY = 'rk_live_51QbT_readonly_sessions';
const SESSION = 'cs_live_a1Qm7Zt3Kd9Xw2Lp5Rv8Bn4Hc6Jf0Gy1Ue3Ti7Oa9Ps2Dk5Lm';
let standIn: StripeStandIn;
afterEach(async () => standIn?.close());

describe('Stripe line items client', () => {
  it('pages through has_more with starting_after, sending the key as a bearer token', async () => {
    standIn = await startStripeStandIn(KEY);
    const api = createStripeApi({ apiKey: KEY, fetch: standIn.fetch });
    const items = await api.lineItems(SESSION);
    expect(items.map((item) => [item.description, item.quantity, item.price?.unit_amount])).toEqual(
      [
        ['Sencha Kabusecha 100 g', 2, 1850],
        ['Cast-iron tetsubin, 0.6 l', 1, 3600],
        ['Bamboo tea scoop', 1, 600],
      ],
    );
    const path = `/v1/checkout/sessions/${SESSION}/line_items`;
    expect(standIn.requests).toEqual([
      { method: 'GET', path, query: { limit: '100' }, authorization: `Bearer ${KEY}` },
      {
        method: 'GET',
        path,
        query: { limit: '100', starting_after: 'li_1QbT2sLkd8e3Wq2XcZp2' },
        authorization: `Bearer ${KEY}`,
      },
    ]);
  });

  it("throws a StripeApiError naming the call and Stripe's answer when the key is refused", async () => {
    standIn = await startStripeStandIn('rk_live_another_key');
    const api = createStripeApi({ apiKey: KEY, fetch: standIn.fetch });
    const failure = api.lineItems(SESSION);
    await expect(failure).rejects.toBeInstanceOf(StripeApiError);
    await expect(failure).rejects.toThrow(/line_items answered 401: .*Invalid API Key/);
  });

  it('throws a StripeApiError with the cause when Stripe cannot be reached', async () => {
    standIn = await startStripeStandIn(KEY);
    await standIn.close();
    const api = createStripeApi({ apiKey: KEY, fetch: standIn.fetch });
    const error = await api.lineItems(SESSION).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StripeApiError);
    expect((error as Error).cause).toBeDefined();
    standIn = await startStripeStandIn(KEY);
  });
});
