/**
 * WooCommerce at POST /webhooks/woocommerce: order.created / order.updated webhooks, verified by
 * X-WC-Webhook-Signature against CR_WOOCOMMERCE_SECRET (comma-separated: any one verifies).
 */
import { parseLosslessJson } from '../mapping-kit.ts';
import type { PlatformLane, PlatformOptions, StorePlatform } from '../platform.ts';
import { mapWooCommerceDelivery } from './map.ts';
import { isWooCommercePing, verifyWooCommerceSignature } from './signature.ts';

export const WOOCOMMERCE_CONSENT_META = 'CR_WOOCOMMERCE_CONSENT_META';

export const wooCommercePlatform: StorePlatform = {
  name: 'woocommerce',
  title: 'WooCommerce',
  route: '/webhooks/woocommerce',
  // The body is the whole order (addresses, meta data, tax and shipping lines): a large one passes
  // 64 KiB, and WooCommerce does not retry a refused delivery, so the bound is Shopify's.
  maxBodyBytes: 512 * 1024,
  secretVariable: 'CR_WOOCOMMERCE_SECRET',
  // Part of the event id (map.ts), so a 409 names it.
  eventIdPath: '(headers).x-wc-webhook-delivery-id',
  settings: [
    {
      variable: WOOCOMMERCE_CONSENT_META,
      doc: 'The order meta key holding the shopper\'s marketing consent ("yes"/"no", 1/0, true/false); unset: consent unknown',
      secret: false,
    },
  ],
  create(options: PlatformOptions): PlatformLane {
    const deps = {
      consentMetaKey: options.settings[WOOCOMMERCE_CONSENT_META]?.trim() || undefined,
    };
    return {
      verify: (delivery) => verifyWooCommerceSignature(delivery, options.secrets),
      map: (delivery) => {
        if (isWooCommercePing(delivery)) {
          return { kind: 'ignored', reason: 'WooCommerce delivery ping' };
        }
        return mapWooCommerceDelivery(
          {
            topic: delivery.header('x-wc-webhook-topic'),
            deliveryId: delivery.header('x-wc-webhook-delivery-id'),
            // WooCommerce's ids are integers: past 2^53 JSON.parse would round them.
            body: delivery.json(parseLosslessJson),
          },
          deps,
        );
      },
    };
  },
};
