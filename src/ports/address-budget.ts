/**
 * The browser lane's budget of new addresses (CR_SNIPPET_DAILY_CAP). Anyone can give the snippet
 * an address, so the lane may mail at most `cap` addresses a day that it never mailed before; an
 * address it has mailed stays known and is never counted again. Admission is one atomic step, so
 * waiters racing on many carts (Lambda runs them side by side) can never admit more than the cap.
 *
 * Days are the caller's (the store's calendar day, `YYYY-MM-DD`); the budget only counts.
 */
import { PortFaultError, PortName } from './fault.ts';

/** `known`: admitted before (any day). `room`/`full`: new, and whether `day` has room for it. */
export type BudgetPeek = 'known' | 'room' | 'full';

/** `admitted`: new, now counted on `day`. `known`: admitted before. `full`: new, no room. */
export type BudgetAdmit = 'admitted' | 'known' | 'full';

export interface AddressBudget {
  /** What admit would say now, without writing (the waiter's gate reads it). */
  peek(email: string, day: string, cap: number): Promise<BudgetPeek>;
  /** Admits `email` on `day` unless it is known or the day has `cap` admitted already. */
  admit(email: string, day: string, cap: number, at: number): Promise<BudgetAdmit>;
}

/** The address budget could not be read or written. */
export class AddressBudgetFaultError extends PortFaultError {
  override name = 'AddressBudgetFaultError';
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(PortName.addressBudget, message, options);
  }
}
