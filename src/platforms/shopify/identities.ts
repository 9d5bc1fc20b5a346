/**
 * The ids a Shopify cart and its deliveries are known by, kept inside the cart-id rule
 * (domain/input-rules.ts): a foreign value that would break it is hashed, never refused.
 */
import { createHash } from 'node:crypto';
import { otherIds } from '../../domain/events.ts';
import { isCartId } from '../../domain/input-rules.ts';

/**
 * Every id Shopify gives one cart, as the cart id it becomes. A checkout is known by its token,
 * its cart token and (before API 2026-04) its id; an order points back by checkout_token,
 * cart_token and checkout_id, and has its own id. Both sides map each one the same way, so an
 * order finds its checkout by whichever of them it carries (SPEC section 7, aliases). The token
 * and checkout-id forms are the ones rows were first stored under, so existing rows still match.
 */
export const identityOf = {
  checkoutToken: (token: string) => boundedId('shopify_', token),
  checkoutId: (id: string) => boundedId('shopify_', `checkout_${id}`),
  cartToken: (token: string) => boundedId('shopify_', `cart_${token}`),
  order: (id: string) => boundedId('shopify_', `order_${id}`),
};

export const mapped = (value: string | null | undefined, to: (value: string) => string) =>
  value == null ? null : to(value);

/** The cart's aliases: every identity present but its id, once each. */
export const aliasesOf = (id: string, identities: ReadonlyArray<string | null>) =>
  otherIds(
    identities.filter((other) => other !== null),
    id,
  );

/**
 * Shopify's event id is the same on every retry of one delivery, so it de-duplicates retries.
 * When a caller sends neither id header, a retry must still map to the same id, or intake would
 * record it twice: (topic, resource, updated_at) is identical on every retry, because Shopify
 * retries with the original body, while any real change moves updated_at.
 */
export function eventId(
  header: string | undefined,
  topic: string,
  resource: string,
  stamp: string,
): string {
  const given = header?.trim();
  if (given) return boundedId('shopify_', given);
  return `shopify_d_${sha256(`${topic}\n${resource}\n${stamp}`).slice(0, 40)}`;
}

/** Keeps an id inside the id rule: a foreign value that would break it is hashed, not rejected. */
function boundedId(prefix: string, raw: string): string {
  const id = `${prefix}${raw}`;
  return isCartId(id) ? id : `${prefix}h_${sha256(raw).slice(0, 40)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
