/**
 * Re-creates the wake-up of every open cart, and of every ended cart still owed its retention
 * wake-up (when its data shrinks to a tombstone), from its row: what a table restored to a point in
 * time needs, because the restore brings back the rows but not the schedules that were deleted
 * with them (or were never in the backup). Safe to run at any time and any number of times: a
 * cart's wake-up is named by the cart and its due time, so arming one that exists changes
 * nothing, and the waiter re-reads the row, so a wake-up that fires for a cart that moved on is
 * harmless. Overdue carts are armed to fire at once.
 *
 * The listing is paged, and a run may stop after `maxPages` and hand back where it stopped, so a
 * large table is re-armed in several invocations, each within its time limit.
 */
import { CartStatus } from '../domain/cart.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Wakeups } from '../ports/wakeups.ts';

export interface RearmDeps {
  readonly store: Pick<CartStore, 'cartsToRearm'>;
  readonly wakeups: Wakeups;
}

export interface RearmRequest {
  /** Where an earlier run stopped (its `next`); null or absent starts at the beginning. */
  readonly after?: string | null;
  readonly pageSize?: number;
  /** Stop after this many pages and report `next` (default: walk to the end). */
  readonly maxPages?: number;
}

export interface RearmReport {
  /** Open carts read. */
  readonly open: number;
  /** Ended carts whose retention wake-up was armed (without it their data would be kept for good). */
  readonly ended: number;
  /** Wake-ups armed (open carts with a due time, and the ended ones). */
  readonly armed: number;
  /** Open carts with no due time (nothing left to send, or no address yet): nothing to arm. */
  readonly idle: number;
  readonly pages: number;
  /** Where to resume, or null when every open cart was seen. */
  readonly next: string | null;
}

export type Rearm = (request?: RearmRequest) => Promise<RearmReport>;

export const DEFAULT_REARM_PAGE = 100;

export function createRearm({ store, wakeups }: RearmDeps): Rearm {
  return async (request = {}) => {
    const pageSize = request.pageSize ?? DEFAULT_REARM_PAGE;
    const maxPages = request.maxPages ?? Number.POSITIVE_INFINITY;
    let cursor = request.after ?? null;
    let open = 0;
    let ended = 0;
    let armed = 0;
    let pages = 0;
    do {
      const page = await store.cartsToRearm(cursor, pageSize);
      pages++;
      for (const cart of page.carts) {
        if (cart.status === CartStatus.open) open++;
        else ended++;
        if (cart.wakeAt === null) continue;
        // previous is null: this repairs a lost timer, it does not move one.
        await wakeups.set(cart.id, cart.wakeAt, null);
        armed++;
      }
      cursor = page.next;
    } while (cursor !== null && pages < maxPages);
    return { open, ended, armed, idle: open + ended - armed, pages, next: cursor };
  };
}
