/**
 * The one wake-up timer per cart. The cart row's `wakeAt` says when it should fire; `set` makes
 * the timer match. Locally the row *is* the timer (an indexed due-time column, claimed by one
 * loop), so the SQLite adapter has nothing to do; on AWS it is an EventBridge Scheduler schedule.
 * Timers may fire late or twice: the waiter re-reads the row and stays safe either way.
 */
import { PortFaultError, PortName } from './fault.ts';

export interface Wakeups {
  /**
   * Arms, moves (at is a time) or cancels (at is null) the cart's wake-up. Idempotent.
   * `previous` is the wakeAt of the row as read before the write that set `at` (null for a new
   * cart, or when the caller only re-arms to repair a lost timer): an adapter whose timers are
   * named by time needs it to find the one to move or cancel.
   */
  set(cartId: string, at: number | null, previous: number | null): Promise<void>;
}

/** The timer service refused or failed a call (throttled, unreachable, not allowed). */
export class WakeupsFaultError extends PortFaultError {
  override name = 'WakeupsFaultError';
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(PortName.wakeups, message, options);
  }
}
