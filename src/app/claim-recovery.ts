/**
 * Recovery of a step claim left by a waiter that died between claiming a step and recording it
 * (see wake.ts). Without recovery that step is never sent: at most once. With a mailer that can say
 * for sure whether the step's message left (Mailer.wasSent), a dead claim becomes exactly once:
 *
 *   waiter A: claim step 1 (claimedAt t0) ──send── ✝ killed before recording
 *   waiter B, at t0 + CLAIM_STALE_MS, or at once after a local restart: wasSent(<cr.…​.1@…>)?
 *     true  → record step 1 as sent (audit reminder_sent, detail.recovered)
 *     false → give the claim back (audit reminder_held claim_recovered), then decide as usual
 *
 * The Message-ID asked about is the claimed row's own: it names the cart's current sequence (its
 * abandonedAt), so the step-1 file of a sequence before a reopen never counts as this one's send.
 *
 * Never twice rests on the claim being dead: only once no send of it can still be in flight can
 * "not sent" not turn into "sent" behind B's back. Both writes are conditional on the version B
 * read, so two recovering waiters resolve like two claiming ones: one writes, the other re-reads.
 */
import { AuditAction, type AuditEntry, SYSTEM } from '../domain/audit.ts';
import { type Cart, CartStatus } from '../domain/cart.ts';
import { nextWakeAt, type Policy } from '../domain/policy.ts';
import { retainUntil } from '../domain/retention.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { OutgoingEmail } from '../ports/mailer.ts';
import type { Wakeups } from '../ports/wakeups.ts';

/** Longer than any send (SMTP and outbox time out well within it): a claim this old is dead. */
export const CLAIM_STALE_MS = 2 * 60_000;

export const CLAIM_RECOVERED = 'claim_recovered';

export interface ClaimRecoveryDeps {
  readonly store: CartStore;
  readonly wakeups: Wakeups;
  readonly policy: Policy;
  readonly compose: (cart: Cart, step: number) => OutgoingEmail;
  readonly wasSent: (messageId: string) => Promise<boolean>;
  readonly claimStaleMs: number;
  /** See WakeDeps.soleSenderSince. */
  readonly soleSenderSince: number | undefined;
  /** Whether this process is between claiming and recording a step of this cart right now. */
  readonly sendingHere: (cartId: string) => boolean;
}

/** A claimed step above the recorded ones: its waiter has not (yet) recorded the send. */
export function holdsUnrecordedClaim(cart: Cart): boolean {
  return cart.claimedStep !== null && cart.claimedStep > cart.remindersSent;
}

export function createClaimRecovery(deps: ClaimRecoveryDeps) {
  const { store, wakeups, policy, compose, wasSent, claimStaleMs, soleSenderSince, sendingHere } =
    deps;

  /** Rows claimed before claimedAt existed have none: their age is unknown. */
  function claimedAt(cart: Cart): number | null {
    return cart.claimedAt ?? null;
  }

  function isDead(cart: Cart, now: number): boolean {
    // A send of our own is alive whatever the clocks say (a slow server, a clock stepped back).
    if (!holdsUnrecordedClaim(cart) || sendingHere(cart.id)) return false;
    const at = claimedAt(cart);
    // This process writes claimedAt on every claim, so one without it, or from before the start,
    // was made by a process that is gone.
    if (soleSenderSince !== undefined && (at === null || at < soleSenderSince)) return true;
    return at !== null && now - at >= claimStaleMs;
  }

  /** When a live claim goes stale, so a waiter looks again then rather than at the next step. */
  function staleAt(cart: Cart): number | null {
    const at = claimedAt(cart);
    return holdsUnrecordedClaim(cart) && at !== null ? at + claimStaleMs : null;
  }

  function entry(cart: Cart, after: Cart, fields: Partial<AuditEntry>, at: number): AuditEntry {
    return {
      cartId: cart.id,
      email: cart.email,
      action: AuditAction.reminderHeld,
      actor: SYSTEM,
      at,
      reason: null,
      detail: null,
      before: cart,
      after,
      ...fields,
    };
  }

  /** The step left: record it as the dead waiter would have, dated when it was claimed. */
  async function recordRecovered(cart: Cart, step: number, email: OutgoingEmail, now: number) {
    const sentAt = claimedAt(cart) ?? now;
    const base: Cart = {
      ...cart,
      remindersSent: Math.max(cart.remindersSent, step),
      claimedStep: null,
      claimedAt: null,
      firstReminderAt: cart.firstReminderAt ?? sentAt,
      lastReminderAt: Math.max(cart.lastReminderAt ?? 0, sentAt),
    };
    const after: Cart = {
      ...base,
      wakeAt:
        cart.status === CartStatus.open ? nextWakeAt(base, policy) : retainUntil(base, policy),
    };
    // `to` is where the cart's address points now; it changes only if the shopper retyped it.
    const audited = entry(
      cart,
      after,
      {
        action: AuditAction.reminderSent,
        reason: 'gate open',
        email: email.to,
        detail: {
          step,
          messageId: email.messageId,
          to: email.to,
          recovered: true,
          recoveredAt: now,
        },
      },
      sentAt,
    );
    const saved = await store.save({
      cart: after,
      expectedVersion: cart.version,
      audit: [audited],
    });
    if (saved.kind === 'saved') await wakeups.set(cart.id, saved.cart.wakeAt, cart.wakeAt);
  }

  /** The step never left: give it back; the caller re-reads and decides as for any cart. */
  async function release(cart: Cart, step: number, now: number) {
    const after: Cart = { ...cart, claimedStep: null, claimedAt: null };
    const audited = entry(cart, after, { reason: CLAIM_RECOVERED, detail: { step } }, now);
    await store.save({ cart: after, expectedVersion: cart.version, audit: [audited] });
  }

  /**
   * Settles a dead claim with one conditional write (a conflict is left to the caller's re-read).
   * Throws when the mailer cannot tell: the claim then stays, as it would without recovery.
   */
  async function recover(cart: Cart, now: number): Promise<void> {
    const step = cart.claimedStep;
    if (step === null) return;
    const email = compose(cart, step);
    if (await wasSent(email.messageId)) await recordRecovered(cart, step, email, now);
    else await release(cart, step, now);
  }

  return { isDead, staleAt, recover };
}

export type ClaimRecovery = ReturnType<typeof createClaimRecovery>;
