/** What wake needs and what it answers; shared by the files wake.ts is split into. */
import type { Cart } from '../domain/cart.ts';
import type { Lane } from '../domain/lane.ts';
import type { Move } from '../domain/moves.ts';
import type { Policy } from '../domain/policy.ts';
import type { AddressBudget } from '../ports/address-budget.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import type { Mailer, OutgoingEmail } from '../ports/mailer.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { UnsubscribeList } from '../ports/unsubscribe-list.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import type { SendFailureReport } from './send-failure.ts';

export interface WakeDeps {
  readonly store: CartStore;
  readonly unsubscribes: UnsubscribeList;
  readonly wakeups: Wakeups;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly policy: Policy;
  /** Builds reminder `step` for a cart (copy, links, headers). */
  readonly compose: (cart: Cart, step: number) => OutgoingEmail;
  /**
   * Sender health for a lane: true while its bounce/complaint rates are near what gets a sender
   * reviewed. The browser lane holds on its own figures first, the signed lanes never on them.
   */
  readonly senderPaused?: (now: number, lane: Lane) => Promise<boolean>;
  /**
   * The browser lane's budget of new addresses a day (CR_SNIPPET_DAILY_CAP); the day is the
   * store's (policy.storeTimeZone). Absent: no budget (tests of other rules).
   */
  readonly snippetBudget?: { readonly budget: AddressBudget; readonly dailyCap: number };
  /** How old a step claim must be before it is presumed dead and recovered (see claim-recovery). */
  readonly claimStaleMs?: number;
  /**
   * Set only where this process is the store's one sender, since this time (the local runtime:
   * one process owns the database, and it passes its start time). A claim made before then
   * belongs to a process that is gone, so no send of it can be in flight and it is recovered at
   * once instead of after claimStaleMs.
   */
  readonly soleSenderSince?: number;
  /** Lines for each reminder sent and each send that failed; silent when absent. */
  readonly log?: Log;
  readonly metrics?: Metrics;
}

export type WakeReport =
  | { readonly kind: 'missing'; readonly cartId: string }
  | { readonly kind: 'moved'; readonly cartId: string; readonly move: Move }
  /** A final cart past CR_RETAIN_CARTS: its row is now a tombstone, and nothing is armed. */
  | { readonly kind: 'tombstoned'; readonly cartId: string }
  | SendFailureReport;

export type Nudge = Extract<Move, { move: 'nudge' }>;
