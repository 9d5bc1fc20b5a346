import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../src/platforms/registry.ts';

describe('the Stripe and WooCommerce lanes in the platform registry', () => {
  it('are registered under the SPEC names (routes, secret and setting variables)', () => {
    const byName = new Map(PLATFORMS.map((p) => [p.name, p]));
    expect(byName.get('stripe')).toMatchObject({
      route: '/webhooks/stripe',
      secretVariable: 'CR_STRIPE_SECRET',
      settings: [{ variable: 'CR_STRIPE_API_KEY', secret: true }],
    });
    expect(byName.get('woocommerce')).toMatchObject({
      route: '/webhooks/woocommerce',
      secretVariable: 'CR_WOOCOMMERCE_SECRET',
      settings: [{ variable: 'CR_WOOCOMMERCE_CONSENT_META', secret: false }],
    });
  });

  it('every platform has its own route and secret variable', () => {
    expect(new Set(PLATFORMS.map((p) => p.route)).size).toBe(PLATFORMS.length);
    expect(new Set(PLATFORMS.map((p) => p.secretVariable)).size).toBe(PLATFORMS.length);
    for (const p of PLATFORMS) expect(p.route).toBe(`/webhooks/${p.name}`);
  });
});
