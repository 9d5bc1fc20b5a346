/**
 * Wake: what runs when a cart's timer fires. Read the row fresh, ask the waiter for one move,
 * apply it. A nudge claims its step with a conditional write before sending and records it after,
 * so two waiters on one cart, a duplicate timer, or a retried send never mail a step twice.
 *
 *   waiter A reads v7 ──claim step 1 (v7→v8)──send──record (v8→v9)
 *   waiter B reads v7 ──claim step 1 (v7) ✗ conflict → re-read v8: step 1 claimed → still_shopping
 *
 * A waiter that dies between claim and record leaves the claim; claim-recovery.ts settles it
 * when the mailer can tell whether the step left, and otherwise the step stays unsent.
 *
 * A send the mail server refuses for good (SMTP 5xx, an SES rejection, a message that cannot be
 * sent as built) is not retried: the step is audited as skipped with the server's reason and the
 * cart is parked until its give-up time. Anything else (4xx, a dropped connection, a wrong
 * password) gives the step back for a retry in SEND_RETRY_MS.
 */
import { AuditAction, type AuditEntry, SYSTEM } from '../domain/audit.ts';
import { localDay } from '../domain/calendar.ts';
import { type Cart, CartStatus, ClosedReason, isFinal } from '../domain/cart.ts';
import { isHeldOut } from '../domain/holdout.ts';
import { Lane, laneOf } from '../domain/lane.ts';
import { type Move, StillShoppingReason } from '../domain/moves.ts';
import { giveUpAt, nextWakeAt, type Policy } from '../domain/policy.ts';
import { checkRetention, retainUntil } from '../domain/retention.ts';
import { decide } from '../domain/waiter.ts';
import type { AddressBudget } from '../ports/address-budget.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import { type Log, silentLog } from '../ports/log.ts';
import type { Mailer, OutgoingEmail } from '../ports/mailer.ts';
import { type Metrics, noMetrics } from '../ports/metrics.ts';
import type { UnsubscribeList } from '../ports/unsubscribe-list.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import { CLAIM_STALE_MS, type ClaimRecovery, createClaimRecovery } from './claim-recovery.ts';
import { createSendFailures, type SendFailureReport } from './send-failure.ts';

export { CLAIM_STALE_MS } from './claim-recovery.ts';
export { SEND_REFUSED, SEND_RETRY_MS } from './send-failure.ts';

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

/** Reasons that mean "a step was due but this cart is not mailed": audited as skipped. */
const SKIP_REASONS: ReadonlySet<string> = new Set([
  StillShoppingReason.unsubscribed,
  StillShoppingReason.bounced,
  StillShoppingReason.complained,
  StillShoppingReason.noConsent,
  StillShoppingReason.olderCart,
  StillShoppingReason.holdout,
  StillShoppingReason.boughtElsewhere,
  StillShoppingReason.nothingToRecover,
  StillShoppingReason.snippetDailyCap,
]);

const MAX_ATTEMPTS = 8;

export class WakeConflictError extends Error {
  override readonly name = 'WakeConflictError';
}

/** Whether the move means the first step had come due: the cart counts as abandoned. */
function stepWasDue(move: Move): boolean {
  switch (move.move) {
    case 'nudge':
    case 'wait':
    case 'let_go':
      return true;
    case 'still_shopping':
      return SKIP_REASONS.has(move.reason);
  }
}

export function createWake(deps: WakeDeps) {
  const { store, unsubscribes, wakeups, mailer, clock, policy, compose } = deps;
  const senderPaused = deps.senderPaused ?? (async () => false);
  const log = deps.log ?? silentLog;
  const metrics = deps.metrics ?? noMetrics;
  const sendFailed = createSendFailures({ store, unsubscribes, wakeups, policy, log, metrics });
  const wasSent = mailer.wasSent?.bind(mailer);
  /** Carts this process has claimed a step of and not yet recorded or released. */
  const sending = new Map<string, number>();
  const recovery: ClaimRecovery | null =
    wasSent === undefined
      ? null
      : createClaimRecovery({
          store,
          wakeups,
          policy,
          compose,
          wasSent,
          claimStaleMs: deps.claimStaleMs ?? CLAIM_STALE_MS,
          soleSenderSince: deps.soleSenderSince,
          sendingHere: (cartId) => sending.has(cartId),
        });

  function audit(
    before: Cart,
    after: Cart | null,
    action: AuditEntry['action'],
    reason: string | null,
    detail: AuditEntry['detail'],
    at: number,
  ): AuditEntry {
    return {
      cartId: before.id,
      email: before.email,
      action,
      actor: SYSTEM,
      at,
      reason,
      detail,
      before,
      after,
    };
  }

  /** The browser lane's budget, when it applies to this cart: its address and the day's cap. */
  function budgetFor(cart: Cart, now: number) {
    const lane = deps.snippetBudget;
    if (lane === undefined || cart.email === null || laneOf(cart.id) !== Lane.browser) return null;
    return { ...lane, email: cart.email, day: localDay(now, policy.storeTimeZone) };
  }

  async function decideFor(cart: Cart, now: number): Promise<Move> {
    const email = cart.email;
    const budget = budgetFor(cart, now);
    const [addressBlock, recentSends, openCarts, lastPurchase, paused, room] = await Promise.all([
      email === null ? null : unsubscribes.get(email),
      email === null || policy.frequencyCapMs === null
        ? []
        : store.sendsTo(email, now - policy.frequencyCapMs),
      email === null ? [] : store.openCartsFor(email),
      email === null ? null : store.lastPurchaseBy(email),
      senderPaused(now, laneOf(cart.id)),
      budget === null ? null : budget.budget.peek(budget.email, budget.day, budget.dailyCap),
    ]);
    return decide({
      cart,
      addressBlock: addressBlock?.kind ?? null,
      recentSendsToAddress: recentSends,
      newestOpenCartId: openCarts[0]?.id ?? null,
      lastPurchaseByAddress: lastPurchase,
      senderPaused: paused,
      heldOut: isHeldOut(cart.id, policy.holdoutShare),
      snippetBudgetFull: room === 'full',
      policy,
      now,
    });
  }

  /**
   * Takes one of the day's new-address places for a browser-lane cart about to be mailed; false
   * when another waiter took the last one since the gate looked. A place taken for a send that
   * then fails stays taken: the address counts as known, and the cap is never passed.
   */
  async function admitted(cart: Cart, now: number): Promise<boolean> {
    const budget = budgetFor(cart, now);
    if (budget === null) return true;
    const outcome = await budget.budget.admit(budget.email, budget.day, budget.dailyCap, now);
    return outcome !== 'full';
  }

  /** Applies every move but nudge. Returns null on a lost race (the caller re-reads). */
  async function applyQuietMove(cart: Cart, move: Exclude<Move, { move: 'nudge' }>, now: number) {
    const abandonedAt =
      cart.abandonedAt ??
      (stepWasDue(move) ? cart.lastActivityAt + (policy.cadenceMs[0] ?? 0) : null);
    let after: Cart;
    let entries: AuditEntry[] = [];
    switch (move.move) {
      case 'still_shopping':
        after = {
          ...cart,
          abandonedAt,
          wakeAt: cart.status === CartStatus.open ? move.wakeAt : null,
        };
        if (SKIP_REASONS.has(move.reason)) {
          entries = [
            audit(
              cart,
              after,
              AuditAction.skipped,
              move.reason,
              { step: cart.remindersSent + 1 },
              now,
            ),
          ];
        }
        break;
      case 'wait':
        after = { ...cart, abandonedAt, wakeAt: move.wakeAt };
        entries = [
          audit(
            cart,
            after,
            AuditAction.reminderHeld,
            move.reason,
            { step: cart.remindersSent + 1, until: move.wakeAt },
            now,
          ),
        ];
        break;
      case 'let_go': {
        const closed: Cart = {
          ...cart,
          abandonedAt,
          status: CartStatus.closed,
          closedReason: ClosedReason.expired,
          closedAt: now,
          claimedStep: null,
          claimedAt: null,
        };
        // Its one wake-up is now the end of its retention, when the shopper's data goes.
        after = { ...closed, wakeAt: retainUntil(closed, policy) };
        entries = [audit(cart, after, AuditAction.expired, move.reason, null, now)];
        break;
      }
    }
    const unchanged =
      entries.length === 0 &&
      after.wakeAt === cart.wakeAt &&
      after.abandonedAt === cart.abandonedAt;
    if (unchanged) return cart;
    const saved = await store.save({ cart: after, expectedVersion: cart.version, audit: entries });
    return saved.kind === 'saved' ? saved.cart : null;
  }

  /** Records a sent step on the freshest row, whatever else happened to the cart meanwhile. */
  async function recordSend(
    cartId: string,
    step: number,
    email: OutgoingEmail,
    receipt: string,
    sentAt: number,
    wakeAtAfter: number,
  ) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await store.get(cartId);
      if (current === null) return;
      const base: Cart = {
        ...current,
        remindersSent: Math.max(current.remindersSent, step),
        claimedStep: current.claimedStep === step ? null : current.claimedStep,
        claimedAt: current.claimedStep === step ? null : current.claimedAt,
        firstReminderAt: current.firstReminderAt ?? sentAt,
        lastReminderAt: Math.max(current.lastReminderAt ?? 0, sentAt),
      };
      // A checkout or stop that landed mid-send keeps its status and its retention wake-up.
      const wakeAt =
        base.status !== CartStatus.open
          ? retainUntil(base, policy)
          : current.lastActivityAt > sentAt
            ? nextWakeAt(base, policy)
            : wakeAtAfter;
      const after: Cart = { ...base, wakeAt };
      const entry = audit(
        current,
        after,
        AuditAction.reminderSent,
        'gate open',
        { step, messageId: email.messageId, receipt, to: email.to },
        sentAt,
      );
      const saved = await store.save({
        cart: after,
        expectedVersion: current.version,
        audit: [{ ...entry, email: email.to }],
      });
      if (saved.kind === 'saved') {
        await wakeups.set(cartId, saved.cart.wakeAt, current.wakeAt);
        return;
      }
    }
    throw new WakeConflictError(
      `cart ${cartId}: sent step ${step} but could not record it after ${MAX_ATTEMPTS} tries`,
    );
  }

  async function nudge(
    cart: Cart,
    move: Extract<Move, { move: 'nudge' }>,
    now: number,
  ): Promise<WakeReport | null> {
    // Counted, not flagged: two waiters of this process can be nudging one cart at once.
    sending.set(cart.id, (sending.get(cart.id) ?? 0) + 1);
    try {
      return await claimAndSend(cart, move, now);
    } finally {
      const left = (sending.get(cart.id) ?? 1) - 1;
      if (left === 0) sending.delete(cart.id);
      else sending.set(cart.id, left);
    }
  }

  async function claimAndSend(
    cart: Cart,
    move: Extract<Move, { move: 'nudge' }>,
    now: number,
  ): Promise<WakeReport | null> {
    const abandonedAt = cart.abandonedAt ?? cart.lastActivityAt + (policy.cadenceMs[0] ?? 0);
    // The claim: only one waiter gets past this write for this step, ever.
    const claimed = await store.save({
      cart: { ...cart, abandonedAt, claimedStep: move.step, claimedAt: now },
      expectedVersion: cart.version,
      audit: [],
    });
    if (claimed.kind === 'conflict') return null;
    const email = compose(claimed.cart, move.step);
    let receipt: string;
    try {
      receipt = (await mailer.send(email)).receipt;
    } catch (error) {
      return sendFailed(claimed.cart, move.step, now, error);
    }
    const sentAt = clock.now();
    await recordSend(cart.id, move.step, email, receipt, sentAt, move.wakeAtAfter);
    const dueAt = cart.lastActivityAt + (policy.cadenceMs[move.step - 1] ?? 0);
    metrics.reminderSent(move.step, sentAt - dueAt);
    log.info('reminder.sent', {
      cartId: cart.id,
      step: move.step,
      messageId: email.messageId,
      lateSeconds: Math.round((sentAt - dueAt) / 1000),
    });
    return { kind: 'moved', cartId: cart.id, move };
  }

  /** A live claim blocking its step: look again when it goes stale, in case its waiter died. */
  function lookAgainAtStale(cart: Cart, move: Move): Move {
    const staleAt = recovery?.staleAt(cart) ?? null;
    if (staleAt === null || move.move === 'nudge' || move.move === 'let_go') return move;
    if (move.wakeAt === null) return move;
    return { ...move, wakeAt: Math.min(move.wakeAt, staleAt) };
  }

  /**
   * A final cart's one wake-up is the end of its retention. Before it (a step's timer firing
   * after a checkout, late or twice) nothing is sent and the wake-up is put back; at or after
   * it the row is replaced by its tombstone, conditional on the version read, so a checkout or
   * event landing meanwhile makes this a conflict and a fresh look. Null on a lost race.
   */
  async function settleFinal(cart: Cart, now: number): Promise<WakeReport | null> {
    const verdict = checkRetention(cart, policy, now);
    switch (verdict.kind) {
      case 'keep': {
        let saved = cart;
        if (cart.wakeAt !== verdict.wakeAt) {
          const after: Cart = { ...cart, wakeAt: verdict.wakeAt };
          const result = await store.save({
            cart: after,
            expectedVersion: cart.version,
            audit: [],
          });
          if (result.kind === 'conflict') return null;
          saved = result.cart;
        }
        await wakeups.set(cart.id, saved.wakeAt, saved === cart ? null : cart.wakeAt);
        const reason =
          cart.status === CartStatus.bought
            ? StillShoppingReason.bought
            : StillShoppingReason.closed;
        const move: Move = { move: 'still_shopping', reason, wakeAt: saved.wakeAt };
        return { kind: 'moved', cartId: cart.id, move };
      }
      case 'tombstone': {
        // No audit row: it would copy into the audit the very data this step removes.
        const result = await store.save({
          cart: verdict.tombstone,
          expectedVersion: cart.version,
          audit: [],
        });
        if (result.kind === 'conflict') return null;
        await wakeups.set(cart.id, null, cart.wakeAt);
        return { kind: 'tombstoned', cartId: cart.id };
      }
    }
  }

  return async function wake(cartId: string): Promise<WakeReport> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const cart = await store.get(cartId);
      if (cart === null) return { kind: 'missing', cartId };
      const now = clock.now();
      if (isFinal(cart)) {
        const report = await settleFinal(cart, now);
        if (report !== null) return report;
        continue;
      }
      if (recovery?.isDead(cart, now)) {
        await recovery.recover(cart, now);
        continue;
      }
      let move = lookAgainAtStale(cart, await decideFor(cart, now));
      if (move.move === 'nudge') {
        if (await admitted(cart, now)) {
          const report = await nudge(cart, move, now);
          if (report !== null) return report;
          continue;
        }
        move = {
          move: 'still_shopping',
          reason: StillShoppingReason.snippetDailyCap,
          wakeAt: giveUpAt(cart, policy),
        };
      }
      const saved = await applyQuietMove(cart, move, now);
      if (saved === null) continue;
      // Nothing written (saved is the row as read): this wake-up came early or twice, and the
      // row's own timer is re-armed as a repair (no previous: create, or find it armed).
      await wakeups.set(cartId, saved.wakeAt, saved === cart ? null : cart.wakeAt);
      return { kind: 'moved', cartId, move };
    }
    throw new WakeConflictError(`cart ${cartId}: ${MAX_ATTEMPTS} conflicting writes in a row`);
  };
}

export type Wake = ReturnType<typeof createWake>;
