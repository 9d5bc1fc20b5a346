/**
 * The cart list (`cr-state`) and its audit trail (`cr-audit`). They live behind one port because a
 * cart change and its audit row are written in one transaction: a stop that is not audited, or an
 * audit row for a change that did not happen, cannot exist.
 */

import type { AuditEntry, StoredAuditEntry } from '../domain/audit.ts';
import type { Cart } from '../domain/cart.ts';
import type { Paged, PageRequest } from '../domain/cart-page.ts';
import { PortFaultError, PortName } from './fault.ts';

export type { Paged, PageFrom, PageKey, PageRequest } from '../domain/cart-page.ts';

export type SaveResult =
  | { readonly kind: 'saved'; readonly cart: Cart }
  /** Another writer changed the row first (version moved, or a row appeared). Reload and decide again. */
  | { readonly kind: 'conflict' };

export type RecordEventResult =
  | { readonly kind: 'saved'; readonly cart: Cart | null }
  /**
   * This event id was recorded before: nothing was written. `cartId` is the row it was recorded
   * for ('' when that delivery changed no row and predates this field), so intake can tell a
   * retry from an id reused for another cart.
   */
  | { readonly kind: 'duplicate'; readonly cartId: string }
  | { readonly kind: 'conflict' };

export interface SaveCart {
  /** The new row. Its `version` is ignored: the store writes expectedVersion + 1 (or 1 when new). */
  readonly cart: Cart;
  /** The version read before deciding; null when the row must not exist yet. */
  readonly expectedVersion: number | null;
  readonly audit: readonly AuditEntry[];
  /**
   * Aliases of the row to add to the identity index with this write. When one is already
   * registered (to this or another row), the write is a conflict: the writer reloads, and its
   * fresh `ownersOf` shows who holds it.
   */
  readonly newAliases?: readonly string[];
}

/** One page of open carts, in a stable order; `next` resumes after it (null: no more). */
export interface RearmPage {
  readonly carts: readonly Cart[];
  readonly next: string | null;
}

/** How many carts of a day have each status (the day page's counts and filter labels). */
export interface DayCounts {
  readonly all: number;
  readonly open: number;
  readonly bought: number;
  readonly closed: number;
  /** Bought after a reminder (recoveredAt set). */
  readonly recovered: number;
}

/** What one search box looks for: the address, the cart id or alias, words of an item name. */
export const SearchBy = { email: 'email', cartId: 'cartId', itemName: 'itemName' } as const;
export type SearchBy = (typeof SearchBy)[keyof typeof SearchBy];

export interface CartSearchPage extends Paged<Cart> {
  /** Ways this store did not search for this text, each with the reason the owner is shown. */
  readonly notSearched: readonly { readonly by: SearchBy; readonly reason: string }[];
}

export interface CartStore {
  get(cartId: string): Promise<Cart | null>;

  /**
   * Which of these identities (cart ids or aliases) name a row, and which row each names. An id
   * that names nothing is absent from the map. Strongly consistent, like `get`.
   */
  ownersOf(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;

  /**
   * When the address last bought (its newest bought cart's boughtAt, any lane), or null. The
   * gate's purchase guard asks before every send.
   */
  lastPurchaseBy(email: string): Promise<number | null>;

  /** Conditional write of a row and its audit rows, all or nothing. */
  save(input: SaveCart): Promise<SaveResult>;

  /**
   * Marks a store event id as seen and applies its change, all or nothing. `change` is null for
   * an event that changes no row (stale, or the cart is final): the id is still remembered.
   */
  recordEvent(
    eventId: string,
    change: SaveCart | null,
    /** The row the event is about, remembered with its id; defaults to the change's cart. */
    cartId?: string,
  ): Promise<RecordEventResult>;

  /** Carts whose last shopper activity is in [from, to), oldest first. */
  listByActivity(from: number, to: number): AsyncIterable<Cart>;

  /**
   * One page of the carts whose last shopper activity is in [from, to), newest first (by
   * lastActivityAt, then id), optionally of one status. Keyset paging: a page after a key holds
   * the rows older than it whatever arrived meanwhile. At most 100 rows a page.
   */
  dayPage(
    from: number,
    to: number,
    status: Cart['status'] | null,
    request: PageRequest,
  ): Promise<Paged<Cart>>;

  /** The counts of dayPage's window, by status. */
  dayCounts(from: number, to: number): Promise<DayCounts>;

  /**
   * Carts matching a search, whatever their day, newest first and paged like dayPage: `text`
   * is an address (matched whole, normalised; text shaped like one is searched as that only),
   * a cart id or alias (whole), or part of an item name (at least 3 characters, any case). An
   * adapter that cannot search one way says so in `notSearched` rather than answering nothing.
   */
  searchCarts(text: string, request: PageRequest): Promise<CartSearchPage>;

  /**
   * Every cart a wake-up may be owed to, a page at a time (re-arming wake-ups after a restore):
   * each open cart, and each ended cart still holding one (the end of its CR_RETAIN_CARTS, when
   * its data shrinks to a tombstone). `after` is a page's `next`, or null to start; a page may
   * hold fewer than `limit` carts (even none) and still have a `next`. Walks the whole table: for
   * rare operations, never a request path.
   */
  cartsToRearm(after: string | null, limit: number): Promise<RearmPage>;

  /** Every open cart of one address (the gate chases only the newest). */
  openCartsFor(email: string): Promise<Cart[]>;

  /** Times of reminders sent to an address at or after `since` (for the frequency cap). */
  sendsTo(email: string, since: number): Promise<number[]>;

  /** Audit rows of one cart, oldest first. */
  auditFor(cartId: string): Promise<StoredAuditEntry[]>;

  /** Audit rows about one address (unsubscribe, bounce) and its carts' sends, oldest first. */
  auditForEmail(email: string): Promise<StoredAuditEntry[]>;

  /** Every audit row in [from, to), oldest first: the monthly summary's source. */
  auditBetween(from: number, to: number): AsyncIterable<StoredAuditEntry>;

  /** Writes audit rows that change no cart (e.g. an unsubscribe with no cart attached). */
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
}

/** The cart store could not read or write (a full disk, a throttled table): a fault, not an outcome. */
export class CartStoreFaultError extends PortFaultError {
  override name = 'CartStoreFaultError';
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(PortName.cartStore, message, options);
  }
}
