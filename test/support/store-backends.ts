/**
 * The cart store, the unsubscribe list and sender health's tallies on each real engine (SQLite in
 * memory, DynamoDB Local), for tests that hold them to the same promises side by side.
 * `useStoreBackends()` starts DynamoDB Local for the calling test file and stops it after.
 */
import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbCartStore } from '../../src/adapters/dynamodb/dynamodb-cart-store.ts';
import { createDynamoDbHealthTallies } from '../../src/adapters/dynamodb/dynamodb-health-tallies.ts';
import { createDynamoDbUnsubscribeList } from '../../src/adapters/dynamodb/dynamodb-unsubscribe-list.ts';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteHealthTallies } from '../../src/adapters/sqlite/sqlite-audit.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteUnsubscribeList } from '../../src/adapters/sqlite/sqlite-unsubscribe-list.ts';
import type { CartStore } from '../../src/ports/cart-store.ts';
import type { HealthTallies } from '../../src/ports/health-tallies.ts';
import type { UnsubscribeList } from '../../src/ports/unsubscribe-list.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';

export interface StoreBackend {
  readonly store: CartStore;
  readonly unsubscribes: UnsubscribeList;
  readonly tallies: HealthTallies;
  close(): Promise<void>;
}

export function useStoreBackends(): Array<[string, () => Promise<StoreBackend>]> {
  let emulator: DynamoDbLocal | undefined;
  beforeAll(async () => {
    emulator = await startDynamoDbLocal();
  }, 60_000);
  afterAll(async () => {
    await emulator?.stop();
  });
  return [
    [
      'SQLite',
      async () => {
        const db = openDatabase({ path: ':memory:' });
        return {
          store: createSqliteCartStore(db),
          unsubscribes: createSqliteUnsubscribeList(db),
          tallies: createSqliteHealthTallies(db),
          close: async () => void db.close(),
        };
      },
    ],
    [
      'DynamoDB Local',
      async () => {
        if (emulator === undefined) throw new Error('DynamoDB Local did not start');
        const client = emulator.client();
        const tables = await createTables(client);
        return {
          store: createDynamoDbCartStore({
            client,
            stateTable: tables.state,
            auditTable: tables.audit,
          }),
          unsubscribes: createDynamoDbUnsubscribeList({
            client,
            table: tables.unsubscribe,
            auditTable: tables.audit,
          }),
          tallies: createDynamoDbHealthTallies({ client, auditTable: tables.audit }),
          close: async () => {},
        };
      },
    ],
  ];
}
