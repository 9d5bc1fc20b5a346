/**
 * Browser-lane carts belong to the browser that made them. The snippet keeps a random token in
 * the shopper's browser and sends it with every change; the row's id is an HMAC of that token and
 * the store's own cart id (a hint, kept so a store's `track({ id })` still means one cart per id),
 * under a key derived from a server secret. So no one can name a row: another browser sending the
 * same hint, or a row id read off a page, reaches a row of its own, never the shopper's.
 *
 * And once a reminder went to a cart, its address and restore link stay as they were: even the
 * browser holding the token (or whoever stole it) cannot re-point reminders already under way.
 */
import { createHmac } from 'node:crypto';
import type { Cart, OptionalField } from './cart.ts';
import { BROWSER_CART_PREFIX } from './lane.ts';

/** What snippet.js generates: 24 random bytes, base64url (32 characters); at least 128 bits. */
export const BROWSER_TOKEN = /^[A-Za-z0-9_-]{22,128}$/;

/** The store's own cart id as the snippet passes it: printable, bounded, optional. */
export const CART_HINT = /^[\x21-\x7e]{1,128}$/;

/**
 * The key browser cart ids are made with, derived from a server secret under its own purpose
 * string: the secret may sign other things (shopper links), and no input of those can collide
 * with an input here, whatever their formats.
 */
export function browserCartKey(serverSecret: string): Buffer {
  return createHmac('sha256', serverSecret).update('cart-recovery/browser-cart-id/v1').digest();
}

/** `web_` and 32 base64url characters (192 bits): the row of this browser's cart `hint`. */
export function browserCartId(key: Buffer, token: string, hint: string): string {
  const mac = createHmac('sha256', key).update(`${token}\n${hint}`).digest('base64url');
  return `${BROWSER_CART_PREFIX}${mac.slice(0, 32)}`;
}

/** The row shows that a reminder went out, or may be going out right now (a claimed step). */
export function reminderWentOut(
  cart: Pick<Cart, 'remindersSent' | 'claimedStep' | 'firstReminderAt'>,
): boolean {
  return cart.remindersSent > 0 || cart.claimedStep !== null || cart.firstReminderAt !== null;
}

/** The fields a browser may no longer change once a reminder went out. */
export type FrozenField = 'email' | 'restoreUrl';

export function changesFrozenFields(before: Cart, after: Cart): FrozenField[] {
  const changed: FrozenField[] = [];
  if (after.email !== before.email) changed.push('email');
  if (after.restoreUrl !== before.restoreUrl) changed.push('restoreUrl');
  return changed;
}

/**
 * `after` with the address and restore link of `before` (and what goes with them: the list of
 * addresses the cart was known by, the stamps of who set them). Items, totals and activity still
 * change: the shopper may keep shopping, and the next reminder shows the cart as it is.
 */
export function keepFrozenFields(before: Cart, after: Cart): { cart: Cart; kept: FrozenField[] } {
  const kept = changesFrozenFields(before, after);
  if (kept.length === 0) return { cart: after, kept };
  const stamps: Partial<Record<OptionalField, string>> = { ...after.fieldStamps };
  let cart: Cart = after;
  if (kept.includes('email')) {
    cart = { ...cart, email: before.email, knownEmails: before.knownEmails };
    stampAs(stamps, before, 'email');
  }
  if (kept.includes('restoreUrl')) {
    cart = { ...cart, restoreUrl: before.restoreUrl };
    stampAs(stamps, before, 'restoreUrl');
  }
  return { cart: { ...cart, fieldStamps: stamps }, kept };
}

function stampAs(
  stamps: Partial<Record<OptionalField, string>>,
  before: Cart,
  field: FrozenField,
): void {
  const previous = before.fieldStamps[field];
  if (previous === undefined) delete stamps[field];
  else stamps[field] = previous;
}
