import { describe, expect, it } from 'vitest';
import type { StorePlatform } from '../src/platforms/platform.ts';
import { shopify } from '../src/platforms/shopify/platform.ts';
import { secretDescription } from './secrets.ts';

const withKey: StorePlatform = {
  ...shopify,
  name: 'acme',
  route: '/webhooks/acme',
  secretVariable: 'CR_ACME_SECRET',
  settings: [
    { variable: 'CR_ACME_API_KEY', doc: 'read-only key', secret: true },
    { variable: 'CR_ACME_REGION', doc: 'region', secret: false },
  ],
};

describe('the one JSON secret lists every platform field from the registry', () => {
  it('names Shopify’s field as deployed stacks have it', () => {
    expect(secretDescription()).toBe(
      'cart-recovery secrets as JSON: seed (generated), and optionally webhook, links, ' +
        'owners {"<name>":"<token>"}, shopify, google (the service account key)',
    );
  });

  it('adds a platform’s webhook secret and its secret settings, never its plain ones', () => {
    const description = secretDescription([shopify, withKey]);
    expect(description).toContain('shopify, acme, acme_api_key, google');
    expect(description).not.toContain('region');
  });
});
