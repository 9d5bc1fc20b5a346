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
import type { Cart } from '../domain/cart.ts';
import { holdsUnrecordedClaim, markStepSent, releaseStep } from '../domain/cart-transitions.ts';
import type { Policy } from '../domain/policy.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { OutgoingEmail } from '../ports/mailer.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import { saveChange } from './save-change.ts';

export { CLAIM_RECOVERED, holdsUnrecordedClaim } from '../domain/cart-transitions.ts';

/** Longer than any send (SMTP and outbox time out well within it): a claim this old is dead. */
export const CLAIM_STALE_MS = 2 * 60_000;

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

  /** The step left: record it as the dead waiter would have, dated when it was claimed. */
  async function recordRecovered(cart: Cart, step: number, email: OutgoingEmail, now: number) {
    const sentAt = claimedAt(cart) ?? now;
    // `to` is where the cart's address points now; it changes only if the shopper retyped it.
    const { messageId, to } = email;
    const sent = { step, sentAt, messageId, to, wakeAtAfter: null, recoveredAt: now };
    const marked = markStepSent(cart, sent, policy);
    // A conflict is left to the caller's re-read, as is a step already on record.
    if (marked.kind === 'changed') await saveChange({ store, wakeups }, cart, marked);
  }

  /** The step never left: give it back; the caller re-reads and decides as for any cart. */
  async function release(cart: Cart, step: number, now: number) {
    const released = releaseStep(
      cart,
      { step, at: now, cause: { kind: 'claim_recovered' } },
      policy,
    );
    if (released.kind === 'refused') return;
    // The wake-up does not move: the caller decides at once and arms the one it chooses.
    await store.save({ cart: released.cart, expectedVersion: cart.version, audit: released.audit });
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
