/**
 * A final cart's wake-up: its one wake-up is the end of its retention. Before it (a step's timer
 * firing after a checkout, late or twice) nothing is sent and the wake-up is put back; at or after
 * it the row is replaced by its tombstone, conditional on the version read, so a checkout or event
 * landing meanwhile makes this a conflict and a fresh look.
 */
import { type Cart, CartStatus } from '../domain/cart.ts';
import { type Move, StillShoppingReason } from '../domain/moves.ts';
import type { Policy } from '../domain/policy.ts';
import { checkRetention } from '../domain/retention.ts';
import { type Attempt, CONFLICT } from './retry-on-conflict.ts';
import type { SaveChangeDeps } from './save-change.ts';
import type { WakeReport } from './wake-types.ts';

export function createFinalSettler({
  store,
  wakeups,
  policy,
}: SaveChangeDeps & { policy: Policy }) {
  async function keep(cart: Cart, wakeAt: number | null): Promise<Attempt<WakeReport>> {
    let saved = cart;
    if (cart.wakeAt !== wakeAt) {
      const after: Cart = { ...cart, wakeAt };
      const result = await store.save({ cart: after, expectedVersion: cart.version, audit: [] });
      if (result.kind === 'conflict') return CONFLICT;
      saved = result.cart;
    }
    await wakeups.set(cart.id, saved.wakeAt, saved === cart ? null : cart.wakeAt);
    const reason =
      cart.status === CartStatus.bought ? StillShoppingReason.bought : StillShoppingReason.closed;
    const move: Move = { move: 'still_shopping', reason, wakeAt: saved.wakeAt };
    return { kind: 'moved', cartId: cart.id, move };
  }

  return async function settleFinal(cart: Cart, now: number): Promise<Attempt<WakeReport>> {
    const verdict = checkRetention(cart, policy, now);
    switch (verdict.kind) {
      case 'keep':
        return keep(cart, verdict.wakeAt);
      case 'tombstone': {
        // No audit row: it would copy into the audit the very data this step removes.
        const result = await store.save({
          cart: verdict.tombstone,
          expectedVersion: cart.version,
          audit: [],
        });
        if (result.kind === 'conflict') return CONFLICT;
        await wakeups.set(cart.id, null, cart.wakeAt);
        return { kind: 'tombstoned', cartId: cart.id };
      }
    }
  };
}
