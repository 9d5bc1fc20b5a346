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
import { AuditAction, type AuditEntry, SYSTEM } from '../domain/audit.ts';
import { type Cart, CartStatus } from '../domain/cart.ts';
import { giveUpAt, type Policy } from '../domain/policy.ts';
import { retainUntil } from '../domain/retention.ts';
import type { CartStore } from '../ports/cart-store.ts';
import { type Log, withoutAddresses } from '../ports/log.ts';
import { endsStep, MailDeliveryError, MailFailureKind } from '../ports/mailer.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { UnsubscribeList } from '../ports/unsubscribe-list.ts';
import type { Wakeups } from '../ports/wakeups.ts';

export const SEND_RETRY_MS = 15 * 60_000;
/** The audit reason of a step skipped because the mail server refused it for good. */
export const SEND_REFUSED = 'send_refused';
const MAX_ATTEMPTS = 8;

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

function systemAudit(
  before: Cart,
  after: Cart | null,
  action: AuditEntry['action'],
  reason: string,
  detail: AuditEntry['detail'],
  at: number,
): AuditEntry {
  const base = { cartId: before.id, email: before.email, actor: SYSTEM, at, before, after };
  return { ...base, action, reason, detail };
}

export function createSendFailures(deps: SendFailureDeps) {
  const { store, unsubscribes, wakeups, policy, log, metrics } = deps;

  /** The server refused the address itself: a hard bounce, on the never-send list. */
  async function recordHardBounce(cart: Cart, error: MailDeliveryError, now: number) {
    if (cart.email === null) return;
    const reason = `rejected by the mail server: ${error.message.slice(0, 200)}`;
    await unsubscribes.add(
      { email: cart.email, kind: BlockKind.bounced, at: now, actor: SYSTEM },
      systemAudit(cart, null, AuditAction.bounced, reason, { code: error.responseCode }, now),
    );
  }

  /** Gives the step back on the freshest row, unless another writer already settled it. */
  async function release(
    claimed: Cart,
    step: number,
    now: number,
    refused: boolean,
    error: string,
  ) {
    const failure = { step, error: error.slice(0, 300) };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = attempt === 0 ? claimed : await store.get(claimed.id);
      if (current === null || current.claimedStep !== step) return;
      const open = current.status === CartStatus.open;
      // A cart that went final mid-send keeps only its retention wake-up (domain/retention.ts).
      const retry = refused ? giveUpAt(current, policy) : now + SEND_RETRY_MS;
      const wakeAt = open ? retry : retainUntil(current, policy);
      const after: Cart = { ...current, claimedStep: null, claimedAt: null, wakeAt };
      const entry = refused
        ? systemAudit(current, after, AuditAction.skipped, SEND_REFUSED, failure, now)
        : systemAudit(current, after, AuditAction.reminderHeld, 'send_failed', failure, now);
      const saved = await store.save({
        cart: after,
        expectedVersion: current.version,
        audit: [entry],
      });
      if (saved.kind === 'saved') {
        await wakeups.set(current.id, saved.cart.wakeAt, current.wakeAt);
        return;
      }
    }
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
    await release(claimed, step, now, refused, message);
    const retryAt = now + SEND_RETRY_MS;
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
