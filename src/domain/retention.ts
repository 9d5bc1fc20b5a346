/**
 * CR_RETAIN_CARTS: how long a final cart (bought, let go, suppressed, written off) keeps the
 * shopper's data. Past that, the row shrinks to a tombstone that holds no email, no addresses,
 * no items, no links and no zone: only the ids, the status, the times and the total the monthly
 * summary and the intake rules still need. The tombstone itself is kept, so a late event under
 * the cart's id or any alias finds it instead of starting a new cart that could be mailed.
 *
 * The retention clock starts when the cart became final (closedAt, or boughtAt for a bought
 * cart), not at its last activity: events absorbed by a bought cart do not extend it.
 */
import { type Cart, CartStatus, isFinal } from './cart.ts';
import { DAY, type Policy } from './policy.ts';

/**
 * Audit rows (who stopped what, which reminder went where) are kept about 13 months: long enough
 * for a year-on-year look at a month and for any dispute about a send, then deleted (the
 * nightly job locally, a TTL on DynamoDB).
 */
export const AUDIT_RETAIN_MS = 400 * DAY;

/** When the cart became final; null for an open cart. */
export function finalAt(cart: Pick<Cart, 'status' | 'closedAt' | 'boughtAt'>): number | null {
  switch (cart.status) {
    case CartStatus.open:
      return null;
    case CartStatus.bought:
      return cart.boughtAt ?? cart.closedAt;
    case CartStatus.closed:
      return cart.closedAt;
  }
}

/**
 * When a final cart's data is due to go (its one wake-up), or null: open, already a tombstone,
 * or retention off (`retainCartsMs` null keeps final carts whole for ever).
 */
export function retainUntil(
  cart: Pick<Cart, 'status' | 'closedAt' | 'boughtAt' | 'tombstone'>,
  policy: Pick<Policy, 'retainCartsMs'>,
): number | null {
  if (cart.tombstone !== undefined || policy.retainCartsMs === null) return null;
  const at = finalAt(cart);
  return at === null ? null : at + policy.retainCartsMs;
}

export function isTombstone(cart: Pick<Cart, 'tombstone'>): boolean {
  return cart.tombstone !== undefined;
}

export type RetentionVerdict =
  /** Not a final cart, or not due yet: its wake-up belongs at `wakeAt` (null: none). */
  | { readonly kind: 'keep'; readonly wakeAt: number | null }
  /** Due: save this row in place of the cart, with no wake-up. */
  | { readonly kind: 'tombstone'; readonly tombstone: Cart };

/** What a wake-up of a final cart does: nothing until its retention ends, then the tombstone. */
export function checkRetention(
  cart: Cart,
  policy: Pick<Policy, 'retainCartsMs'>,
  now: number,
): RetentionVerdict {
  if (!isFinal(cart) || isTombstone(cart)) return { kind: 'keep', wakeAt: null };
  const due = retainUntil(cart, policy);
  if (due === null || now < due) return { kind: 'keep', wakeAt: due };
  return { kind: 'tombstone', tombstone: tombstoneOf(cart, now) };
}

/**
 * The tombstone of a final cart. Every field is listed (no spread), so a field added to Cart
 * later does not slip into tombstones unnoticed: the compiler asks whether it is kept.
 */
export function tombstoneOf(cart: Cart, now: number): Cart {
  return {
    // Identity: the store's ids, so any late event finds this row (they name no person).
    id: cart.id,
    aliases: cart.aliases,
    // Gone: everything that names, reaches or locates the shopper, and what they picked.
    email: null,
    knownEmails: [],
    items: [],
    restoreUrl: null,
    timezone: null,
    consent: null,
    savedLink: false,
    fieldStamps: {},
    orderId: null,
    // Kept: the monthly summary counts recovered revenue per currency and the outcome per month.
    currency: cart.currency,
    totalMinor: cart.totalMinor,
    status: cart.status,
    closedReason: cart.closedReason,
    createdAt: cart.createdAt,
    lastActivityAt: cart.lastActivityAt,
    lastEventId: cart.lastEventId,
    remindersSent: cart.remindersSent,
    abandonedAt: cart.abandonedAt,
    firstReminderAt: cart.firstReminderAt,
    lastReminderAt: cart.lastReminderAt,
    claimedStep: null,
    claimedAt: null,
    boughtAt: cart.boughtAt,
    recoveredAt: cart.recoveredAt,
    clickedAt: cart.clickedAt,
    closedAt: cart.closedAt,
    wakeAt: null,
    version: cart.version,
    tombstone: { at: now, hadEmail: cart.email !== null || cart.knownEmails.length > 0 },
  };
}

/**
 * The cart a tombstone becomes again when something happens after it was made: the shopper
 * comes back to a cart that was let go, or checks out. It starts with no shopper data; the
 * event that revives it brings its own.
 */
export function revive(tombstone: Cart): Cart {
  const { tombstone: _gone, ...cart } = tombstone;
  return cart;
}
