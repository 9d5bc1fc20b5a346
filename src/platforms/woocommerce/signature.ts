/**
 * `X-WC-Webhook-Signature`: base64 of HMAC-SHA256(webhook secret, raw body), as WooCommerce's
 * WC_Webhook::generate_signature computes it. Any configured secret passes, so a store can move
 * to a new secret webhook by webhook without losing a delivery. WooCommerce signs no timestamp,
 * so there is no replay window here: a replayed delivery is a duplicate by its delivery id.
 *
 * The one unsigned request let through is the ping WooCommerce posts when a webhook is saved
 * (body `webhook_id=<n>`, no signature): it must be answered 200 or the webhook shows an error,
 * and it maps to nothing (ignored), so letting it through stores nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PlatformDelivery, PlatformVerdict } from '../platform.ts';

const HEADER = 'x-wc-webhook-signature';
const PING = /^webhook_id=\d{1,20}$/;

export function signWooCommerceBody(secret: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** WooCommerce's save-time ping: its form body and no signature. */
export function isWooCommercePing(delivery: PlatformDelivery): boolean {
  if (delivery.header(HEADER) !== undefined || delivery.body.length > 32) return false;
  return PING.test(new TextDecoder().decode(delivery.body));
}

export function verifyWooCommerceSignature(
  delivery: PlatformDelivery,
  secrets: readonly string[],
): PlatformVerdict {
  if (isWooCommercePing(delivery)) return { ok: true };
  const header = delivery.header(HEADER)?.trim();
  const given =
    header && /^[A-Za-z0-9+/]{43}=$/.test(header) ? Buffer.from(header, 'base64') : null;
  // Every secret is tried, without stopping early: the time taken says nothing about which one.
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(delivery.body).digest();
    if (given !== null) matched = timingSafeEqual(given, expected) || matched;
  }
  return matched
    ? { ok: true }
    : {
        ok: false,
        problem: {
          path: '(headers).x-wc-webhook-signature',
          problem: 'is missing or does not match the body for any configured secret',
        },
      };
}
