/**
 * Writes a domain transition's result: the row and its audit rows together, conditional on the
 * version read, then moves the cart's one wake-up from where it was to where the row says.
 */
import type { Cart } from '../domain/cart.ts';
import type { Changed } from '../domain/cart-transitions.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import { type Attempt, CONFLICT } from './retry-on-conflict.ts';

export interface SaveChangeDeps {
  readonly store: CartStore;
  readonly wakeups: Wakeups;
}

/** The saved row, or CONFLICT when another writer got there first (nothing written, nothing armed). */
export async function saveChange(
  { store, wakeups }: SaveChangeDeps,
  before: Cart,
  change: Changed,
): Promise<Attempt<Cart>> {
  const saved = await store.save({
    cart: change.cart,
    expectedVersion: before.version,
    audit: change.audit,
  });
  if (saved.kind === 'conflict') return CONFLICT;
  await wakeups.set(before.id, saved.cart.wakeAt, before.wakeAt);
  return saved.cart;
}
