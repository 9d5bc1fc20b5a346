/**
 * The never-send list: one list, one way onto it, for the shopper's link and the owner's button
 * alike. Bounces and complaints land here too. Only the shopper's signed link takes anyone off.
 */

import type { BlockKind } from '../domain/address.ts';
import type { AuditEntry } from '../domain/audit.ts';

export { BlockKind } from '../domain/address.ts';

export interface AddressBlock {
  readonly email: string;
  readonly kind: BlockKind;
  readonly at: number;
  readonly actor: string;
}

export interface UnsubscribeList {
  get(email: string): Promise<AddressBlock | null>;
  /** Adds the address with its audit row, atomically. 'already' when it was on the list. */
  add(block: AddressBlock, audit: AuditEntry): Promise<'added' | 'already'>;
  /** The shopper's own opt-back-in. 'absent' when it was not on the list. */
  remove(email: string, audit: AuditEntry): Promise<'removed' | 'absent'>;
  /** Blocks added in [from, to), for the summary and sender health. */
  countBetween(from: number, to: number): Promise<Record<BlockKind, number>>;
}
