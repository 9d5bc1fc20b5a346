/**
 * What one store event does to one cart row. Pure: (row or nothing, event, policy) -> outcome.
 *
 * Rules (SPEC section 1):
 * - every event carries the whole cart, so the newest snapshot wins and an older one changes nothing;
 * - ties on occurredAt are broken by event id, so any delivery order gives the same row;
 * - a checkout always applies, whatever the order, and bought is final;
 * - closed is final, except an expired cart with newer shopper activity opens again, fresh.
 */
import { type Cart, type CartSnapshot, CartStatus, ClosedReason } from './cart.ts';
import { type CartEvent, EventType } from './events.ts';
import { nextWakeAt, type Policy } from './policy.ts';

export type IntakeOutcome =
  | { readonly kind: 'created'; readonly cart: Cart }
  | { readonly kind: 'updated'; readonly cart: Cart }
  | { readonly kind: 'reopened'; readonly cart: Cart }
  | { readonly kind: 'bought'; readonly cart: Cart }
  /** Older than what the row holds: nothing changes. */
  | { readonly kind: 'stale'; readonly cart: Cart }
  /** The cart is bought or closed for good: an update changes nothing. */
  | { readonly kind: 'final'; readonly cart: Cart };

function isNewer(event: CartEvent, cart: Cart): boolean {
  if (event.occurredAt !== cart.lastActivityAt) return event.occurredAt > cart.lastActivityAt;
  return event.id > cart.lastEventId;
}

/** A newer snapshot replaces the old one, but a field the store left out keeps what we knew. */
function mergeSnapshot(cart: Cart, snap: CartSnapshot): CartSnapshot {
  return {
    id: cart.id,
    email: snap.email ?? cart.email,
    currency: snap.currency,
    totalMinor: snap.totalMinor,
    items: snap.items,
    restoreUrl: snap.restoreUrl ?? cart.restoreUrl,
    savedLink: snap.savedLink || cart.savedLink,
    timezone: snap.timezone ?? cart.timezone,
    consent: snap.consent ?? cart.consent,
  };
}

function recoveredAt(cart: Cart, boughtAt: number, policy: Policy): number | null {
  if (cart.firstReminderAt === null || cart.lastReminderAt === null) return null;
  if (boughtAt < cart.firstReminderAt) return null;
  if (boughtAt > cart.lastReminderAt + policy.recoveryWindowMs) return null;
  return boughtAt;
}

function newCart(event: CartEvent, policy: Policy): Cart {
  const base: Cart = {
    ...event.cart,
    status: CartStatus.open,
    closedReason: null,
    createdAt: event.occurredAt,
    lastActivityAt: event.occurredAt,
    lastEventId: event.id,
    remindersSent: 0,
    abandonedAt: null,
    firstReminderAt: null,
    lastReminderAt: null,
    claimedStep: null,
    boughtAt: null,
    orderId: null,
    recoveredAt: null,
    clickedAt: null,
    closedAt: null,
    wakeAt: null,
    version: 0,
  };
  return { ...base, wakeAt: nextWakeAt(base, policy) };
}

function checkout(cart: Cart, event: CartEvent, policy: Policy): Cart {
  const newer = isNewer(event, cart);
  const snapshot = newer ? mergeSnapshot(cart, event.cart) : cart;
  return {
    ...cart,
    ...snapshot,
    status: CartStatus.bought,
    closedReason: null,
    lastActivityAt: newer ? event.occurredAt : cart.lastActivityAt,
    lastEventId: newer ? event.id : cart.lastEventId,
    boughtAt: event.occurredAt,
    orderId: event.orderId ?? cart.orderId,
    recoveredAt: recoveredAt(cart, event.occurredAt, policy),
    claimedStep: null,
    closedAt: null,
    wakeAt: null,
  };
}

export function applyEvent(current: Cart | null, event: CartEvent, policy: Policy): IntakeOutcome {
  if (current === null) {
    const fresh = newCart(event, policy);
    if (event.type === EventType.checkedOut) {
      return { kind: 'bought', cart: checkout(fresh, event, policy) };
    }
    return { kind: 'created', cart: fresh };
  }

  if (current.status === CartStatus.bought) return { kind: 'final', cart: current };

  if (event.type === EventType.checkedOut) {
    return { kind: 'bought', cart: checkout(current, event, policy) };
  }

  if (!isNewer(event, current)) return { kind: 'stale', cart: current };

  if (current.status === CartStatus.closed) {
    if (current.closedReason !== ClosedReason.expired) return { kind: 'final', cart: current };
    // The shopper came back to a cart we had let go: a fresh sequence, as if it were new.
    const reopened: Cart = {
      ...current,
      ...mergeSnapshot(current, event.cart),
      status: CartStatus.open,
      closedReason: null,
      closedAt: null,
      lastActivityAt: event.occurredAt,
      lastEventId: event.id,
      remindersSent: 0,
      abandonedAt: null,
      firstReminderAt: null,
      lastReminderAt: null,
      claimedStep: null,
      recoveredAt: null,
      clickedAt: null,
    };
    return { kind: 'reopened', cart: { ...reopened, wakeAt: nextWakeAt(reopened, policy) } };
  }

  const updated: Cart = {
    ...current,
    ...mergeSnapshot(current, event.cart),
    lastActivityAt: event.occurredAt,
    lastEventId: event.id,
  };
  // The wake-up moves with the shopper: a cart still being filled never gets an early nudge.
  return { kind: 'updated', cart: { ...updated, wakeAt: nextWakeAt(updated, policy) } };
}
