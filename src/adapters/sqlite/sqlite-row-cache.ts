/**
 * The carts this process wrote or read lately, parsed. Intake reads a row, merges the event and
 * writes it back, and the next event of that cart reads it again: without this, every event
 * parses a row this process itself encoded a moment before. A copy is used only when the row is
 * still at the same version (a cheap read of the version and due time on the primary key), and
 * the due time always comes from its column, which the timer's leases move without a version.
 *
 * Safe because this process is the data dir's one writer (data-dir-lock.ts), every cart write
 * goes through a store on this connection (which keeps the written copy, replacing the old), so
 * a cart deleted and made again at version 1 never meets its old copy. Carts are immutable values (readonly all the way down), so a copy can be shared.
 */
import type { Cart } from '../../domain/cart.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { CART_COLUMNS, type CartRow, toCart } from './sqlite-cart-rows.ts';

const KEPT = 10_000;

export interface CartRowCache {
  /** The cart as stored now, or null; parsed from the row only when no copy is at its version. */
  get(cartId: string): Cart | null;
  /** A cart just written at `cart.version`. */
  keep(cart: Cart): void;
  clear(): void;
}

/** One per connection, shared by every store on it, so no store keeps a copy another outdated. */
const perConnection = new WeakMap<SqliteDatabase, CartRowCache>();

export function cartRowCache(db: SqliteDatabase): CartRowCache {
  let cache = perConnection.get(db);
  if (cache === undefined) {
    cache = createCartRowCache(db);
    perConnection.set(db, cache);
  }
  return cache;
}

function createCartRowCache(db: SqliteDatabase): CartRowCache {
  const head = db.prepare<[string], { wake_at: number | null; version: number }>(
    'SELECT wake_at, version FROM carts WHERE id = ?',
  );
  const whole = db.prepare<[string], CartRow>(`SELECT ${CART_COLUMNS} FROM carts WHERE id = ?`);
  const copies = new Map<string, Cart>();
  const keep = (cart: Cart) => {
    // Oldest first in a Map's order: moving a kept cart to the end makes the first the coldest.
    copies.delete(cart.id);
    if (copies.size >= KEPT) {
      const coldest = copies.keys().next();
      if (coldest.done !== true) copies.delete(coldest.value);
    }
    copies.set(cart.id, cart);
  };
  return {
    get(cartId) {
      const now = head.get(cartId);
      if (now === undefined) return null;
      const copy = copies.get(cartId);
      if (copy !== undefined && copy.version === now.version) {
        return copy.wakeAt === now.wake_at ? copy : { ...copy, wakeAt: now.wake_at };
      }
      const row = whole.get(cartId);
      if (row === undefined) return null;
      const cart = toCart(row);
      keep(cart);
      return cart;
    },
    keep,
    clear: () => copies.clear(),
  };
}
