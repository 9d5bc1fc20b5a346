/**
 * What wake does when a reminder's send fails: give the claimed step back, say so in the audit,
 * the log and the counters, and decide whether it is tried again.
 *
 * - Transient (SMTP 4xx, a dropped connection, throttling, a refused login): the step is given
 *   back and the cart retried in SEND_RETRY_MS, as many times as it takes until give-up.
 * - Permanent for this message (SMTP 5xx, an SES rejection, a message that cannot be built): the
 *   same send would be refused again, so the step is audited as skipped (`send_refused`, with the
 *   server's reason) and the cart parked until its give-up time, when the waiter lets it go. One
 *   attempt, not one every 15 minutes for a week. New shopper activity re-arms it as usual.
 *
 * A permanent refusal of the recipient is also a hard bounce: the address joins the never-send
 * list (and sender health counts it), so no other cart of it is tried either.
 */
import { BlockKind } from '../domain/address.ts';
import { AuditAction, auditEntry, SYSTEM } from '../domain/audit.ts';
import type { Cart } from '../domain/cart.ts';
import { type ReleaseCause, releaseStep } from '../domain/cart-transitions.ts';
import type { Policy } from '../domain/policy.ts';
import type { CartStore } from '../ports/cart-store.ts';
import { type Log, withoutAddresses } from '../ports/log.ts';
import { endsStep, MailDeliveryError, MailFailureKind } from '../ports/mailer.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { UnsubscribeList } from '../ports/unsubscribe-list.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import { changeFreshest } from './save-change.ts';

export { SEND_REFUSED } from '../domain/cart-transitions.ts';

export const SEND_RETRY_MS = 15 * 60_000;

export type SendFailureReport =
  /** The send failed: the claim was released and the cart retries at `retryAt`. */
  | {
      readonly kind: 'send_failed';
      readonly cartId: string;
      readonly step: number;
      readonly retryAt: number;
      readonly error: string;
    }
  /** The mail server refused the step for good: not retried; the cart waits for its give-up. */
  | {
      readonly kind: 'send_refused';
      readonly cartId: string;
      readonly step: number;
      readonly error: string;
    };

export interface SendFailureDeps {
  readonly store: CartStore;
  readonly unsubscribes: UnsubscribeList;
  readonly wakeups: Wakeups;
  readonly policy: Policy;
  readonly log: Log;
  readonly metrics: Metrics;
}

export function createSendFailures(deps: SendFailureDeps) {
  const { store, unsubscribes, wakeups, policy, log, metrics } = deps;

  /** The server refused the address itself: a hard bounce, on the never-send list. */
  async function recordHardBounce(cart: Cart, error: MailDeliveryError, now: number) {
    if (cart.email === null) return;
    const reason = `rejected by the mail server: ${error.message.slice(0, 200)}`;
    await unsubscribes.add(
      { email: cart.email, kind: BlockKind.bounced, at: now, actor: SYSTEM },
      auditEntry({
        action: AuditAction.bounced,
        reason,
        detail: { code: error.responseCode },
        at: now,
        before: cart,
      }),
    );
  }

  /** Gives the step back on the freshest row, unless another writer already settled it. */
  async function giveBack(claimed: Cart, step: number, now: number, cause: ReleaseCause) {
    const giveUp = { cartId: claimed.id, what: `giving back step ${step} after a failed send` };
    const release = (cart: Cart) => releaseStep(cart, { step, at: now, cause }, policy);
    await changeFreshest({ store, wakeups }, giveUp, release, claimed);
  }

  /** Settles a failed send of `step` for the cart as claimed; never throws for the failure itself. */
  return async function settle(
    claimed: Cart,
    step: number,
    now: number,
    error: unknown,
  ): Promise<SendFailureReport> {
    const message = error instanceof Error ? error.message : String(error);
    const failure = error instanceof MailDeliveryError ? error : null;
    const refused = endsStep(error);
    if (failure?.permanent && failure.kind === MailFailureKind.rejected) {
      await recordHardBounce(claimed, failure, now);
    }
    // The audit keeps the server's words whole (it holds the address anyway); the log does not.
    const retryAt = now + SEND_RETRY_MS;
    const cause: ReleaseCause = refused
      ? { kind: 'send_refused', error: message }
      : { kind: 'send_failed', error: message, retryAt };
    await giveBack(claimed, step, now, cause);
    metrics.reminderFailed(step, refused);
    const fields = {
      cartId: claimed.id,
      step,
      reason: withoutAddresses(failure?.reason ?? message).slice(0, 300),
      kind: failure?.kind ?? 'unknown',
      code: failure?.responseCode ?? null,
      permanent: refused,
      retryAt: refused ? null : new Date(retryAt).toISOString(),
    };
    // A refused login stops every send until someone fixes CR_MAIL: louder than one bad address.
    if (failure?.kind === MailFailureKind.auth) log.error('reminder.send_failed', fields);
    else log.warn('reminder.send_failed', fields);
    if (refused) return { kind: 'send_refused', cartId: claimed.id, step, error: message };
    return { kind: 'send_failed', cartId: claimed.id, step, retryAt, error: message };
  };
}
