/** The store's recovery policy: everything the waiter and the gate need besides the cart. */

export interface QuietHours {
  /** Minutes after local midnight when quiet starts (21:00 -> 1260). */
  readonly startMinute: number;
  /** Minutes after local midnight when quiet ends (08:00 -> 480). May be before start (overnight). */
  readonly endMinute: number;
}

export interface Policy {
  /** Delay of each reminder step after last activity, increasing. */
  readonly cadenceMs: readonly number[];
  /** An open cart older than this (since last activity) is let go. */
  readonly giveUpAfterMs: number;
  /** null: quiet hours off. */
  readonly quietHours: QuietHours | null;
  /** IANA zone of the store, used when the shopper's zone is unknown. */
  readonly storeTimeZone: string;
  /** At most one reminder per address per window; null: off. */
  readonly frequencyCapMs: number | null;
  readonly requireConsent: boolean;
  /** Share of abandoned carts held out of reminders, 0..1. */
  readonly holdoutShare: number;
  /** A purchase within this long after the last reminder counts as recovered. */
  readonly recoveryWindowMs: number;
  /**
   * CR_BOUGHT_GRACE: a purchase by the same address this long before a cart's last activity (or
   * any time after it) stops that cart's reminders. A shopper who just bought and is still
   * browsing is not a shopper who abandoned a cart.
   */
  readonly boughtGraceMs: number;
  /**
   * CR_RETAIN_CARTS: a final cart keeps the shopper's data this long after it became final, then
   * shrinks to a tombstone (domain/retention.ts); null (`off`): kept whole for ever.
   */
  readonly retainCartsMs: number | null;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const DEFAULT_POLICY: Policy = {
  cadenceMs: [1 * HOUR, 24 * HOUR, 72 * HOUR],
  giveUpAfterMs: 7 * DAY,
  quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 },
  storeTimeZone: 'UTC',
  frequencyCapMs: 20 * HOUR,
  requireConsent: false,
  holdoutShare: 0,
  recoveryWindowMs: 7 * DAY,
  boughtGraceMs: 24 * HOUR,
  retainCartsMs: 90 * DAY,
};

/** When the wake-up for the next unsent step is due, or null when every step was sent. */
export function nextStepDueAt(
  cart: { lastActivityAt: number; remindersSent: number },
  policy: Policy,
): number | null {
  const delay = policy.cadenceMs[cart.remindersSent];
  return delay === undefined ? null : cart.lastActivityAt + delay;
}

/** When an open cart is given up: last activity plus the give-up age. */
export function giveUpAt(cart: { lastActivityAt: number }, policy: Policy): number {
  return cart.lastActivityAt + policy.giveUpAfterMs;
}

/** The one wake-up an open cart should have: its next step, or its give-up time after the last. */
export function nextWakeAt(
  cart: { lastActivityAt: number; remindersSent: number },
  policy: Policy,
): number {
  const step = nextStepDueAt(cart, policy);
  const end = giveUpAt(cart, policy);
  return step === null ? end : Math.min(step, end);
}
