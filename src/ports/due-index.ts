/**
 * The local timer's view of the store: which carts' wake-ups are due, claimed under a lease so
 * two loops (or a loop and a restart) never run the same wake-up at once. SQLite implements it
 * with an indexed due-time column (adapters/sqlite); the timer loop (adapters/timer) only needs
 * this, so another engine can be the local timer without the loop knowing. Promise-returning,
 * so an engine reached over a socket (PostgreSQL, say) can implement it as well as an embedded one.
 */
import { PortFaultError, PortName } from './fault.ts';

export interface DueIndex {
  /**
   * Claims up to `limit` carts whose wake-up is due at `now`, hiding each for `leaseMs`; a claim
   * not settled by then falls due again. Returns the claimed cart ids, earliest first.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<string[]>;
  /** The earliest due time among armed wake-ups (leased ones included), or null when none is. */
  nextDueAt(): Promise<number | null>;
}

/** The due index could not claim or look (a full or failing disk). */
export class DueIndexFaultError extends PortFaultError {
  override name = 'DueIndexFaultError';
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(PortName.dueIndex, message, options);
  }
}
