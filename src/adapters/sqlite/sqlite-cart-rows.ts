/** How a cart row is stored on SQLite: the JSON document plus the columns that are indexed. */
import type { Cart } from '../../domain/cart.ts';

export interface CartRow {
  id: string;
  wake_at: number | null;
  version: number;
  data: string;
}

/** The columns every cart read selects, in CartRow's shape. */
export const CART_COLUMNS = 'id, wake_at, version, data';

/** Rows read per query when a read walks a range page by page. */
export const PAGE = 1000;

export function toCart(row: CartRow): Cart {
  const cart = JSON.parse(row.data) as Cart;
  // The due time and version live in their own columns (the timer loop leases wake_at). Rows
  // written before aliases existed have none.
  return {
    ...cart,
    aliases: cart.aliases ?? [],
    knownEmails: cart.knownEmails ?? (cart.email === null ? [] : [cart.email]),
    wakeAt: row.wake_at,
    version: row.version,
  };
}

/** The named parameters of the carts INSERT and UPDATE for a row stored at `version`. */
export function cartParams(cart: Cart, version: number, expectedVersion: number | null) {
  return {
    id: cart.id,
    status: cart.status,
    email: cart.email,
    lastActivityAt: cart.lastActivityAt,
    wakeAt: cart.wakeAt,
    claimedStep: cart.claimedStep,
    version,
    expectedVersion,
    // toCart takes the version and due time from their columns: the copy in the JSON is not read,
    // so the row is encoded as it comes, without a spread to a new object first.
    data: JSON.stringify(cart),
  };
}

export type CartParams = ReturnType<typeof cartParams>;
