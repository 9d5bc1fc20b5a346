/**
 * What the DynamoDB cart store's reads and writes share: the document client, the two tables,
 * capacity counting, fault translation, and the strongly consistent GetItem and paged Query.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { GetCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { CartStoreFaultError } from '../../ports/cart-store.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { CapacityKind, UsageCounter } from '../../ports/usage-counter.ts';
import { batchGetAll } from './dynamodb-cart-rows.ts';
import {
  type AnyDynamoDbClient,
  errorName,
  type Item,
  queryAll,
  toDocumentClient,
} from './dynamodb-tables.ts';

/** A failed DynamoDB call (the SDK's error as cause), as the port's fault error. */
export class CartStoreError extends CartStoreFaultError {
  override name = 'CartStoreError';
}

export interface DynamoDbCartStoreOptions {
  readonly client: AnyDynamoDbClient;
  readonly stateTable: string;
  readonly auditTable: string;
  readonly usage?: UsageCounter;
  /** Stamps seen-event items (their 30-day TTL). Defaults to the system clock. */
  readonly clock?: Clock;
  /** Audit rows expire this long after their `at` (TTL); null keeps them forever. Default ~13 months. */
  readonly auditRetentionDays?: number | null;
  /**
   * CR_RETAIN_CARTS: purchase items expire (TTL) this long after the purchase, when the cart they
   * belong to is shrunk to a tombstone; null or absent keeps them.
   */
  readonly purchaseRetentionMs?: number | null;
}

export type CartContext = ReturnType<typeof createCartContext>;

export function createCartContext(options: DynamoDbCartStoreOptions) {
  const doc = toDocumentClient(options.client);
  const { stateTable, auditTable, usage } = options;
  const clock: Clock = options.clock ?? systemClock;
  const retention = options.auditRetentionDays === undefined ? 400 : options.auditRetentionDays;

  function fail(operation: string, table: string, error: unknown): never {
    throw new CartStoreError(
      `DynamoDB ${operation} on table ${table} failed: ${errorName(error)}`,
      {
        cause: error,
      },
    );
  }

  function count(
    op: string,
    kind: CapacityKind,
    consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
  ) {
    usage?.recordDynamoDb(op, kind, consumed);
  }

  const query = (op: string, input: QueryCommandInput) =>
    queryAll(doc, input, {
      page: (consumed) => count(op, 'read', consumed),
      fail: (error) => fail(`Query (${op})`, String(input.TableName), error),
    });

  async function all<T>(items: AsyncIterable<Item>, map: (item: Item) => T): Promise<T[]> {
    const out: T[] = [];
    for await (const item of items) out.push(map(item));
    return out;
  }

  /** Whole items by key, in key order: what a slim index names, read from the table. */
  const fetch = (op: string, table: string, keys: readonly Item[], consistent: boolean) =>
    batchGetAll(doc, table, keys, consistent, {
      consumed: (consumed) => count(op, 'read', consumed as ConsumedCapacity[]),
      fail: (error) => fail(`BatchGetItem (${op})`, table, error),
    });

  const auditQuery = (op: string, input: Omit<QueryCommandInput, 'TableName'>) =>
    query(op, { TableName: auditTable, ...input });

  const keyOf = (item: Item) => ({ pk: item.pk, sk: item.sk });

  async function getItem(op: string, Key: Item, ProjectionExpression?: string) {
    try {
      const out = await doc.send(
        new GetCommand({
          TableName: stateTable,
          Key,
          ConsistentRead: true,
          ...(ProjectionExpression === undefined ? {} : { ProjectionExpression }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      count(op, 'read', out.ConsumedCapacity);
      return out.Item ?? null;
    } catch (error) {
      fail('GetItem', stateTable, error);
    }
  }

  return {
    ...{ doc, stateTable, auditTable, clock, retention, options },
    ...{ fail, count, query, all, fetch, auditQuery, keyOf, getItem },
  };
}
