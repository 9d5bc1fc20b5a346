/**
 * The waiter's four moves (SPEC section 2) as a discriminated union, and what it decides from.
 * `decide()` in waiter.ts is a pure function of WaiterInput; app/wake.ts applies the move, and
 * what each move writes is cart-transitions.ts and cart-quiet-moves.ts.
 */
import type { BlockKind } from './address.ts';
import type { Cart } from './cart.ts';
import type { Policy } from './policy.ts';

export interface WaiterInput {
  /** Read fresh from the store on every wake-up, never a cached copy. */
  readonly cart: Cart;
  /** Why the cart's address is on the never-send list, or null when it is not. */
  readonly addressBlock: BlockKind | null;
  /** Times of reminders sent to the cart's address (any cart) within the frequency-cap window. */
  readonly recentSendsToAddress: readonly number[];
  /** Id of the newest open cart of the same address (only that one is chased); null without email. */
  readonly newestOpenCartId: string | null;
  /**
   * When the cart's address last bought, on any cart of any lane (null: never, or no email). The
   * purchase guard: a checkout the store linked to another cart id still stops this one.
   */
  readonly lastPurchaseByAddress: number | null;
  /** Sender health: bounce/complaint rate near what gets the sender reviewed. */
  readonly senderPaused: boolean;
  /** The cart is in the holdout group (CR_HOLDOUT): it is never reminded. */
  readonly heldOut: boolean;
  /**
   * A browser-lane cart whose address the lane has never mailed, on a day the lane has already
   * mailed CR_SNIPPET_DAILY_CAP new addresses. False for every other cart.
   */
  readonly snippetBudgetFull: boolean;
  readonly policy: Policy;
  readonly now: number;
}

export const StillShoppingReason = {
  bought: 'bought',
  closed: 'closed',
  unsubscribed: 'unsubscribed',
  bounced: 'bounced',
  complained: 'complained',
  noConsent: 'no_consent',
  /** Not due yet: the shopper was active after the wake-up was armed (or it fired early). */
  active: 'active',
  /** Another, newer open cart of the same address is the one being chased. */
  olderCart: 'older_cart',
  holdout: 'holdout',
  /** The step was claimed by another waiter that did not record it: never send it twice. */
  claimed: 'claimed',
  /** The same address bought (another cart) after this cart's last activity, or just before it. */
  boughtElsewhere: 'bought_elsewhere',
  /** No items, a zero total or no restore link: a reminder would have nothing to bring back. */
  nothingToRecover: 'nothing_to_recover',
  /**
   * The browser lane mailed its day's CR_SNIPPET_DAILY_CAP new addresses: this cart's address
   * would be one more. The cart is kept (and a later change of it asks again), not mailed.
   */
  snippetDailyCap: 'snippet_daily_cap',
} as const;
export type StillShoppingReason = (typeof StillShoppingReason)[keyof typeof StillShoppingReason];

export const WaitReason = {
  quietHours: 'quiet_hours',
  frequencyCap: 'frequency_cap',
  noEmail: 'no_email',
  senderHealth: 'sender_health',
} as const;
export type WaitReason = (typeof WaitReason)[keyof typeof WaitReason];

export const LetGoReason = {
  allStepsSent: 'all_steps_sent',
  gaveUp: 'gave_up',
  /** Given up on a cart that never had anything to bring back (no reminder was possible). */
  nothingToRecover: 'nothing_to_recover',
} as const;
export type LetGoReason = (typeof LetGoReason)[keyof typeof LetGoReason];

export type Move =
  /** No email. `wakeAt`: when to look again (null: no more wake-ups, e.g. bought or closed). */
  | {
      readonly move: 'still_shopping';
      readonly reason: StillShoppingReason;
      readonly wakeAt: number | null;
    }
  /** Send reminder `step` (1-based); afterwards the wake-up goes to `wakeAtAfter`. */
  | { readonly move: 'nudge'; readonly step: number; readonly wakeAtAfter: number }
  /** A step is due but the gate is closed: no email, look again at `wakeAt`. */
  | { readonly move: 'wait'; readonly reason: WaitReason; readonly wakeAt: number }
  /** Close the cart as expired; no more wake-ups. */
  | { readonly move: 'let_go'; readonly reason: LetGoReason };
