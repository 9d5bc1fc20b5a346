/**
 * Wake: what runs when a cart's timer fires. Read the row fresh, ask the waiter for one move,
 * apply it, retrying from a fresh read when another writer got there first. Each job is its own
 * file: asking the waiter (wake-decide.ts), sending a step (wake-send.ts), a final cart's
 * retention (wake-final.ts), a dead claim (claim-recovery.ts), a failed send (send-failure.ts);
 * what each writes is a domain transition (domain/cart-transitions.ts, cart-quiet-moves.ts).
 *
 * A waiter that dies between claim and record leaves the claim; claim-recovery.ts settles it
 * when the mailer can tell whether the step left, and otherwise the step stays unsent.
 *
 * A send the mail server refuses for good (SMTP 5xx, an SES rejection, a message that cannot be
 * sent as built) is not retried: the step is audited as skipped with the server's reason and the
 * cart is parked until its give-up time. Anything else (4xx, a dropped connection, a wrong
 * password) gives the step back for a retry in SEND_RETRY_MS.
 */
import { type Cart, isFinal } from '../domain/cart.ts';
import { type QuietMove, quietMoveEffect } from '../domain/cart-quiet-moves.ts';
import { type Move, StillShoppingReason } from '../domain/moves.ts';
import { giveUpAt } from '../domain/policy.ts';
import { silentLog } from '../ports/log.ts';
import { noMetrics } from '../ports/metrics.ts';
import { CLAIM_STALE_MS, type ClaimRecovery, createClaimRecovery } from './claim-recovery.ts';
import { type Attempt, CONFLICT, MAX_ATTEMPTS, retryOnConflict } from './retry-on-conflict.ts';
import { saveChange } from './save-change.ts';
import { createSendFailures } from './send-failure.ts';
import { createWaiterQuestions } from './wake-decide.ts';
import { createFinalSettler } from './wake-final.ts';
import { createStepSender } from './wake-send.ts';
import type { WakeDeps, WakeReport } from './wake-types.ts';

export { CLAIM_STALE_MS } from './claim-recovery.ts';
export { SEND_REFUSED, SEND_RETRY_MS } from './send-failure.ts';
export type { WakeDeps, WakeReport } from './wake-types.ts';

export function createWake(deps: WakeDeps) {
  const { store, unsubscribes, wakeups, mailer, clock, policy, compose } = deps;
  const senderPaused = deps.senderPaused ?? (async () => false);
  const log = deps.log ?? silentLog;
  const metrics = deps.metrics ?? noMetrics;
  const sendFailed = createSendFailures({ store, unsubscribes, wakeups, policy, log, metrics });
  const { decideFor, admitted } = createWaiterQuestions({ ...deps, senderPaused });
  const sender = createStepSender({
    store,
    wakeups,
    mailer,
    clock,
    policy,
    compose,
    log,
    metrics,
    sendFailed,
  });
  const settleFinal = createFinalSettler({ store, wakeups, policy });
  const wasSent = mailer.wasSent?.bind(mailer);
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
          sendingHere: sender.sendingHere,
        });

  /** A live claim blocking its step: look again when it goes stale, in case its waiter died. */
  function lookAgainAtStale(cart: Cart, move: Move): Move {
    const staleAt = recovery?.staleAt(cart) ?? null;
    if (staleAt === null || move.move === 'nudge' || move.move === 'let_go') return move;
    if (move.wakeAt === null) return move;
    return { ...move, wakeAt: Math.min(move.wakeAt, staleAt) };
  }

  /** Writes every move but nudge, and arms the row's timer. */
  async function applyQuietMove(cart: Cart, move: QuietMove, now: number): Promise<Attempt<Cart>> {
    const effect = quietMoveEffect(cart, move, now, policy);
    if (effect.kind === 'changed') return saveChange({ store, wakeups }, cart, effect);
    // Nothing written: this wake-up came early or twice, and the row's own timer is re-armed as
    // a repair (no previous: create, or find it armed).
    await wakeups.set(cart.id, cart.wakeAt, null);
    return cart;
  }

  async function wakeOnce(cartId: string): Promise<Attempt<WakeReport>> {
    const cart = await store.get(cartId);
    if (cart === null) return { kind: 'missing', cartId };
    const now = clock.now();
    if (isFinal(cart)) return settleFinal(cart, now);
    if (recovery?.isDead(cart, now)) {
      // Settled (or lost a race settling it): read the row again and decide as for any cart.
      await recovery.recover(cart, now);
      return CONFLICT;
    }
    let move = lookAgainAtStale(cart, await decideFor(cart, now));
    if (move.move === 'nudge') {
      if (await admitted(cart, now)) return sender.nudge(cart, move, now);
      move = {
        move: 'still_shopping',
        reason: StillShoppingReason.snippetDailyCap,
        wakeAt: giveUpAt(cart, policy),
      };
    }
    const saved = await applyQuietMove(cart, move, now);
    return saved === CONFLICT ? CONFLICT : { kind: 'moved', cartId, move };
  }

  return function wake(cartId: string): Promise<WakeReport> {
    return retryOnConflict(MAX_ATTEMPTS, () => wakeOnce(cartId), { cartId, what: 'waking' });
  };
}

export type Wake = ReturnType<typeof createWake>;
