/**
 * The never-send list: one list, one way onto it, for the shopper's link and the owner's button
 * alike. Bounces and complaints land here too. Only the shopper's signed link takes anyone off,
 * and only off an unsubscribe the shopper made.
 */

import { BlockKind } from '../domain/address.ts';
import { type AuditEntry, SHOPPER } from '../domain/audit.ts';
import { PortFaultError, PortName } from './fault.ts';

export { BlockKind } from '../domain/address.ts';

export interface AddressBlock {
  readonly email: string;
  readonly kind: BlockKind;
  readonly at: number;
  readonly actor: string;
}

/**
 * How strong a block is. A complaint outweighs a permanent bounce, which outweighs the shopper's
 * own unsubscribe. The list keeps the strongest word it has heard (a shopper who unsubscribed and
 * then pressed "Report spam" still complained), and a resubscribe link lifts only the weakest.
 */
export const BLOCK_STRENGTH: Readonly<Record<BlockKind, number>> = {
  [BlockKind.unsubscribed]: 0,
  [BlockKind.bounced]: 1,
  [BlockKind.complained]: 2,
};

/**
 * The block once `next` is heard, or null when `current` stands and nothing is to be written.
 * A stronger kind replaces a weaker one. Within an unsubscribe, the store's word outranks the
 * shopper's: when the owner unsubscribes an address the shopper already had, the block becomes
 * the owner's (its `at` stays: it has been unsubscribed since then), so an old resubscribe link
 * can no longer lift what the owner was asked to do.
 */
export function mergeBlock(current: AddressBlock | null, next: AddressBlock): AddressBlock | null {
  if (current === null) return next;
  if (BLOCK_STRENGTH[current.kind] < BLOCK_STRENGTH[next.kind]) return next;
  const storeOverShopper =
    current.kind === BlockKind.unsubscribed &&
    next.kind === BlockKind.unsubscribed &&
    current.actor === SHOPPER &&
    next.actor !== SHOPPER;
  return storeOverShopper ? { ...next, at: current.at } : null;
}

/**
 * - `added`: the address was not on the list; it is now, with its audit row.
 * - `upgraded`: it was there for a weaker reason (an unsubscribe, then "Report spam"); the block
 *   now has the new kind, actor and `at` (so countBetween counts it from now), with its audit row.
 *   Also an owner's unsubscribe over the shopper's own: the actor changes, kind and `at` stay.
 * - `already`: it was there for the same or a stronger reason; nothing was written. SNS delivers
 *   at least once, so this is what a redelivered bounce or complaint finds.
 */
export type AddOutcome = 'added' | 'upgraded' | 'already';

/**
 * - `removed`: an unsubscribe was lifted, with its audit row.
 * - `absent`: the address was not on the list.
 * - `kept`: it is blocked by a bounce or complaint, which no resubscribe link lifts; nothing written.
 * - `kept_by_other`: it is an unsubscribe another actor made (the store's owner, asked by phone),
 *   which only the store lifts; nothing written.
 */
export type RemoveOutcome = 'removed' | 'absent' | 'kept' | 'kept_by_other';

export interface UnsubscribeList {
  get(email: string): Promise<AddressBlock | null>;
  /** Adds or strengthens the block with its audit row, atomically; see AddOutcome. */
  add(block: AddressBlock, audit: AuditEntry): Promise<AddOutcome>;
  /**
   * The shopper's own opt-back-in: lifts an `unsubscribed` block only, and only one whose actor
   * is the audit entry's (who is asking). Both conditions are checked in the same write, so a
   * complaint or an owner's unsubscribe landing between the caller's read and this call stays.
   */
  remove(email: string, audit: AuditEntry): Promise<RemoveOutcome>;
  /** Blocks whose current kind was set in [from, to), for sender health. */
  countBetween(from: number, to: number): Promise<Record<BlockKind, number>>;
}

/** The never-send list could not be read or written. */
export class UnsubscribeListFaultError extends PortFaultError {
  override name = 'UnsubscribeListFaultError';
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(PortName.unsubscribeList, message, options);
  }
}
