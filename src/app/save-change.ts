/**
 * Writes a domain transition's result: the row and its audit rows together, conditional on the
 * version read, then moves the cart's one wake-up from where it was to where the row says.
 */
import type { Cart } from '../domain/cart.ts';
import type { Changed } from '../domain/cart-transitions.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import {
  type Attempt,
  CONFLICT,
  type GiveUp,
  MAX_ATTEMPTS,
  retryOnConflict,
} from './retry-on-conflict.ts';

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

/**
 * Applies `change` to the freshest row until a write lands, the row is gone, or the transition
 * refuses (another writer already settled what this one came to do). `first` is a row already
 * read, used for the first attempt.
 */
export async function changeFreshest(
  deps: SaveChangeDeps,
  giveUp: GiveUp,
  change: (cart: Cart) => Changed | { readonly kind: 'refused' },
  first?: Cart,
): Promise<void> {
  await retryOnConflict(
    MAX_ATTEMPTS,
    async (attempt) => {
      const current = attempt === 0 && first ? first : await deps.store.get(giveUp.cartId);
      if (current === null) return undefined;
      const changed = change(current);
      if (changed.kind === 'refused') return undefined;
      const saved = await saveChange(deps, current, changed);
      return saved === CONFLICT ? CONFLICT : undefined;
    },
    giveUp,
  );
}
