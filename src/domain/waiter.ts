/**
 * The waiter's decision, SPEC section 2: on every wake-up, exactly one of four moves, as a pure
 * function of the fresh cart row, the address's state, recent sends, the policy and now.
 *
 * Invariants the tests hold it to: an open cart always gets a wake-up strictly after `now` (so a
 * timer that fires late, early or twice can neither loop nor lose the cart), and an open cart is
 * let go at its give-up time whatever else holds.
 */
import type { Cart } from './cart.ts';
import { checkGate, type GateVerdict } from './gate.ts';
import {
  LetGoReason,
  type Move,
  StillShoppingReason,
  type WaiterInput,
  type WaitReason,
} from './moves.ts';
import { giveUpAt } from './policy.ts';

export function decide(input: WaiterInput): Move {
  const { cart, policy, now } = input;
  if (cart.status === 'bought') return stillShopping(StillShoppingReason.bought, null);
  if (cart.status === 'closed') return stillShopping(StillShoppingReason.closed, null);

  const end = giveUpAt(cart, policy);
  const steps = policy.cadenceMs.length;
  if (now >= end) {
    return { move: 'let_go', reason: letGoReason(cart, steps) };
  }

  // A claimed step may have been sent by a waiter that died before recording it: never resend.
  const spent = Math.max(cart.remindersSent, cart.claimedStep ?? 0);
  const claimHolds = cart.claimedStep !== null && cart.claimedStep > cart.remindersSent;
  const dueAt = stepDueAt(input, spent);
  if (dueAt === null || now < dueAt) {
    // Say 'claimed' only when the claim is what keeps the unrecorded step from going out now.
    const unrecordedDue = stepDueAt(input, cart.remindersSent);
    const blockedByClaim = claimHolds && unrecordedDue !== null && now >= unrecordedDue;
    const reason = blockedByClaim ? StillShoppingReason.claimed : StillShoppingReason.active;
    return stillShopping(reason, dueAt === null ? end : Math.min(dueAt, end));
  }

  // Nothing a reminder could bring back; intake re-arms the wake-up if the cart fills up again.
  if (nothingToRecover(cart)) return stillShopping(StillShoppingReason.nothingToRecover, end);
  if (input.addressBlock !== null) return stillShopping(input.addressBlock, end);
  if (input.heldOut) return stillShopping(StillShoppingReason.holdout, end);
  // Intake re-arms the wake-up when an email arrives, so waiting to give-up is not a loss.
  if (cart.email === null) return wait('no_email', end);

  const gate = checkGate(input);
  if (gate.verdict !== 'open') return closedGate(gate, end);

  const step = spent + 1;
  const nextDue = stepDueAt(input, step);
  const after = nextDue === null ? end : Math.min(nextDue, end);
  // A late wake may find the next step overdue too; it still goes out at a later wake-up.
  return { move: 'nudge', step, wakeAtAfter: Math.max(after, now + 1) };
}

/**
 * A cart with no items, a zero total or no link back to it: a reminder would show "Total: $0.00"
 * or a button that lands nowhere. Such a cart is never nudged.
 */
export function nothingToRecover(cart: Pick<Cart, 'items' | 'totalMinor' | 'restoreUrl'>): boolean {
  return cart.items.length === 0 || cart.totalMinor <= 0 || cart.restoreUrl === null;
}

function letGoReason(cart: Cart, steps: number): LetGoReason {
  if (cart.remindersSent >= steps) return LetGoReason.allStepsSent;
  if (cart.remindersSent === 0 && nothingToRecover(cart)) return LetGoReason.nothingToRecover;
  return LetGoReason.gaveUp;
}

/** When 0-based step `index` comes due, or null past the last step. */
function stepDueAt(input: WaiterInput, index: number): number | null {
  const delay = input.policy.cadenceMs[index];
  return delay === undefined ? null : input.cart.lastActivityAt + delay;
}

function closedGate(gate: Exclude<GateVerdict, { verdict: 'open' }>, end: number): Move {
  switch (gate.verdict) {
    case 'never':
      return stillShopping(gate.rule, end);
    case 'not_this_cart':
      return stillShopping(NOT_THIS_CART[gate.rule], end);
    case 'wait':
      // A gate that opens only at or after give-up: let_go happens then instead.
      return wait(gate.rule, Math.min(gate.until, end));
    default:
      return assertNever(gate);
  }
}

const NOT_THIS_CART: Readonly<
  Record<Extract<GateVerdict, { verdict: 'not_this_cart' }>['rule'], StillShoppingReason>
> = {
  older_cart: StillShoppingReason.olderCart,
  bought_elsewhere: StillShoppingReason.boughtElsewhere,
  snippet_daily_cap: StillShoppingReason.snippetDailyCap,
};

function stillShopping(reason: StillShoppingReason, wakeAt: number | null): Move {
  return { move: 'still_shopping', reason, wakeAt };
}

function wait(reason: WaitReason, wakeAt: number): Move {
  return { move: 'wait', reason, wakeAt };
}

function assertNever(value: never): never {
  throw new Error(`unhandled gate verdict: ${JSON.stringify(value)}`);
}
