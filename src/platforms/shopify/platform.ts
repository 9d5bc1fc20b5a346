/**
 * Shopify on the store-platform seam: POST /webhooks/shopify takes Shopify's own checkouts/create,
 * checkouts/update and orders/create, verified by X-Shopify-Hmac-Sha256 over the raw body and
 * mapped onto the same cart events as POST /events. Without CR_SHOPIFY_SECRET the route answers
 * 404.
 */
import type { PlatformDelivery, PlatformLane, StorePlatform } from '../platform.ts';
import { parseShopifyJson } from './json.ts';
import { mapShopifyWebhook } from './mapping.ts';
import { verifyShopifyHmac } from './signature.ts';

/**
 * Shopify sends whole orders (addresses, tax and shipping lines, fulfilments): a real one with many
 * lines passes 64 KiB, and a refused webhook is retried for hours and then lost. This route alone
 * takes up to 512 KiB.
 */
export const MAX_SHOPIFY_BODY_BYTES = 512 * 1024;

function shopifyLane(secrets: readonly string[]): PlatformLane {
  return {
    verify(delivery: PlatformDelivery) {
      const mac = delivery.header('x-shopify-hmac-sha256');
      // Every secret is tried, so a rotation (old and new listed) loses no delivery.
      if (secrets.some((secret) => verifyShopifyHmac(delivery.body, mac, secret))) {
        return { ok: true };
      }
      return {
        ok: false,
        problem: {
          path: '(headers).x-shopify-hmac-sha256',
          problem: 'missing or does not match the body',
        },
      };
    },
    map(delivery: PlatformDelivery) {
      const mapped = mapShopifyWebhook({
        topic: delivery.header('x-shopify-topic'),
        eventId: delivery.header('x-shopify-event-id') ?? delivery.header('x-shopify-webhook-id'),
        triggeredAt: delivery.header('x-shopify-triggered-at'),
        // Not JSON.parse: Shopify's 64-bit ids would lose digits (see json.ts).
        body: delivery.json(parseShopifyJson),
      });
      switch (mapped.kind) {
        case 'event':
          return { kind: 'events', events: [mapped.event] };
        case 'ignored':
        case 'invalid':
          return mapped;
      }
    },
  };
}

export const shopify: StorePlatform = {
  name: 'shopify',
  title: 'Shopify',
  route: '/webhooks/shopify',
  maxBodyBytes: MAX_SHOPIFY_BODY_BYTES,
  secretVariable: 'CR_SHOPIFY_SECRET',
  eventIdPath: '(headers).x-shopify-event-id',
  settings: [],
  create: ({ secrets }) => shopifyLane(secrets),
};
