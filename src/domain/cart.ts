/**
 * The cart row: one per cart id, the single source of truth the waiter reads.
 * All times are epoch milliseconds; JSON output turns them into ISO strings at the edge.
 */

export const CartStatus = { open: 'open', bought: 'bought', closed: 'closed' } as const;
export type CartStatus = (typeof CartStatus)[keyof typeof CartStatus];

export const ClosedReason = {
  suppressed: 'suppressed',
  written_off: 'written_off',
  expired: 'expired',
} as const;
export type ClosedReason = (typeof ClosedReason)[keyof typeof ClosedReason];

export interface CartItem {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  /** Unit price in minor units of the cart's currency. */
  readonly priceMinor: number;
  readonly url: string | null;
  readonly imageUrl: string | null;
}

/** What the store tells us about a cart: the whole current cart, in every event. */
export interface CartSnapshot {
  readonly id: string;
  /** Normalised (trimmed, lower-cased); null until the shopper types one. */
  readonly email: string | null;
  readonly currency: string;
  readonly totalMinor: number;
  readonly items: readonly CartItem[];
  readonly restoreUrl: string | null;
  readonly savedLink: boolean;
  /** IANA zone of the shopper, when the store knows it. */
  readonly timezone: string | null;
  /** null: the store did not say. Only an explicit false blocks mail under CR_REQUIRE_CONSENT. */
  readonly consent: boolean | null;
}

export interface Cart extends CartSnapshot {
  /**
   * The other ids this cart is known by (checkout token, cart token, order-side ids), gathered
   * from every event; the stores index each one so any of them finds this row. Never holds `id`.
   */
  readonly aliases: readonly string[];
  /**
   * Every address any event of this cart carried, sorted (so any delivery order gives the same
   * list). `email` is the newest; a purchase is on record under each of these, so the purchase
   * guard still finds a buyer whose cart later showed another address.
   */
  readonly knownEmails: readonly string[];
  readonly status: CartStatus;
  readonly closedReason: ClosedReason | null;
  readonly createdAt: number;
  /** Newest occurredAt of the cart's shopper events: every timing decision starts here. */
  readonly lastActivityAt: number;
  /** Id of the event that set lastActivityAt; breaks ties between events with equal times. */
  readonly lastEventId: string;
  /** Reminder steps sent in the current sequence (a reopened cart starts again at 0). */
  readonly remindersSent: number;
  /** When the first reminder step first came due (the cart counts as abandoned), in this sequence. */
  readonly abandonedAt: number | null;
  readonly firstReminderAt: number | null;
  readonly lastReminderAt: number | null;
  /**
   * A step claimed by a waiter before it sends. A claimed step is never sent again, even if the
   * process dies before recording it: a missed reminder is better than a duplicate. The one way
   * out is a mailer that can say for sure whether that step's message left (Mailer.wasSent):
   * then a stale claim is recorded as sent or given back.
   */
  readonly claimedStep: number | null;
  /** When claimedStep was claimed: a claim older than any send cannot still be in flight. */
  readonly claimedAt: number | null;
  readonly boughtAt: number | null;
  readonly orderId: string | null;
  /** Set when bought within the recovery window after a reminder. */
  readonly recoveredAt: number | null;
  readonly clickedAt: number | null;
  readonly closedAt: number | null;
  /** When the one wake-up of this cart is due; null when none is armed. */
  readonly wakeAt: number | null;
  /**
   * For each optional shopper field, the stamp (time|event id) of the event that last set it.
   * Each field is last-writer-wins on its own, so any delivery order gives the same row, and a
   * later event that leaves the email out does not forget it.
   */
  readonly fieldStamps: Readonly<Partial<Record<OptionalField, string>>>;
  /** Bumped on every write; writers condition on it so a lost race becomes a conflict, not a clobber. */
  readonly version: number;
  /**
   * Set once CR_RETAIN_CARTS shrank the row (domain/retention.ts): when, and whether it had an
   * address (the monthly summary still counts carts with an email). Absent on every other row.
   */
  readonly tombstone?: { readonly at: number; readonly hadEmail: boolean };
}

export const OPTIONAL_FIELDS = ['email', 'timezone', 'consent', 'restoreUrl'] as const;
export type OptionalField = (typeof OPTIONAL_FIELDS)[number];

/** The addresses a bought cart's purchase is on record under: its own and every one it had. */
export function purchaseEmails(cart: Pick<Cart, 'email' | 'knownEmails'>): string[] {
  const emails = new Set(cart.knownEmails);
  if (cart.email !== null) emails.add(cart.email);
  return [...emails];
}

export function isFinal(cart: Pick<Cart, 'status' | 'closedReason'>): boolean {
  return cart.status === CartStatus.bought || cart.status === CartStatus.closed;
}

/** A cart row for JSON: ISO times, decimal money. The shape of the owner API's cart objects. */
export interface CartView {
  id: string;
  status: CartStatus;
  closedReason: ClosedReason | null;
  email: string | null;
  total: string;
  currency: string;
  items: Array<{
    sku: string;
    name: string;
    quantity: number;
    price: string;
    url: string | null;
    imageUrl: string | null;
  }>;
  remindersSent: number;
  savedLink: boolean;
  lastActivityAt: string;
  recoveredAt: string | null;
  boughtAt: string | null;
  restoreUrl: string | null;
  createdAt: string;
  wakeAt: string | null;
}

/**
 * A reminder sequence that has not started: what a new cart has, and what a shopper coming back
 * to a cart we had let go gets again (domain/intake.ts). One list, so a field added to the
 * sequence is reset in both places or neither.
 */
export const FRESH_SEQUENCE = {
  status: CartStatus.open,
  closedReason: null,
  remindersSent: 0,
  abandonedAt: null,
  firstReminderAt: null,
  lastReminderAt: null,
  claimedStep: null,
  claimedAt: null,
  recoveredAt: null,
  clickedAt: null,
  closedAt: null,
} as const satisfies Partial<Cart>;

/**
 * The row a cart's first event creates: the event's items, total and currency, open, and every
 * bookkeeping field at its zero value. The optional shopper fields start unknown (null) so intake
 * can fill each with the stamp of the event that set it.
 */
export function blankCart(
  snapshot: Pick<CartSnapshot, 'id' | 'currency' | 'totalMinor' | 'items'>,
  firstEvent: { readonly id: string; readonly occurredAt: number },
): Cart {
  return {
    id: snapshot.id,
    aliases: [],
    knownEmails: [],
    email: null,
    currency: snapshot.currency,
    totalMinor: snapshot.totalMinor,
    items: snapshot.items,
    restoreUrl: null,
    savedLink: false,
    timezone: null,
    consent: null,
    fieldStamps: {},
    createdAt: firstEvent.occurredAt,
    lastActivityAt: firstEvent.occurredAt,
    lastEventId: firstEvent.id,
    ...FRESH_SEQUENCE,
    boughtAt: null,
    orderId: null,
    wakeAt: null,
    version: 0,
  };
}
