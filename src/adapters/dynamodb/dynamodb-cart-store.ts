/**
 * The cart list and its audit trail on DynamoDB, written as lean as the guarantees allow:
 *   - A change of the row alone (an update, a claim, a moved wake-up) is one conditional PutItem
 *     on the version read. A transaction only when other items must change with the row: a new
 *     row (no alias may hold its id), new aliases, the purchase items of a checkout.
 *   - Audit rows and their day tallies are written right after the row they describe, never before
 *     it (no audit row for a change that did not happen); inside the transaction when there is one.
 *   - A store event's id is remembered by a small marker item written after the row. Applying an
 *     event the row already holds changes nothing (domain/intake: not newer, stale), so a delivery
 *     that died between the row and its marker is recognised by the row's own lastEventId on retry.
 *
 * The race each condition guards:
 *   t0 writer A reads cart v3          t0 writer B reads cart v3
 *   t1 A writes v4 if version = 3: ok  t2 B writes v4 if version = 3: fails -> conflict, B reloads
 */
import type { CartStore } from '../../ports/cart-store.ts';
import { createCartContext, type DynamoDbCartStoreOptions } from './dynamodb-cart-context.ts';
import { createDynamoDbCartReads } from './dynamodb-cart-reads.ts';
import { createDynamoDbCartSearch } from './dynamodb-cart-search.ts';
import { createDynamoDbCartWrites } from './dynamodb-cart-writes.ts';

export { CartStoreError, type DynamoDbCartStoreOptions } from './dynamodb-cart-context.ts';

export function createDynamoDbCartStore(options: DynamoDbCartStoreOptions): CartStore {
  const ctx = createCartContext(options);
  return {
    ...createDynamoDbCartReads(ctx),
    ...createDynamoDbCartWrites(ctx),
    ...createDynamoDbCartSearch(ctx),
  };
}
