/**
 * Shopify signs each webhook with `X-Shopify-Hmac-Sha256`: base64 of HMAC-SHA256(secret, raw body).
 * The MAC covers the exact bytes Shopify sent, so the caller must pass the body before any JSON
 * parsing or re-encoding. There is no timestamp inside the MAC: replays are caught by event-id
 * de-duplication instead (see shopify.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SHA256_BYTES = 32;
// Strict base64: Buffer.from(..., 'base64') silently skips junk characters, which would let a
// mangled header decode to something of the right length.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function signShopifyBody(rawBody: Uint8Array | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function verifyShopifyHmac(
  rawBody: Uint8Array | string,
  headerValue: string | undefined,
  secret: string,
): boolean {
  if (headerValue === undefined) return false;
  const candidate = headerValue.trim();
  if (candidate === '' || !BASE64.test(candidate)) return false;
  const given = Buffer.from(candidate, 'base64');
  if (given.length !== SHA256_BYTES) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}
