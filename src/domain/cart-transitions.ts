/**
 * A cart's reminder-step state changes, written once: each takes the row as read and returns the
 * next row with the audit rows it implies, or says why it refuses. app/ loads, calls one of these,
 * writes the result conditionally on the version read, and re-reads on a conflict.
 *
 *   claimStep ──▶ (send) ──▶ markStepSent          the step left: recorded once
 *       │                └─▶ releaseStep          it did not: given back for a retry or a skip
 *       └─ a dead claim ──▶ markStepSent | releaseStep (claim recovery, as the waiter would have)
 *   closeCart: a person's stop or the waiter's let-go; a final cart stays as it first closed.
 *
 * The waiter's quiet moves (still shopping, wait, let go) are in cart-quiet-moves.ts.
 */
import { type Actor, AuditAction, type AuditEntry, auditEntry } from './audit.ts';
import { type Cart, CartStatus, ClosedReason, isFinal } from './cart.ts';
import { giveUpAt, nextWakeAt, type Policy } from './policy.ts';
import { retainUntil } from './retention.ts';

/** The next row and the audit rows that commit with it. */
export interface Changed {
  readonly kind: 'changed';
  readonly cart: Cart;
  readonly audit: readonly AuditEntry[];
}

/** The audit reason of a step skipped because the mail server refused it for good. */
export const SEND_REFUSED = 'send_refused';
/** The audit reason of a dead claim given back because its message never left. */
export const CLAIM_RECOVERED = 'claim_recovered';
/** The audit reason of a step that went out: the gate was open when it was claimed. */
const GATE_OPEN = 'gate open';

/** When this sequence's first step came due: the moment the cart counts as abandoned. */
export function abandonedAtOnceDue(cart: Cart, policy: Policy): number {
  return cart.abandonedAt ?? cart.lastActivityAt + (policy.cadenceMs[0] ?? 0);
}

/** A claimed step above the recorded ones: its waiter has not (yet) recorded the send. */
export function holdsUnrecordedClaim(cart: Cart): boolean {
  return cart.claimedStep !== null && cart.claimedStep > cart.remindersSent;
}

export type ClaimRefusal = 'final' | 'already_sent' | 'claimed';
export type ClaimResult = Changed | { readonly kind: 'refused'; readonly reason: ClaimRefusal };

/**
 * Claims `step` before it is sent: only one writer of the version read gets past the write, so a
 * step is mailed at most once. No audit row: the send or the release that follows writes one.
 */
export function claimStep(cart: Cart, step: number, now: number, policy: Policy): ClaimResult {
  if (isFinal(cart)) return { kind: 'refused', reason: 'final' };
  if (step <= cart.remindersSent) return { kind: 'refused', reason: 'already_sent' };
  if (cart.claimedStep !== null && step <= cart.claimedStep) {
    return { kind: 'refused', reason: 'claimed' };
  }
  const next: Cart = {
    ...cart,
    abandonedAt: abandonedAtOnceDue(cart, policy),
    claimedStep: step,
    claimedAt: now,
  };
  return { kind: 'changed', cart: next, audit: [] };
}

export interface SentStep {
  readonly step: number;
  readonly sentAt: number;
  readonly messageId: string;
  /** Where the message went; the audit row is filed under it. */
  readonly to: string;
  /** The mailer's receipt; absent when a recovered claim's message was only found sent. */
  readonly receipt?: string;
  /** The next wake-up the waiter planned when it chose the step; null: work it out here. */
  readonly wakeAtAfter: number | null;
  /** Set when a dead claim is settled as sent: when that was found out. */
  readonly recoveredAt?: number;
}

export type MarkSentResult =
  | Changed
  | { readonly kind: 'refused'; readonly reason: 'already_sent' };

/**
 * Records a sent step on whatever the row has become meanwhile. A checkout or stop that landed
 * mid-send keeps its status and its retention wake-up; new activity mid-send re-plans the next
 * step from it. Refused when the step is already on record and no claim of it is outstanding
 * (a slow waiter finding its step settled by recovery): the send is audited once.
 */
export function markStepSent(cart: Cart, sent: SentStep, policy: Policy): MarkSentResult {
  const { step, sentAt } = sent;
  const ownClaim = cart.claimedStep === step;
  if (cart.remindersSent >= step && !ownClaim) return { kind: 'refused', reason: 'already_sent' };
  const base: Cart = {
    ...cart,
    remindersSent: Math.max(cart.remindersSent, step),
    claimedStep: ownClaim ? null : cart.claimedStep,
    claimedAt: ownClaim ? null : cart.claimedAt,
    firstReminderAt: cart.firstReminderAt ?? sentAt,
    lastReminderAt: Math.max(cart.lastReminderAt ?? 0, sentAt),
  };
  const planned = sent.wakeAtAfter !== null && cart.lastActivityAt <= sentAt;
  const wakeAt = isFinal(base)
    ? retainUntil(base, policy)
    : planned
      ? sent.wakeAtAfter
      : nextWakeAt(base, policy);
  const next: Cart = { ...base, wakeAt };
  const detail: AuditEntry['detail'] =
    sent.recoveredAt === undefined
      ? { step, messageId: sent.messageId, receipt: sent.receipt ?? null, to: sent.to }
      : {
          step,
          messageId: sent.messageId,
          to: sent.to,
          recovered: true,
          recoveredAt: sent.recoveredAt,
        };
  const entry = auditEntry({
    action: AuditAction.reminderSent,
    reason: GATE_OPEN,
    detail,
    email: sent.to,
    at: sentAt,
    before: cart,
    after: next,
  });
  return { kind: 'changed', cart: next, audit: [entry] };
}

/** Why a claimed step is given back. */
export type ReleaseCause =
  /** The send failed for now: tried again at `retryAt`. */
  | { readonly kind: 'send_failed'; readonly error: string; readonly retryAt: number }
  /** The server refused it for good: skipped, and the cart waits for its give-up. */
  | { readonly kind: 'send_refused'; readonly error: string }
  /** A dead claim whose message never left: the waiter decides again at once. */
  | { readonly kind: 'claim_recovered' };

export type ReleaseResult = Changed | { readonly kind: 'refused'; readonly reason: 'not_claimed' };

/** Gives a claimed step back; refused when the row no longer holds that claim (already settled). */
export function releaseStep(
  cart: Cart,
  release: { readonly step: number; readonly at: number; readonly cause: ReleaseCause },
  policy: Policy,
): ReleaseResult {
  const { step, at, cause } = release;
  if (cart.claimedStep !== step) return { kind: 'refused', reason: 'not_claimed' };
  const next: Cart = {
    ...cart,
    claimedStep: null,
    claimedAt: null,
    // A cart that went final mid-send keeps only its retention wake-up (domain/retention.ts).
    wakeAt: isFinal(cart) ? retainUntil(cart, policy) : wakeAfterRelease(cart, cause, policy),
  };
  const entry = (action: AuditAction, reason: string, detail: AuditEntry['detail']) =>
    auditEntry({ action, reason, detail, at, before: cart, after: next });
  switch (cause.kind) {
    case 'send_failed':
      return changed(next, entry(AuditAction.reminderHeld, 'send_failed', failure(step, cause)));
    case 'send_refused':
      return changed(next, entry(AuditAction.skipped, SEND_REFUSED, failure(step, cause)));
    case 'claim_recovered':
      return changed(next, entry(AuditAction.reminderHeld, CLAIM_RECOVERED, { step }));
  }
}

function wakeAfterRelease(cart: Cart, cause: ReleaseCause, policy: Policy): number | null {
  switch (cause.kind) {
    case 'send_failed':
      return cause.retryAt;
    case 'send_refused':
      return giveUpAt(cart, policy);
    case 'claim_recovered':
      return cart.wakeAt;
  }
}

function failure(step: number, cause: { readonly error: string }) {
  return { step, error: cause.error.slice(0, 300) };
}

function changed(cart: Cart, entry: AuditEntry): Changed {
  return { kind: 'changed', cart, audit: [entry] };
}

export interface CloseCart {
  readonly closedReason: ClosedReason;
  readonly actor: Actor;
  /** An owner's words, or the rule that let the cart go. */
  readonly reason: string | null;
  readonly at: number;
  /** The waiter's let-go also dates the sequence's abandonment (a cart let go unmailed). */
  readonly abandonedAt?: number | null;
}

export type CloseResult =
  | Changed
  /** Bought or closed already: nothing changes, and the first reason stands. */
  | { readonly kind: 'already_final'; readonly cart: Cart };

/** The audit action of each way a cart is closed. */
export const CLOSE_ACTION = {
  [ClosedReason.suppressed]: AuditAction.suppress,
  [ClosedReason.written_off]: AuditAction.writeOff,
  [ClosedReason.expired]: AuditAction.expired,
} as const satisfies Record<ClosedReason, AuditAction>;

/**
 * Closes an open cart: no step is sent after this, any claim is dropped, and its one wake-up is
 * the end of its retention, when the shopper's data goes.
 */
export function closeCart(cart: Cart, close: CloseCart, policy: Policy): CloseResult {
  if (isFinal(cart)) return { kind: 'already_final', cart };
  const closed: Cart = {
    ...cart,
    abandonedAt: close.abandonedAt === undefined ? cart.abandonedAt : close.abandonedAt,
    status: CartStatus.closed,
    closedReason: close.closedReason,
    closedAt: close.at,
    claimedStep: null,
    claimedAt: null,
  };
  const next: Cart = { ...closed, wakeAt: retainUntil(closed, policy) };
  const entry = auditEntry({
    action: CLOSE_ACTION[close.closedReason],
    actor: close.actor,
    reason: close.reason,
    at: close.at,
    before: cart,
    after: next,
  });
  return changed(next, entry);
}

/**
 * An open cart whose address will never be mailed (unsubscribed): its reminder wake-ups go, and
 * its one wake-up is its give-up time, when the waiter lets it go instead of leaving it open.
 */
export function parkUntilGiveUp(
  cart: Cart,
  policy: Policy,
): Changed | { readonly kind: 'unchanged' } {
  const wakeAt = giveUpAt(cart, policy);
  if (isFinal(cart) || cart.wakeAt === wakeAt) return { kind: 'unchanged' };
  return { kind: 'changed', cart: { ...cart, wakeAt }, audit: [] };
}
