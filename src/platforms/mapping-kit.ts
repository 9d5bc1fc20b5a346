/**
 * Small rules the Stripe and WooCommerce folders map by, so their carts look like any other
 * downstream: ids inside the one id rule, the store lane's item bounds, and a foreign address we
 * cannot use treated as none. Links off CR_STORE_HOSTS are the generic route's to drop.
 */
import { createHash } from 'node:crypto';
import { normaliseEmail } from '../domain/email.ts';
import { CART_ID, LIMIT } from '../domain/input-rules.ts';

/**
 * JSON as JSON.parse reads it except for integers past 2^53, which keep their digits (a string):
 * for `delivery.json(...)`. It lives with the lane that needed it first; any 64-bit-id platform
 * (WooCommerce) reads its body the same way.
 */
export { parseShopifyJson as parseLosslessJson } from './shopify/json.ts';

/** The store lane's item bounds (input-rules.ts), so a platform's line reads like a store's. */
export const ITEM_LIMIT = {
  sku: LIMIT.sku,
  name: LIMIT.name,
  items: LIMIT.items,
  quantity: LIMIT.quantity,
} as const;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Keeps an id inside the id rule: a foreign value that would break it is hashed, not rejected. */
export function boundedId(prefix: string, raw: string): string {
  const id = `${prefix}${raw}`;
  return CART_ID.test(id) ? id : `${prefix}h_${sha256Hex(raw).slice(0, 40)}`;
}

/**
 * The first usable address. The platform has already accepted it, so one our stricter check
 * refuses is no address (the cart is kept and never mailed) rather than a failed webhook.
 */
export function firstEmail(candidates: ReadonlyArray<string | null | undefined>): string | null {
  for (const candidate of candidates) {
    if (!candidate?.trim()) continue;
    const normalised = normaliseEmail(candidate);
    if (normalised.ok) return normalised.email;
  }
  return null;
}
