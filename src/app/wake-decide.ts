/**
 * Asking the waiter: gather what decide() reads about the cart's address, lane and sender, and
 * the browser lane's daily budget of new addresses.
 */
import { localDay } from '../domain/calendar.ts';
import type { Cart } from '../domain/cart.ts';
import { isHeldOut } from '../domain/holdout.ts';
import { Lane, laneOf } from '../domain/lane.ts';
import type { Move } from '../domain/moves.ts';
import { decide } from '../domain/waiter.ts';
import type { WakeDeps } from './wake-types.ts';

type DecideDeps = Pick<WakeDeps, 'store' | 'unsubscribes' | 'policy' | 'snippetBudget'> & {
  readonly senderPaused: NonNullable<WakeDeps['senderPaused']>;
};

export function createWaiterQuestions(deps: DecideDeps) {
  const { store, unsubscribes, policy, senderPaused } = deps;

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

  return { decideFor, admitted };
}
