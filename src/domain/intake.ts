/**
 * What one store event does to one cart row. Pure: (row or nothing, event, policy) -> outcome.
 *
 * Rules (SPEC section 1), chosen so that any delivery order of the same events gives the same row:
 * - the newest event (by occurredAt, ties broken by event id) sets items, total and currency, and
 *   last activity; an older one changes none of them;
 * - optional fields (email, timezone, consent, restore link) are last-writer-wins each on its own,
 *   so an event that leaves the email out never erases one we know;
 * - the saved-link flag, once seen, stays;
 * - a checkout always applies, whatever the order, and bought is final;
 * - closed is final, except an expired cart with newer shopper activity opens again, fresh;
 * - a tombstone (domain/retention.ts) takes in only what happened after it was made: a checkout,
 *   or the shopper coming back to a cart that was let go. An older event is a late delivery
 *   about data we chose to forget, and a bought tombstone takes in nothing at all.
 */
import { createHash } from 'node:crypto';
import {
  blankCart,
  type Cart,
  type CartSnapshot,
  CartStatus,
  ClosedReason,
  FRESH_SEQUENCE,
  OPTIONAL_FIELDS,
  type OptionalField,
} from './cart.ts';
import { type CartEvent, EventType } from './events.ts';
import { nextWakeAt, type Policy } from './policy.ts';
import { retainUntil, revive } from './retention.ts';

export type IntakeOutcome =
  | { readonly kind: 'created'; readonly cart: Cart }
  | { readonly kind: 'updated'; readonly cart: Cart }
  | { readonly kind: 'reopened'; readonly cart: Cart }
  | { readonly kind: 'bought'; readonly cart: Cart }
  /** Older than what the row holds: at most it fills an optional field or the saved-link flag. */
  | { readonly kind: 'stale'; readonly cart: Cart; readonly changed: boolean }
  /** The cart is bought or closed for good: its status stays, its snapshot may still catch up. */
  | { readonly kind: 'final'; readonly cart: Cart; readonly changed: boolean };

/** Sortable stamp of an event: zero-padded time, then id. */
export function eventStamp(event: Pick<CartEvent, 'occurredAt' | 'id'>): string {
  return `${String(event.occurredAt).padStart(15, '0')}|${event.id}`;
}

function isNewer(event: CartEvent, cart: Cart): boolean {
  return eventStamp(event) > eventStamp({ occurredAt: cart.lastActivityAt, id: cart.lastEventId });
}

/** A cart remembers at most this many addresses (a typo and its fix, a shared device). */
export const MAX_KNOWN_EMAILS = 8;

function withEmail(known: readonly string[], email: string | null): readonly string[] {
  if (email === null || known.includes(email) || known.length >= MAX_KNOWN_EMAILS) return known;
  return [...known, email].sort();
}

/** Optional fields the event carries and is the newest source of. */
function mergeOptionalFields(cart: Cart, event: CartEvent): Cart {
  const stamp = eventStamp(event);
  // One copy of the row with every field the event wins, not one copy per field: the cart has
  // some thirty fields, and this runs on every event.
  const won: Partial<Record<OptionalField, unknown>> = {};
  const stamps: Partial<Record<OptionalField, string>> = { ...cart.fieldStamps };
  for (const field of OPTIONAL_FIELDS) {
    const value = event.cart[field];
    if (value === null) continue;
    const current = stamps[field];
    if (current !== undefined && current >= stamp) continue;
    stamps[field] = stamp;
    won[field] = value;
  }
  const savedLink = cart.savedLink || event.cart.savedLink;
  return {
    ...cart,
    ...(won as Partial<Cart>),
    savedLink,
    fieldStamps: stamps,
    knownEmails: withEmail(cart.knownEmails, event.cart.email),
  };
}

/** The newest event's items, total and currency, and the activity time they came with. */
function takeSnapshot(cart: Cart, event: CartEvent): Cart {
  const snap: Pick<CartSnapshot, 'currency' | 'totalMinor' | 'items'> = event.cart;
  return {
    ...cart,
    currency: snap.currency,
    totalMinor: snap.totalMinor,
    items: snap.items,
    lastActivityAt: event.occurredAt,
    lastEventId: event.id,
  };
}

function recoveredAt(cart: Cart, boughtAt: number, policy: Policy): number | null {
  if (cart.firstReminderAt === null || cart.lastReminderAt === null) return null;
  if (boughtAt < cart.firstReminderAt) return null;
  if (boughtAt > cart.lastReminderAt + policy.recoveryWindowMs) return null;
  return boughtAt;
}

/** A row remembers at most this many other ids; more is a store sending noise, not identities. */
export const MAX_ALIASES = 32;

/** The row's aliases with the event's new ones after them, first come first kept. */
function withAliases(cart: Cart, event: CartEvent): Cart {
  const incoming = event.aliases ?? [];
  if (incoming.every((alias) => alias === cart.id || cart.aliases.includes(alias))) return cart;
  const aliases = [...cart.aliases];
  for (const alias of incoming) {
    if (aliases.length >= MAX_ALIASES) break;
    if (alias !== cart.id && !aliases.includes(alias)) aliases.push(alias);
  }
  return { ...cart, aliases };
}

/**
 * The checkout of one order, for another row its ids also name (two rows formed under different
 * ids of one cart before anything linked them): that row is bought too. Its event id is derived,
 * so a retry of the order is a duplicate there as well.
 */
export function checkoutOfOtherRow(event: CartEvent, cartId: string): CartEvent {
  const digest = createHash('sha256').update(`${event.id}\n${cartId}`).digest('hex');
  return {
    ...event,
    id: `linked_${digest.slice(0, 40)}`,
    cart: { ...event.cart, id: cartId },
    aliases: [],
  };
}

function newCart(event: CartEvent, policy: Policy): Cart {
  const base = withAliases(blankCart(event.cart, event), event);
  const merged = mergeOptionalFields(base, event);
  return { ...merged, wakeAt: nextWakeAt(merged, policy) };
}

/** Folds an event into a row's data without touching its status. */
function absorb(cart: Cart, event: CartEvent): Cart {
  const merged = mergeOptionalFields(cart, event);
  return isNewer(event, cart) ? takeSnapshot(merged, event) : merged;
}

function checkout(cart: Cart, event: CartEvent, policy: Policy): Cart {
  const bought: Cart = {
    ...absorb(cart, event),
    // First seen is an arrival fact; the earliest event time is the stable one.
    createdAt: Math.min(cart.createdAt, event.occurredAt),
    status: CartStatus.bought,
    closedReason: null,
    boughtAt: event.occurredAt,
    orderId: event.orderId ?? cart.orderId,
    recoveredAt: recoveredAt(cart, event.occurredAt, policy),
    claimedStep: null,
    claimedAt: null,
    closedAt: null,
  };
  // The one wake-up of a bought cart is the end of its retention, when its data goes.
  return { ...bought, wakeAt: retainUntil(bought, policy) };
}

function sameData(a: Cart, b: Cart): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** See the rules above: a tombstone changes only for what happened after it was made. */
function applyToTombstone(
  current: Cart,
  seen: Cart,
  event: CartEvent,
  policy: Policy,
): IntakeOutcome {
  const { tombstone } = current;
  const after = tombstone !== undefined && event.occurredAt >= tombstone.at;
  if (current.status === CartStatus.bought || !after) {
    return isNewer(event, current)
      ? { kind: 'final', cart: current, changed: false }
      : { kind: 'stale', cart: current, changed: false };
  }
  if (event.type === EventType.checkedOut) {
    return { kind: 'bought', cart: checkout(revive(seen), event, policy) };
  }
  if (current.closedReason !== ClosedReason.expired) {
    return { kind: 'final', cart: current, changed: false };
  }
  const reopened: Cart = { ...absorb(revive(seen), event), ...FRESH_SEQUENCE };
  return { kind: 'reopened', cart: { ...reopened, wakeAt: nextWakeAt(reopened, policy) } };
}

export function applyEvent(current: Cart | null, event: CartEvent, policy: Policy): IntakeOutcome {
  if (current === null) {
    const fresh = newCart(event, policy);
    if (event.type === EventType.checkedOut) {
      return { kind: 'bought', cart: checkout(fresh, event, policy) };
    }
    return { kind: 'created', cart: fresh };
  }
  const seen = withAliases(
    { ...current, createdAt: Math.min(current.createdAt, event.occurredAt) },
    event,
  );

  if (current.tombstone !== undefined) return applyToTombstone(current, seen, event, policy);

  if (current.status === CartStatus.bought) {
    // Bought is final; later snapshots are still kept so the row shows the newest cart.
    const cart = absorb(seen, event);
    return { kind: 'final', cart, changed: !sameData(cart, current) };
  }

  if (event.type === EventType.checkedOut) {
    return { kind: 'bought', cart: checkout(seen, event, policy) };
  }

  if (!isNewer(event, current)) {
    const cart = mergeOptionalFields(seen, event);
    return { kind: 'stale', cart, changed: !sameData(cart, current) };
  }

  if (current.status === CartStatus.closed) {
    if (current.closedReason !== ClosedReason.expired) {
      const cart = absorb(seen, event);
      return { kind: 'final', cart, changed: !sameData(cart, current) };
    }
    // The shopper came back to a cart we had let go: a fresh sequence, as if it were new.
    const reopened: Cart = { ...absorb(seen, event), ...FRESH_SEQUENCE };
    return { kind: 'reopened', cart: { ...reopened, wakeAt: nextWakeAt(reopened, policy) } };
  }

  const updated = absorb(seen, event);
  // The wake-up moves with the shopper: a cart still being filled never gets an early nudge.
  return { kind: 'updated', cart: { ...updated, wakeAt: nextWakeAt(updated, policy) } };
}
