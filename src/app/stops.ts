/**
 * The stops a person makes (SPEC section 4): suppress one cart, write one off, unsubscribe one
 * address, and the shopper's own way back. Each change and its audit row commit together, and the
 * cart's wake-up moves to the end of its retention (CR_RETAIN_CARTS), when its data goes. The
 * automatic stop, checkout, lives in intake.
 */
import { BlockKind } from '../domain/address.ts';
import { type Actor, AuditAction, auditEntry, SHOPPER } from '../domain/audit.ts';
import { type Cart, ClosedReason } from '../domain/cart.ts';
import { CLOSE_ACTION, closeCart, parkUntilGiveUp } from '../domain/cart-transitions.ts';
import type { Policy } from '../domain/policy.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import { type Log, silentLog } from '../ports/log.ts';
import type { UnsubscribeList } from '../ports/unsubscribe-list.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import { CONFLICT, MAX_ATTEMPTS, retryOnConflict } from './retry-on-conflict.ts';
import { saveChange } from './save-change.ts';

export type CartStopResult =
  | { readonly kind: 'stopped'; readonly cart: Cart }
  /** Already bought or closed: nothing to stop, nothing changed. */
  | { readonly kind: 'already_final'; readonly cart: Cart }
  | { readonly kind: 'not_found' };

export type UnsubscribeResult = {
  readonly kind: 'unsubscribed' | 'already';
  readonly email: string;
};
/**
 * - `resubscribed`: the shopper's own unsubscribe was lifted.
 * - `not_unsubscribed`: nothing of the shopper's to lift (not on the list, or a bounce or complaint).
 * - `kept_by_store`: the store unsubscribed the address (an owner, asked by phone or mail); only
 *   the store can undo that, so the link changes nothing.
 */
export type ResubscribeResult = {
  readonly kind: 'resubscribed' | 'not_unsubscribed' | 'kept_by_store';
  readonly email: string;
};

export interface StopsDeps {
  readonly store: CartStore;
  readonly unsubscribes: UnsubscribeList;
  readonly wakeups: Wakeups;
  readonly clock: Clock;
  readonly policy: Policy;
  /** A line for each stop (cart id, kind, actor; never the address); silent when absent. */
  readonly log?: Log;
}

export function createStops(deps: StopsDeps) {
  const { store, unsubscribes, wakeups, clock, policy } = deps;
  const log = deps.log ?? silentLog;
  /** A person's stop: closes an open cart; a final one stays as it first closed. */
  function stop(
    cartId: string,
    closedReason: typeof ClosedReason.suppressed | typeof ClosedReason.written_off,
    actor: Actor,
    reason: string | null,
  ): Promise<CartStopResult> {
    const attempt = async () => {
      const before = await store.get(cartId);
      if (before === null) return { kind: 'not_found' } as const;
      const closed = closeCart(before, { closedReason, actor, reason, at: clock.now() }, policy);
      if (closed.kind === 'already_final') return closed;
      const saved = await saveChange({ store, wakeups }, before, closed);
      if (saved === CONFLICT) return CONFLICT;
      log.info('cart.stopped', { cartId, kind: CLOSE_ACTION[closedReason], actor });
      return { kind: 'stopped', cart: saved } as const;
    };
    return retryOnConflict(MAX_ATTEMPTS, attempt, { cartId, what: 'stopping it' });
  }

  /** The address's open carts will never be mailed: each waits for its give-up (domain). */
  async function parkOpenCarts(email: string): Promise<void> {
    for (const cart of await store.openCartsFor(email)) {
      const parked = parkUntilGiveUp(cart, policy);
      // A conflict means someone else just wrote the cart; the waiter's gate still blocks the mail.
      if (parked.kind === 'changed') await saveChange({ store, wakeups }, cart, parked);
    }
  }

  return {
    suppress(cartId: string, actor: Actor, reason: string | null = null) {
      return stop(cartId, ClosedReason.suppressed, actor, reason);
    },

    writeOff(cartId: string, actor: Actor, reason: string) {
      return stop(cartId, ClosedReason.written_off, actor, reason);
    },

    /** The shopper's one-click link and the owner's button take this same path. */
    async unsubscribe(
      email: string,
      actor: Actor,
      cartId: string | null = null,
    ): Promise<UnsubscribeResult> {
      const at = clock.now();
      const added = await unsubscribes.add(
        { email, kind: BlockKind.unsubscribed, at, actor },
        auditEntry({
          cartId,
          email,
          action: AuditAction.unsubscribe,
          actor,
          at,
          reason:
            actor === SHOPPER ? 'one-click unsubscribe link' : 'owner unsubscribed the address',
        }),
      );
      await parkOpenCarts(email);
      // The address is the one thing this stop is about, and the one thing the log never holds.
      if (added === 'added') log.info('cart.stopped', { cartId, kind: 'unsubscribe', actor });
      return { kind: added === 'added' ? 'unsubscribed' : 'already', email };
    },

    /** Only the shopper can opt back in, through their own signed link: the system never re-adds anyone. */
    async resubscribe(email: string): Promise<ResubscribeResult> {
      // A bounce or complaint is the mail system's word, not the shopper's: a link cannot undo it.
      const block = await unsubscribes.get(email);
      if (block === null || block.kind !== BlockKind.unsubscribed) {
        return { kind: 'not_unsubscribed', email };
      }
      // An owner's unsubscribe is the store's word: an old reminder's link must not undo it.
      if (block.actor !== SHOPPER) return { kind: 'kept_by_store', email };
      const removed = await unsubscribes.remove(
        email,
        auditEntry({
          cartId: null,
          email,
          action: AuditAction.resubscribe,
          actor: SHOPPER,
          at: clock.now(),
          reason: 'shopper opted back in',
        }),
      );
      switch (removed) {
        case 'removed':
          return { kind: 'resubscribed', email };
        case 'kept_by_other':
          return { kind: 'kept_by_store', email };
        case 'absent':
        case 'kept':
          return { kind: 'not_unsubscribed', email };
      }
    },
  };
}

export type Stops = ReturnType<typeof createStops>;
