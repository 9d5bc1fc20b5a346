/**
 * The Wakeups port for the local timer. Locally the cart row's indexed due time *is* the timer:
 * the store's save that set `wakeAt` armed, moved or cancelled it already, so `set` only tells the
 * loop to look at that time instead of at its next poll, and a short cadence fires on time.
 */
import type { Wakeups } from '../../ports/wakeups.ts';
import type { TimerLoop } from './timer-loop.ts';

export interface TimerWakeups extends Wakeups {
  /**
   * The loop to poke. The loop runs the waiter, which needs these wake-ups, so it is made after
   * them; until it is attached a poke is dropped, and the loop's first look at start sees the row.
   */
  attach(loop: Pick<TimerLoop, 'poke'>): void;
}

export function createTimerWakeups(): TimerWakeups {
  let loop: Pick<TimerLoop, 'poke'> | null = null;
  return {
    async set(_cartId, at) {
      loop?.poke(at);
    },
    attach(next) {
      loop = next;
    },
  };
}
