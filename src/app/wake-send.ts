/**
 * Sending one reminder step: claim it with a conditional write, send, record it. Only one waiter
 * gets past the claim for a step, so a step is mailed at most once.
 *
 *   waiter A reads v7 ──claim step 1 (v7→v8)──send──record (v8→v9)
 *   waiter B reads v7 ──claim step 1 (v7) ✗ conflict → re-read v8: step 1 claimed → still_shopping
 */
import type { Cart } from '../domain/cart.ts';
import { claimStep, markStepSent, type SentStep } from '../domain/cart-transitions.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Metrics } from '../ports/metrics.ts';
import { type Attempt, CONFLICT } from './retry-on-conflict.ts';
import { changeFreshest, type SaveChangeDeps } from './save-change.ts';
import type { createSendFailures } from './send-failure.ts';
import type { Nudge, WakeDeps, WakeReport } from './wake-types.ts';

interface StepSenderDeps extends SaveChangeDeps, Pick<WakeDeps, 'policy' | 'compose'> {
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: Metrics;
  readonly sendFailed: ReturnType<typeof createSendFailures>;
}

export function createStepSender(deps: StepSenderDeps) {
  const { store, mailer, clock, policy, compose, log, metrics, sendFailed } = deps;
  /** Carts this process has claimed a step of and not yet recorded or released. */
  const sending = new Map<string, number>();

  /**
   * Records a sent step on the freshest row, whatever else happened to the cart meanwhile. The
   * first try writes over the claimed row without reading it again: the write is conditional on
   * its version, so a change that landed during the send makes it a conflict and a fresh read.
   */
  async function recordSend(claimed: Cart, sent: SentStep): Promise<void> {
    const giveUp = { cartId: claimed.id, what: `recording sent step ${sent.step}` };
    // Refused when already on record (a recovery settled it while this send was slow): once.
    await changeFreshest(deps, giveUp, (cart) => markStepSent(cart, sent, policy), claimed);
  }

  async function claimAndSend(cart: Cart, move: Nudge, now: number): Promise<Attempt<WakeReport>> {
    const claim = claimStep(cart, move.step, now, policy);
    if (claim.kind === 'refused') {
      // decide() proposes only the step after every sent and claimed one, on an open cart.
      throw new Error(`cart ${cart.id}: the waiter chose step ${move.step} (${claim.reason})`);
    }
    // The claim: only one waiter gets past this write for this step, ever.
    const claimed = await store.save({
      cart: claim.cart,
      expectedVersion: cart.version,
      audit: claim.audit,
    });
    if (claimed.kind === 'conflict') return CONFLICT;
    const email = compose(claimed.cart, move.step);
    let receipt: string;
    try {
      receipt = (await mailer.send(email)).receipt;
    } catch (error) {
      return sendFailed(claimed.cart, move.step, now, error);
    }
    const sentAt = clock.now();
    const { messageId, to } = email;
    const { step, wakeAtAfter } = move;
    await recordSend(claimed.cart, { step, sentAt, messageId, to, receipt, wakeAtAfter });
    const dueAt = cart.lastActivityAt + (policy.cadenceMs[move.step - 1] ?? 0);
    metrics.reminderSent(move.step, sentAt - dueAt);
    log.info('reminder.sent', {
      cartId: cart.id,
      step: move.step,
      messageId,
      lateSeconds: Math.round((sentAt - dueAt) / 1000),
    });
    return { kind: 'moved', cartId: cart.id, move };
  }

  return {
    /** Whether this process is between claiming and recording a step of this cart right now. */
    sendingHere: (cartId: string) => sending.has(cartId),

    /** Claims, sends and records the step; CONFLICT when another writer took the row first. */
    async nudge(cart: Cart, move: Nudge, now: number): Promise<Attempt<WakeReport>> {
      // Counted, not flagged: two waiters of this process can be nudging one cart at once.
      sending.set(cart.id, (sending.get(cart.id) ?? 0) + 1);
      try {
        return await claimAndSend(cart, move, now);
      } finally {
        const left = (sending.get(cart.id) ?? 1) - 1;
        if (left === 0) sending.delete(cart.id);
        else sending.set(cart.id, left);
      }
    },
  };
}
