/**
 * What the waiter's quiet moves write (every move but nudge): the next wake-up, the sequence's
 * abandonment once a step had come due, an audit row when a due step is held or skipped, and for
 * let-go the close. Pure, like decide(); app/wake-quiet-move.ts writes it.
 */
import { AuditAction, auditEntry, SYSTEM } from './audit.ts';
import { type Cart, CartStatus, ClosedReason } from './cart.ts';
import { abandonedAtOnceDue, type Changed, closeCart } from './cart-transitions.ts';
import { type Move, StillShoppingReason } from './moves.ts';
import type { Policy } from './policy.ts';

export type QuietMove = Exclude<Move, { move: 'nudge' }>;

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

/** `unchanged`: nothing to write (a wake-up that came early or twice); the timer is re-armed. */
export type QuietMoveEffect = Changed | { readonly kind: 'unchanged' };

export function quietMoveEffect(
  cart: Cart,
  move: QuietMove,
  now: number,
  policy: Policy,
): QuietMoveEffect {
  const abandonedAt = stepWasDue(move) ? abandonedAtOnceDue(cart, policy) : cart.abandonedAt;
  const effect = effectOf(cart, move, abandonedAt, now, policy);
  if (effect.kind === 'unchanged') return effect;
  const same =
    effect.audit.length === 0 &&
    effect.cart.wakeAt === cart.wakeAt &&
    effect.cart.abandonedAt === cart.abandonedAt;
  return same ? { kind: 'unchanged' } : effect;
}

function effectOf(
  cart: Cart,
  move: QuietMove,
  abandonedAt: number | null,
  now: number,
  policy: Policy,
): QuietMoveEffect {
  const step = cart.remindersSent + 1;
  switch (move.move) {
    case 'still_shopping': {
      const wakeAt = cart.status === CartStatus.open ? move.wakeAt : null;
      const next: Cart = { ...cart, abandonedAt, wakeAt };
      if (!SKIP_REASONS.has(move.reason)) return { kind: 'changed', cart: next, audit: [] };
      const entry = auditEntry({
        action: AuditAction.skipped,
        reason: move.reason,
        detail: { step },
        at: now,
        before: cart,
        after: next,
      });
      return { kind: 'changed', cart: next, audit: [entry] };
    }
    case 'wait': {
      const next: Cart = { ...cart, abandonedAt, wakeAt: move.wakeAt };
      const entry = auditEntry({
        action: AuditAction.reminderHeld,
        reason: move.reason,
        detail: { step, until: move.wakeAt },
        at: now,
        before: cart,
        after: next,
      });
      return { kind: 'changed', cart: next, audit: [entry] };
    }
    case 'let_go': {
      const close = { closedReason: ClosedReason.expired, actor: SYSTEM, reason: move.reason };
      const closed = closeCart(cart, { ...close, at: now, abandonedAt }, policy);
      // A final cart is the retention path's, never a quiet move's: nothing to write here.
      return closed.kind === 'already_final' ? { kind: 'unchanged' } : closed;
    }
  }
}
