import { describe, expect, it } from 'vitest';
import type { PlatformDelivery } from '../platform.ts';
import { PLATFORMS } from '../registry.ts';
import { shopify } from './platform.ts';
import { signShopifyBody } from './signature.ts';

const body = '{"token":"t1"}';

function delivery(headers: Record<string, string>, text = body): PlatformDelivery {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    body: new TextEncoder().encode(text),
    header: (name) => lower[name.toLowerCase()],
    receivedAt: 0,
    json: () => JSON.parse(text),
  };
}

describe('Shopify on the seam', () => {
  it('is registered under the SPEC names', () => {
    expect(PLATFORMS).toContain(shopify);
    expect(shopify).toMatchObject({
      name: 'shopify',
      route: '/webhooks/shopify',
      secretVariable: 'CR_SHOPIFY_SECRET',
      maxBodyBytes: 512 * 1024,
    });
  });

  it('verifies with any of its secrets, so a rotation loses no delivery', () => {
    const lane = shopify.create({
      secrets: ['old_secret', 'new_secret'],
      settings: {},
      storeHosts: [],
    });
    for (const secret of ['old_secret', 'new_secret']) {
      const signed = delivery({ 'X-Shopify-Hmac-Sha256': signShopifyBody(body, secret) });
      expect(lane.verify(signed)).toEqual({ ok: true });
    }
    const other = delivery({ 'X-Shopify-Hmac-Sha256': signShopifyBody(body, 'someone_else') });
    expect(lane.verify(other)).toEqual({
      ok: false,
      problem: {
        path: '(headers).x-shopify-hmac-sha256',
        problem: 'missing or does not match the body',
      },
    });
  });

  it('maps a topic it does not use to ignored, and one without a topic to invalid', async () => {
    const lane = shopify.create({ secrets: ['s'], settings: {}, storeHosts: [] });
    expect(await lane.map(delivery({ 'X-Shopify-Topic': 'products/update' }))).toEqual({
      kind: 'ignored',
      reason: 'topic "products/update" is not one we use',
    });
    expect(await lane.map(delivery({}))).toMatchObject({ kind: 'invalid' });
  });
});
